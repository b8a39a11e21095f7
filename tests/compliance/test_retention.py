"""The retention sweep against every seeded rule, with the clock travelled to either side of each limit."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from compliance.models import DeletionCertificate
from compliance.services import holds, retention
from consent.models import Consent, Subject
from core.audit import Actor
from matching.models import FaceTemplate
from tests import factories

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
ACTOR = Actor.system("test")
TEN_YEARS_H = 10 * 365 * 24


def _sweep(at, dry_run=False):
    with time_machine.travel(at, tick=False):
        return retention.retention_sweep(at=at, dry_run=dry_run, actor=ACTOR)


def _person(tenant, jurisdiction, notice=None, **consent_dates):
    with time_machine.travel(T0 - 30 * DAY, tick=False):
        notice = notice or factories.notice(tenant)
        s = factories.subject(tenant, jurisdiction)
        factories.consent(s, notice, granted_at=T0 - 30 * DAY, **consent_dates)
        factories.template(s, enrolled=True)
        factories.template(s, enrolled=True)
    return s


# (case, jurisdiction, consent dates, last interaction, grace hours, last moment kept, first moment erased, cause)
RULES = [
    (
        "BIPA: 3 years after the last interaction",
        "US-IL",
        {},
        T0,
        None,
        T0.replace(year=T0.year + 3) - timedelta(minutes=1),  # calendar years, a leap day included
        T0.replace(year=T0.year + 3) + timedelta(minutes=1),
        "retention",
    ),
    (
        "BIPA: when the purpose is satisfied",
        "US-IL",
        {"purpose_ended_at": T0},
        None,
        None,
        T0 - timedelta(minutes=1),
        T0 + timedelta(minutes=1),
        "retention",
    ),
    (
        "CUBI: 1 year after the purpose ends",
        "US-TX",
        {"purpose_ended_at": T0},
        None,
        TEN_YEARS_H,
        T0.replace(year=T0.year + 1) - timedelta(minutes=1),
        T0.replace(year=T0.year + 1) + timedelta(minutes=1),
        "retention",
    ),
    (
        "Quebec: once the purpose is achieved",
        "CA-QC",
        {"purpose_ended_at": T0},
        None,
        None,
        T0 - timedelta(minutes=1),
        T0 + timedelta(minutes=1),
        "retention",
    ),
    (
        "no consent left: 24 h after withdrawal",
        "GB",
        {"withdrawn_at": T0},
        None,
        None,
        T0 + 24 * timedelta(hours=1) - timedelta(minutes=1),
        T0 + 24 * timedelta(hours=1) + timedelta(minutes=1),
        "withdrawal",
    ),
    (
        "no consent left: 24 h after expiry",
        "US-CA",
        {"expires_at": T0},
        None,
        None,
        T0 + 23 * timedelta(hours=1),
        T0 + 25 * timedelta(hours=1),
        "withdrawal",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case, jurisdiction, dates, last_interaction, grace, kept_at, erased_at, cause", RULES, ids=[r[0] for r in RULES]
)
def test_each_seeded_rule(
    tenant, settings, case, jurisdiction, dates, last_interaction, grace, kept_at, erased_at, cause
):
    if grace:
        settings.WITHDRAWN_TEMPLATE_GRACE_HOURS = grace
    person = _person(tenant, jurisdiction, **dates)
    Subject.objects.filter(pk=person.pk).update(last_interaction_at=last_interaction)
    other_jurisdiction = _person(tenant, "GB")  # an active consent, no limit reached: never touched

    report = _sweep(kept_at)
    assert (report["retention"]["templates"], report["withdrawal"]["templates"]) == (0, 0), report
    assert FaceTemplate.objects.filter(subject=person).count() == 2

    report = _sweep(erased_at)
    assert report[cause]["templates"] == 2 and report[cause]["subjects"] == 1, report
    assert not FaceTemplate.objects.filter(subject=person).exists()
    assert FaceTemplate.objects.filter(subject=other_jurisdiction).count() == 2
    # The subject record and its consent ledger stay: only the face data goes.
    assert Subject.objects.get(pk=person.pk).erased_at is None and Consent.objects.filter(subject=person).exists()
    (cert_id,) = report[cause]["certificates"]
    cert = DeletionCertificate.objects.get(pk=cert_id)
    assert cert.cause == cause and cert.counts == {"matching_enrollment": 2, "matching_facetemplate": 2}
    assert [str(s) for s in cert.subjects] == [str(person.pk)]


@pytest.mark.django_db
def test_the_notices_own_retention_days(tenant):
    notice = factories.notice(tenant, retention_days=30)
    person = _person(tenant, "GB", notice=notice)  # granted T0 - 30 days
    assert _sweep(T0 - timedelta(minutes=1))["retention"]["templates"] == 0
    assert _sweep(T0 + timedelta(minutes=1))["retention"]["templates"] == 2
    assert not FaceTemplate.objects.filter(subject=person).exists()


@pytest.mark.django_db
def test_dry_run_erases_nothing_and_the_command_prints_it(tenant, capsys):
    person = _person(tenant, "US-IL", purpose_ended_at=T0)
    with time_machine.travel(T0 + DAY, tick=False):
        call_command("retention_sweep", "--dry-run")
    out = capsys.readouterr().out
    assert "retention: would erase 2 templates of 1 subjects" in out
    assert FaceTemplate.objects.filter(subject=person).count() == 2 and not DeletionCertificate.objects.exists()
    with time_machine.travel(T0 + DAY, tick=False):
        call_command("retention_sweep")
    assert "retention: erased 2 templates of 1 subjects (certificates " in capsys.readouterr().out
    assert not FaceTemplate.objects.filter(subject=person).exists()


@pytest.mark.django_db
def test_a_legal_hold_keeps_templates_past_retention(tenant):
    held = _person(tenant, "US-IL", purpose_ended_at=T0)
    holds.legal_hold_create(scope={"subjects": [held.pk]}, reason="litigation", expires_at=None, actor=ACTOR)
    report = _sweep(T0 + DAY)
    assert report["retention"]["held_subjects"] == [str(held.pk)] and report["retention"]["erased"] == 0
    assert FaceTemplate.objects.filter(subject=held).count() == 2


@pytest.mark.django_db
def test_a_notice_stored_with_retention_days_2147483647_neither_breaks_the_gate_nor_the_sweep():
    """A row from before the input bound (the API now refuses more than 36,500 days): capped where it is read."""
    from policy.gate import templates_eligible

    huge, plain = factories.tenant("huge"), factories.tenant("plain")
    kept = _person(huge, "US-IL", notice=factories.notice(huge, retention_days=2_147_483_647))
    gone = _person(plain, "US-IL", purpose_ended_at=T0)
    report = _sweep(T0 + DAY)
    assert report["failed"] == {} and report["retention"]["templates"] == 2
    assert FaceTemplate.objects.filter(subject=kept).count() == 2
    assert not FaceTemplate.objects.filter(subject=gone).exists()
    eligible = templates_eligible(
        FaceTemplate.objects.all(), tenant=huge, purpose="fraud_prevention", model="Dlib", at=T0
    )
    assert eligible.count() == 2


@pytest.mark.django_db
def test_one_tenants_failure_is_reported_and_the_others_are_still_swept():
    from django.db import connection

    broken, fine = factories.tenant("broken"), factories.tenant("fine")
    stuck = _person(broken, "US-IL", purpose_ended_at=T0)
    gone = _person(fine, "US-IL", purpose_ended_at=T0)
    with connection.cursor() as cursor:
        # A real database failure for one tenant's rows only (the test transaction drops it afterwards).
        cursor.execute(
            "CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_delete BEFORE DELETE ON matching_facetemplate "
            f"FOR EACH ROW WHEN (OLD.tenant_id = '{broken.pk}') EXECUTE FUNCTION refuse_delete()"
        )
    report = _sweep(T0 + DAY)
    assert list(report["failed"]) == ["broken"], report
    assert report["tenants"]["fine"]["retention"]["erased"] == 2
    assert not FaceTemplate.objects.filter(subject=gone).exists()
    assert FaceTemplate.objects.filter(subject=stuck).count() == 2
