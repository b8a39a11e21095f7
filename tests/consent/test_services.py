"""Consent validity over time, and the grant rules, as properties over many generated cases."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent import services
from consent.models import Consent, ConsentMethod, Purpose
from core.errors import DomainError, SubjectErased
from core.models import AuditEvent
from policy.seed import JURISDICTIONS
from policy.selectors import consents_in_force
from tests import factories

JURISDICTION_CODES = [str(j["code"]) for j in JURISDICTIONS]
WRITTEN_RELEASE = {str(j["code"]) for j in JURISDICTIONS if j["written_release_required"]}

instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))
offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5 * 365))
maybe_offset = st.none() | offsets
db_settings = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@contextmanager
def rolled_back():
    """Each generated example gets a clean database: its writes are undone when it ends."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _at(base, offset):
    return None if offset is None else base + offset


def _in_force(consent, t) -> bool:
    return consents_in_force(at=t, subject=consent.subject).filter(pk=consent.pk).exists()


def _consent_with(granted, expires=None, withdrawn=None, ended=None) -> Consent:
    """A consent row with exactly these dates, under a notice published long before any of them."""
    tenant = factories.tenant()
    notice = factories.notice(tenant, published_at=datetime(2019, 1, 1, tzinfo=UTC))
    return factories.consent(
        factories.subject(tenant),
        notice,
        granted_at=granted,
        expires_at=expires,
        withdrawn_at=withdrawn,
        purpose_ended_at=ended,
    )


@pytest.mark.django_db
@db_settings
@given(granted=instants, expires=maybe_offset, withdrawn=maybe_offset, ended=maybe_offset, data=st.data())
def test_in_force_exactly_between_grant_and_the_first_end(granted, expires, withdrawn, ended, data):
    with rolled_back():
        consent = _consent_with(granted, _at(granted, expires), _at(granted, withdrawn), _at(granted, ended))
        ends = [e for e in (consent.expires_at, consent.withdrawn_at, consent.purpose_ended_at) if e is not None]
        # Half the probes land exactly on a boundary, where an off-by-one would hide.
        t = data.draw(instants | st.sampled_from([granted, *ends]), label="t")
        assert _in_force(consent, t) == (granted <= t and all(t < e for e in ends))


@pytest.mark.django_db
@db_settings
@given(granted=instants, withdrawn=maybe_offset, expires=maybe_offset, t=instants, later=offsets)
def test_a_consent_that_ended_never_comes_back(granted, withdrawn, expires, t, later):
    with rolled_back():
        consent = _consent_with(granted, _at(granted, expires), _at(granted, withdrawn))
        if t >= granted and not _in_force(consent, t):
            assert not _in_force(consent, t + later)
        # Withdrawing can only shorten a consent, never lengthen it.
        unwithdrawn = _consent_with(granted, consent.expires_at)
        assert not _in_force(consent, t) or _in_force(unwithdrawn, t)


@pytest.mark.django_db
@db_settings
@given(
    jurisdiction=st.sampled_from(JURISDICTION_CODES),
    granted=instants,
    expires=st.none() | st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=3 * 365)),
    withdraw_after=maybe_offset,
    probes=st.lists(
        st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=4 * 365)), min_size=1, max_size=5
    ),
)
def test_granted_and_withdrawn_through_services_in_force_exactly_when_expected(
    jurisdiction, granted, expires, withdraw_after, probes
):
    with rolled_back():
        tenant = factories.tenant_created("acme")
        subject = factories.subject_created(tenant, jurisdiction)
        with time_machine.travel(granted - timedelta(days=1), tick=False):  # published before anyone consents
            notice = factories.notice_created(tenant)
        with time_machine.travel(granted, tick=False):
            consent = factories.consent_granted(
                subject, notice_obj=notice, method=ConsentMethod.WRITTEN_RELEASE, expires_at=_at(granted, expires)
            )
        assert consent.granted_at == granted
        if withdraw_after is not None:
            with time_machine.travel(granted + withdraw_after, tick=False):
                consent = services.consent_withdraw(consent=consent, actor=factories.SYSTEM)
            assert consent.withdrawn_at == granted + withdraw_after
        consent.refresh_from_db()
        boundaries = [timedelta(0), expires, withdraw_after, timedelta(microseconds=-1)]
        for probe in probes + [b for b in boundaries if b is not None]:
            t = granted + probe
            in_sql = consents_in_force(at=t, subject=subject, purpose="fraud_prevention").exists()
            expected = (
                probe >= timedelta(0)
                and (expires is None or probe < expires)
                and (withdraw_after is None or probe < withdraw_after)
            )
            assert in_sql == expected


EVIDENCES = [{}, {"ip": "203.0.113.7"}, {"signed_name": "  "}, {"signed_name": "Ada Lovelace", "ip": "203.0.113.7"}]


@pytest.mark.django_db
@db_settings
@given(
    # Half the cases in a written-release jurisdiction: they are few in the seed but hold most of the rules.
    jurisdiction=st.sampled_from(sorted(WRITTEN_RELEASE)) | st.sampled_from(JURISDICTION_CODES),
    purpose=st.sampled_from(Purpose.values),
    allowed=st.lists(st.sampled_from(Purpose.values), min_size=1, unique=True),
    method=st.sampled_from(ConsentMethod.values),
    evidence=st.sampled_from(EVIDENCES),
)
def test_grant_rules_hold_in_every_jurisdiction(jurisdiction, purpose, allowed, method, evidence):
    with rolled_back():
        tenant = factories.tenant_created("acme")
        subject = factories.subject_created(tenant, jurisdiction)
        notice = factories.notice_created(tenant, purpose=purpose)
        signed = bool(evidence.get("signed_name", "").strip())
        expected: type[DomainError] | None
        if purpose not in allowed:
            expected = services.PurposeNotAllowed
        elif jurisdiction in WRITTEN_RELEASE and not (
            method == "written_release" or (method == "electronic_signature" and signed)
        ):
            expected = services.ConsentEvidenceRequired
        else:
            expected = None
        before = AuditEvent.objects.filter(action="consent.grant").count()
        call = dict(
            subject=subject,
            purpose=purpose,
            notice=notice,
            method=method,
            evidence=evidence,
            allowed_purposes=allowed,
            actor=factories.SYSTEM,
        )
        if expected is None:
            consent = services.consent_grant(**call)
            assert _in_force(consent, consent.granted_at) and consent.notice_sha256 == notice.sha256
            assert AuditEvent.objects.filter(action="consent.grant").count() == before + 1
        else:
            with pytest.raises(expected):
                services.consent_grant(**call)
            assert not Consent.objects.filter(subject=subject).exists()
            assert AuditEvent.objects.filter(action="consent.grant").count() == before


@pytest.mark.django_db
def test_every_written_release_jurisdiction_in_the_seed_is_enforced():
    """The seed names the laws that need a written release; the service enforces each of them."""
    assert {"US-IL", "US-TX", "US-WA"} <= WRITTEN_RELEASE
    tenant = factories.tenant_created("acme")
    notice = factories.notice_created(tenant)
    for code in WRITTEN_RELEASE:
        with pytest.raises(services.ConsentEvidenceRequired):
            factories.consent_granted(
                factories.subject_created(tenant, code), notice_obj=notice, method="explicit_opt_in"
            )


@pytest.mark.django_db
def test_consent_for_an_erased_subject_is_refused():
    tenant = factories.tenant_created("acme")
    subject = factories.subject_created(tenant)
    type(subject).objects.filter(pk=subject.pk).update(erased_at=subject.created_at)
    with pytest.raises(SubjectErased):
        factories.consent_granted(subject)


@pytest.mark.django_db
def test_withdrawal_is_idempotent_and_writes_one_event():
    consent = factories.consent_granted(factories.subject_created(factories.tenant_created("acme")))
    first = services.consent_withdraw(consent=consent, actor=factories.SYSTEM)
    second = services.consent_withdraw(consent=consent, actor=factories.SYSTEM)
    assert first.withdrawn_at == second.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="consent.withdraw", object_id=str(consent.id)).count() == 1
