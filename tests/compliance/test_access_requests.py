"""Access requests: who is covered, what the report holds (and never holds), and the statutory clock."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from compliance.models import AccessRequest, AccessStatus
from compliance.services import access_requests, clocks, deadlines, eraser
from compliance.services.subject_requests import NotAwaitingOfficer
from consent.models import Purpose
from core.audit import Actor
from core.errors import UnknownJurisdiction
from core.models import AuditEvent
from core.officers import officer_create
from matching.models import JobStatus, Verification
from policy.models import LegalHold, OrderAction
from tests import factories

ACTOR = Actor.system("test")
EMAIL = "me@example.org"
pytestmark = pytest.mark.django_db


def _ask(email=EMAIL, jurisdiction="GB", **fields) -> AccessRequest:
    return access_requests.access_request_create(
        email=email, jurisdiction=jurisdiction, source="portal", actor=ACTOR, **fields
    )


def _verified(**fields) -> AccessRequest:
    return access_requests.access_request_verify(access_request=_ask(**fields), actor=ACTOR)


def _report(access_request) -> tuple[dict, bytes]:
    body = access_requests.access_report_download(access_request=access_request, actor=ACTOR)
    return json.loads(body), body


def _long_number_lists(value) -> list:
    """Every list of more than 16 numbers anywhere in the document: what a face vector would look like."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in _long_number_lists(v)]
    if isinstance(value, list):
        if len(value) > 16 and all(isinstance(v, int | float) for v in value):
            return [value]
        return [x for v in value for x in _long_number_lists(v)]
    return []


@pytest.fixture
def world():
    """The requester at two organisations (one holding the address in capitals), and a bystander beside them."""
    acme, other = factories.tenant("acme"), factories.tenant("other")
    person = factories.subject(acme, "GB", email=EMAIL)
    elsewhere = factories.subject(other, "US-CA", email="Me@Example.org")
    bystander = factories.subject(acme, "GB", email="someone@else.test")
    notice = factories.notice(acme)
    for s in (person, bystander):
        factories.consent(s, notice)
        factories.template(s, enrolled=True)
        factories.template(s, enrolled=True)
    factories.template(elsewhere, enrolled=True)
    factories.match_job_naming([bystander, person], t=acme)
    Verification.objects.create(
        tenant=acme, subject=person, status=JobStatus.DONE, model_name="Dlib", threshold=0.07, probe_sha256="4" * 64
    )
    factories.order(action=OrderAction.SUSPEND_PROCESSING, scope_jurisdictions=["GB"])
    LegalHold.objects.create(scope_subjects=[person.pk], reason="Litigation: Doe v. Acme", created_by="olivia")
    return {"acme": acme, "other": other, "person": person, "elsewhere": elsewhere, "bystander": bystander}


def test_nothing_is_looked_up_before_the_address_is_confirmed(world):
    request = _ask()
    assert request.status == AccessStatus.AWAITING_VERIFICATION and request.subjects == []
    with pytest.raises(access_requests.ReportNotReady):
        access_requests.access_report_download(access_request=request, actor=ACTOR)


def test_the_report_holds_the_requesters_data_per_organisation_and_nothing_else(
    world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = _verified()
    assert request.status == AccessStatus.DONE and request.email == ""
    assert set(request.subjects) == {world["person"].pk, world["elsewhere"].pk}
    assert "/portal/access/report/" in mail.outbox[-1].body and mail.outbox[-1].to == [EMAIL]

    report, body = _report(request)
    text = body.decode()
    by_org = {o["organisation"]["code"]: o["subjects"] for o in report["organisations"]}
    assert set(by_org) == {"acme", "other"}
    assert [s["subject"]["id"] for s in by_org["acme"]] == [str(world["person"].pk)]
    assert [s["subject"]["id"] for s in by_org["other"]] == [str(world["elsewhere"].pk)]
    # Never another person's data, never a vector.
    bystander = world["bystander"]
    for needle in (str(bystander.pk), bystander.email, bystander.external_ref, "embedding"):
        assert needle not in text
    assert _long_number_lists(report) == []

    mine = by_org["acme"][0]
    [consent] = mine["consents"]
    assert consent["purpose"] == Purpose.FRAUD_PREVENTION and consent["notice"]["text"].startswith("Notice ")
    assert consent["notice"]["version"] and consent["withdrawn_at"] is None
    assert mine["face_templates"]["count"] == 2
    assert {t["model_name"] for t in mine["face_templates"]["templates"]} == {"Dlib"}
    [match] = mine["matches"]
    assert (
        match["organisation"] == "acme" and match["purpose"] == Purpose.FRAUD_PREVENTION and match["distance"] == 0.01
    )
    assert [v["status"] for v in mine["verifications"]] == ["done"]
    assert [o["action"] for o in mine["regulator_orders"]] == ["suspend_processing"]
    # A hold is reported, its reason is not (it may name confidential proceedings).
    assert len(mine["legal_holds"]) == 1 and "Doe v. Acme" not in text
    assert by_org["other"][0]["face_templates"]["count"] == 1 and by_org["other"][0]["regulator_orders"] == []

    # Answered and downloaded are both in the audit log, the download with the SHA-256 of the bytes handed over.
    events = AuditEvent.objects.filter(object_id=str(request.pk)).order_by("seq").values_list("action", flat=True)
    assert list(events) == [
        "access_request.create",
        "access_request.verify",
        "access_request.answer",
        "access_request.report_download",
    ]
    download = AuditEvent.objects.get(object_id=str(request.pk), action="access_request.report_download")
    assert download.details["sha256"] == hashlib.sha256(body).hexdigest() and EMAIL not in json.dumps(download.details)


def test_an_erased_subject_shows_its_tombstone_and_certificate(world):
    request = _verified()
    certificate = eraser.subjects_erase(
        subject_ids=[world["person"].pk], cause="order", scope={"jurisdictions": ["GB"]}, actor=ACTOR
    )
    # The hold kept the subject: release it, and erase again.
    assert certificate.subjects == []
    LegalHold.objects.update(released_at=datetime.now(UTC))
    certificate = eraser.subjects_erase(
        subject_ids=[world["person"].pk], cause="order", scope={"jurisdictions": ["GB"]}, actor=ACTOR
    )
    report, _ = _report(request)
    [acme] = [o for o in report["organisations"] if o["organisation"]["code"] == "acme"]
    [mine] = acme["subjects"]
    assert mine["erasure"]["erased_at"] and mine["erasure"]["cause"] == "order"
    assert [c["id"] for c in mine["erasure"]["certificates"]] == [str(certificate.pk)]
    assert mine["erasure"]["certificates"][0]["sha256"] == certificate.sha256
    assert mine["consents"] == [] and mine["face_templates"]["count"] == 0 and mine["matches"] == []
    assert mine["subject"]["email"] == "" and mine["legal_holds"] == []


def test_a_reference_whose_address_differs_waits_for_an_officer(world):
    request = _verified(tenant="acme", external_ref=world["bystander"].external_ref)
    assert request.status == AccessStatus.AWAITING_OFFICER and request.subjects == []
    with pytest.raises(access_requests.ReportNotReady):
        access_requests.access_report_download(access_request=request, actor=ACTOR)
    request = access_requests.access_request_officer_confirm(access_request=request, actor=ACTOR)
    assert request.status == AccessStatus.DONE
    assert set(request.subjects) == {world["person"].pk, world["elsewhere"].pk, world["bystander"].pk}
    with pytest.raises(NotAwaitingOfficer):
        access_requests.access_request_officer_confirm(access_request=request, actor=ACTOR)


def test_incomplete_reference_and_unknown_codes_are_refused():
    with pytest.raises(access_requests.ReferenceIncomplete):
        _ask(tenant="acme")
    with pytest.raises(UnknownJurisdiction):
        _ask(jurisdiction="XX")
    assert not AccessRequest.objects.exists()


# --- The clock: the erasure request's rules, not a copy of them -------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "due"),
    [
        ("FR", datetime(2026, 2, 28, 9, 30, tzinfo=UTC)),  # one calendar month, clamped to the month's end
        ("US-CA", datetime(2026, 3, 17, 1, 30, tzinfo=ZoneInfo("America/Los_Angeles"))),  # 45 days, local time
        ("CA", datetime(2026, 1, 31, 9, 30, tzinfo=UTC) + timedelta(days=30)),
    ],
)
def test_due_date_runs_from_receipt_per_jurisdiction(jurisdiction, due):
    received = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 2, 3, tzinfo=UTC), tick=False):
        request = _ask(jurisdiction=jurisdiction, received_at=received)
    assert request.received_at == received and request.due_at == due and request.paused_at is None


def test_uk_clock_stops_until_the_requester_confirms():
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC), tick=False):
        request = _ask(jurisdiction="GB")
    assert request.paused_at and request.due_at == datetime(2026, 4, 1, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(datetime(2026, 3, 5, tzinfo=UTC), tick=False):
        request = access_requests.access_request_verify(access_request=request, actor=ACTOR)
    assert request.due_at == datetime(2026, 4, 5, tzinfo=ZoneInfo("Europe/London"))
    assert [c["event"] for c in request.clock] == ["received", "paused", "resumed"]


def test_an_access_request_is_extended_once_under_its_law(world, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 1, 10, tzinfo=UTC), tick=False):
        request = _verified(jurisdiction="US-CA", tenant="acme", external_ref=world["bystander"].external_ref)
    assert request.status == AccessStatus.AWAITING_OFFICER
    mail.outbox.clear()
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            request = clocks.request_extend(subject_request=request, reason="Many records", actor=ACTOR)
        # 9 January 16:00 in California, 45 + 45 days later on its calendar.
        assert request.due_at == datetime(2026, 4, 9, 16, tzinfo=ZoneInfo("America/Los_Angeles"))
        with pytest.raises(clocks.ExtensionLimitReached):
            clocks.request_extend(subject_request=request, reason="again", actor=ACTOR)
    assert "Many records" in mail.outbox[-1].body and mail.outbox[-1].to == [EMAIL]
    assert AuditEvent.objects.filter(object_id=str(request.pk), action="access_request.extend").count() == 1


def test_officers_are_told_once_when_an_access_request_awaiting_them_is_overdue(
    world, django_capture_on_commit_callbacks
):
    officer, _, _ = officer_create(username="olivia", actor=ACTOR)
    officer.email = "olivia@facegate.test"
    officer.save()
    with time_machine.travel(datetime(2026, 1, 10, tzinfo=UTC), tick=False):
        request = _verified(jurisdiction="FR", tenant="acme", external_ref=world["bystander"].external_ref)
    answered = _verified(jurisdiction="FR")  # answered at once: never overdue
    late = request.due_at + timedelta(minutes=1)
    sent = []
    for _ in range(2):
        with time_machine.travel(late, tick=False), django_capture_on_commit_callbacks(execute=True):
            mail.outbox.clear()
            report = deadlines.deadlines_check(at=late)
        sent.append([m.subject for m in mail.outbox])
    assert report["overdue_access_requests"] == 1
    assert sent == [[f"[Facegate] Access request {request.pk} is OVERDUE"], []]  # told once, not twice
    assert AuditEvent.objects.filter(object_id=str(request.pk), action="access_request.overdue").count() == 1
    assert not AuditEvent.objects.filter(object_id=str(answered.pk), action="access_request.overdue").exists()
    assert AccessRequest.objects.get(pk=request.pk).status == AccessStatus.AWAITING_OFFICER  # overdue is no status
