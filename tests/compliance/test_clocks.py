"""Statutory clocks with the clock travelled: receipt date, month-end clamp, extensions per law, pause and resume,
refusals, and a late request that an officer can still confirm."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from compliance.models import ErasureRequest, ErasureStatus
from compliance.selectors.deadlines import erasure_requests_overdue
from compliance.services import clocks, deadlines, erasure_requests, refusals
from consent.models import Subject
from core.audit import Actor
from core.errors import ReasonRequired
from core.models import AuditEvent
from tests import factories

ACTOR = Actor.system("test")
# Each law's period is counted on its zone's calendar (policy.seed.TIME_ZONES): the due instants below are local.
PARIS, LONDON, PACIFIC = ZoneInfo("Europe/Paris"), ZoneInfo("Europe/London"), ZoneInfo("America/Los_Angeles")
pytestmark = pytest.mark.django_db


def _create(at: datetime, jurisdiction: str, tenant, received_at=None, ref="r1", email="p@x.test") -> ErasureRequest:
    with time_machine.travel(at, tick=False):
        return erasure_requests.erasure_request_create(
            email=email,
            jurisdiction=jurisdiction,
            tenant=tenant.slug,
            external_ref=ref,
            received_at=received_at,
            source="officer",
            actor=ACTOR,
        )


def _at(moment: datetime, fn, **kwargs):
    with time_machine.travel(moment, tick=False):
        return fn(**kwargs, actor=ACTOR)


def test_a_request_received_by_letter_runs_from_its_receipt(api, tenant):
    # Entered on 10 March for a letter that arrived on 31 January: due on the clamped 28 February, already late.
    entered, received = datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    with time_machine.travel(entered, tick=False):
        response = api.post(
            "/api/v1/erasure-requests",
            {
                "email": "p@x.test",
                "jurisdiction": "FR",
                "tenant": "acme",
                "external_ref": "r1",
                "received_at": received,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["received_at"] == "2026-01-31T09:30:00Z" and body["due_at"] == "2026-02-28T09:30:00Z"
        late = api.post(
            "/api/v1/erasure-requests",
            {
                "email": "p@x.test",
                "jurisdiction": "FR",
                "tenant": "acme",
                "external_ref": "r1",
                "received_at": entered + timedelta(minutes=1),
            },
            format="json",
        )
    assert late.status_code == 400 and late.json()["error"]["code"] == "received_in_future"
    assert ErasureRequest.objects.count() == 1


def test_gdpr_extension_two_further_months_once_within_the_first_month(tenant):
    request = _create(datetime(2026, 1, 31, 9, 30, tzinfo=UTC), "FR", tenant)
    assert request.due_at == datetime(2026, 2, 28, 9, 30, tzinfo=UTC)
    mail.outbox.clear()
    with time_machine.travel(datetime(2026, 2, 20, tzinfo=UTC), tick=False):
        with pytest.raises(ReasonRequired):
            clocks.request_extend(subject_request=request, reason="  ", actor=ACTOR)
        request = clocks.request_extend(subject_request=request, reason="Records held in three archives", actor=ACTOR)
    # Months chain from the first due date (the earlier reading): 28 Feb + 2 months = 28 Apr, at 10:30 in Paris as
    # on receipt, which is 08:30 UTC in summer time.
    assert request.due_at == datetime(2026, 4, 28, 8, 30, tzinfo=UTC)
    assert [c["event"] for c in request.clock] == ["received", "extended"]
    event = AuditEvent.objects.filter(action="erasure_request.extend").get()
    assert event.details["reason"] == "Records held in three archives"
    with pytest.raises(clocks.ExtensionLimitReached) as refused:
        _at(datetime(2026, 2, 21, tzinfo=UTC), clocks.request_extend, subject_request=request, reason="more")
    assert refused.value.code == "extension_limit_reached"


def test_extension_mail_reaches_the_requester_with_the_reason(tenant, django_capture_on_commit_callbacks):
    request = _create(datetime(2026, 5, 1, tzinfo=UTC), "IT", tenant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _at(datetime(2026, 5, 2, tzinfo=UTC), clocks.request_extend, subject_request=request, reason="Complex")
    assert [m.to for m in mail.outbox] == [["p@x.test"]]
    assert "Complex" in mail.outbox[0].body and "2026-08-01" in mail.outbox[0].body


def test_extension_too_late_after_the_first_deadline(tenant):
    request = _create(datetime(2026, 1, 10, tzinfo=UTC), "FR", tenant)
    with pytest.raises(clocks.ExtensionTooLate):
        _at(datetime(2026, 2, 10, 0, 1, tzinfo=UTC), clocks.request_extend, subject_request=request, reason="x")


def test_ccpa_extension_is_one_further_45_days_and_pipeda_none(api, tenant):
    request = _create(datetime(2026, 1, 31, tzinfo=UTC), "US-CA", tenant)  # 30 January, 16:00 in California
    assert request.due_at == datetime(2026, 3, 16, 16, tzinfo=PACIFIC)
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC), tick=False):
        response = api.post(f"/api/v1/erasure-requests/{request.pk}/extend", {"reason": "volume"}, format="json")
        assert response.status_code == 200 and response.json()["due_at"] == "2026-04-30T23:00:00Z"  # 16:00 PDT
        again = api.post(f"/api/v1/erasure-requests/{request.pk}/extend", {"reason": "more"}, format="json")
        assert again.status_code == 409 and again.json()["error"]["code"] == "extension_limit_reached"
        canada = _create(datetime(2026, 3, 1, tzinfo=UTC), "CA", tenant, ref="r2")
        refused = api.post(f"/api/v1/erasure-requests/{canada.pk}/extend", {"reason": "x"}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "extension_not_allowed"


def test_uk_clock_stops_until_the_requester_confirms(tenant):
    request = _create(datetime(2026, 1, 31, 9, 0, tzinfo=UTC), "GB", tenant)
    assert request.paused_at == datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    request = _at(
        datetime(2026, 2, 10, 9, 0, tzinfo=UTC),
        erasure_requests.erasure_request_verify,
        erasure_request=request,
    )
    # Ten days stopped: the month runs from 10 February.
    assert request.paused_at is None and request.due_at == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert [c["event"] for c in request.clock] == ["received", "paused", "resumed"]


def test_ccpa_and_gdpr_clocks_run_while_the_identity_is_verified(api, tenant):
    for code, due in (("US-CA", datetime(2026, 3, 16, 16, tzinfo=PACIFIC)), ("FR", datetime(2026, 2, 28, tzinfo=UTC))):
        request = _create(datetime(2026, 1, 31, tzinfo=UTC), code, tenant, ref=code)
        request = _at(
            datetime(2026, 2, 10, tzinfo=UTC),
            erasure_requests.erasure_request_verify,
            erasure_request=request,
        )
        assert request.paused_at is None and request.due_at == due
        response = api.post(f"/api/v1/erasure-requests/{request.pk}/pause", {"reason": "send ID"}, format="json")
        assert response.status_code == 409 and response.json()["error"]["code"] == "pause_not_allowed"


def test_officer_pause_and_resume_move_a_uk_due_date(api, tenant):
    request = _create(datetime(2026, 3, 1, tzinfo=UTC), "GB", tenant, email="other@x.test")
    factories.subject(tenant, email="p@x.test", ref="r1")
    request = _at(datetime(2026, 3, 1, tzinfo=UTC), erasure_requests.erasure_request_verify, erasure_request=request)
    assert request.status == ErasureStatus.AWAITING_OFFICER and request.due_at == datetime(2026, 4, 1, tzinfo=LONDON)
    with time_machine.travel(datetime(2026, 3, 5, tzinfo=UTC), tick=False):
        paused = api.post(f"/api/v1/erasure-requests/{request.pk}/pause", {"reason": "passport copy"}, format="json")
        assert paused.status_code == 200 and paused.json()["paused_at"] == "2026-03-05T00:00:00Z"
        twice = api.post(f"/api/v1/erasure-requests/{request.pk}/pause", {"reason": "again"}, format="json")
        assert twice.json()["error"]["code"] == "clock_already_paused"
    with time_machine.travel(datetime(2026, 3, 12, tzinfo=UTC), tick=False):
        resumed = api.post(f"/api/v1/erasure-requests/{request.pk}/resume")
        assert resumed.status_code == 200 and resumed.json()["due_at"] == "2026-04-07T23:00:00Z"  # 8 April, BST
        assert api.post(f"/api/v1/erasure-requests/{request.pk}/resume").json()["error"]["code"] == "clock_not_paused"
    assert [c["event"] for c in resumed.json()["clock"]] == ["received", "paused", "resumed", "paused", "resumed"]


def test_a_late_request_awaiting_an_officer_can_still_be_confirmed_and_erased(
    api, tenant, notice, django_capture_on_commit_callbacks
):
    person = factories.consented_subject(tenant, notice)
    Subject.objects.filter(pk=person.pk).update(email="owner@x.test", external_ref="late-1")
    request = _create(datetime(2026, 1, 5, tzinfo=UTC), "FR", tenant, ref="late-1", email="someone@x.test")
    request = _at(datetime(2026, 1, 5, tzinfo=UTC), erasure_requests.erasure_request_verify, erasure_request=request)
    assert request.status == ErasureStatus.AWAITING_OFFICER
    late = datetime(2026, 3, 1, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        report = deadlines.deadlines_check(at=late)
    request.refresh_from_db()
    assert report["overdue_requests"] == 1 and request.status == ErasureStatus.AWAITING_OFFICER
    assert erasure_requests_overdue(at=late).filter(pk=request.pk).exists()
    assert AuditEvent.objects.filter(action="erasure_request.overdue", object_id=str(request.pk)).count() == 1
    with time_machine.travel(late, tick=False):
        assert api.get(f"/api/v1/erasure-requests/{request.pk}").json()["overdue"] is True
        confirmed = api.post(f"/api/v1/erasure-requests/{request.pk}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "running"
    done = erasure_requests.erasure_request_erase_run(request_id=request.pk)
    assert done.status == ErasureStatus.DONE and done.subjects_erased == 1
    person.refresh_from_db()
    assert person.erased_at is not None
    assert not erasure_requests_overdue(at=late).filter(pk=request.pk).exists()


def test_refusal_of_the_whole_request_tells_the_requester_the_basis(api, tenant, django_capture_on_commit_callbacks):
    person = factories.subject(tenant, email="owner@x.test", ref="r1")
    request = _create(datetime(2026, 1, 5, tzinfo=UTC), "FR", tenant, email="someone@x.test")
    request = _at(datetime(2026, 1, 5, tzinfo=UTC), erasure_requests.erasure_request_verify, erasure_request=request)
    stranger = factories.subject(tenant, ref="r9")
    bad = api.post(
        f"/api/v1/erasure-requests/{request.pk}/refuse", {"basis": "x", "subjects": [str(stranger.pk)]}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "subject_not_in_request"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/erasure-requests/{request.pk}/refuse",
            {"basis": "GDPR Art. 17(3)(e): establishment of legal claims"},
            format="json",
        )
    body = response.json()
    assert response.status_code == 200 and body["status"] == "refused"
    assert body["refused_subjects"] == [str(person.pk)] and body["overdue"] is False
    assert [m.to for m in mail.outbox] == [["someone@x.test"]] and "17(3)(e)" in mail.outbox[0].body
    request.refresh_from_db()
    assert request.email == "" and request.external_ref == ""
    person.refresh_from_db()
    assert person.erased_at is None
    again = api.post(f"/api/v1/erasure-requests/{request.pk}/refuse", {"basis": "x"}, format="json")
    assert again.json()["error"]["code"] == "not_refusable"
    assert api.post(f"/api/v1/erasure-requests/{request.pk}/extend", {"reason": "x"}).json()["error"]["code"] == (
        "request_not_open"
    )


def test_refusal_of_held_subjects_answers_a_blocked_request(tenant, notice):
    free, held = factories.consented_subject(tenant, notice), factories.consented_subject(tenant, notice)
    request = ErasureRequest.objects.create(
        jurisdiction_id="FR",
        candidates=[free.pk, held.pk],
        lookup_status="done",
        status=ErasureStatus.BLOCKED_BY_HOLD,
        verified_at=datetime(2026, 1, 5, tzinfo=UTC),
        received_at=datetime(2026, 1, 5, tzinfo=UTC),
        due_at=datetime(2026, 2, 5, tzinfo=UTC),
        subjects_erased=1,
        held_subjects=[held.pk],
    )
    Subject.objects.filter(pk=free.pk).update(erased_at=datetime(2026, 1, 6, tzinfo=UTC))
    request = refusals.erasure_request_refuse(
        erasure_request=request, basis="Legal hold: pending litigation", subjects=[held.pk], actor=ACTOR
    )
    assert request.status == ErasureStatus.DONE and request.refused_subjects == [held.pk]
    assert request.clock[-1]["event"] == "refused_in_part"


def test_an_extended_request_is_reminded_again_before_its_new_due_date(
    officer, tenant, django_capture_on_commit_callbacks
):
    request = _create(datetime(2026, 1, 10, tzinfo=UTC), "FR", tenant)
    ErasureRequest.objects.filter(pk=request.pk).update(status=ErasureStatus.RUNNING)
    deadlines.deadlines_check(at=datetime(2026, 2, 9, 12, tzinfo=UTC))  # the 1-day reminder for 10 February
    request.refresh_from_db()
    assert sorted(request.reminders_sent) == [1, 7]
    request = _at(datetime(2026, 2, 9, 13, tzinfo=UTC), clocks.request_extend, subject_request=request, reason="x")
    assert request.reminders_sent == [] and request.due_at == datetime(2026, 4, 10, 1, tzinfo=PARIS)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.deadlines_check(at=datetime(2026, 4, 5, tzinfo=UTC))
    assert [m.subject for m in mail.outbox] == [f"[Facegate] Erasure request {request.pk} is due in 7 days"]


def test_a_due_date_is_counted_on_the_jurisdictions_calendar(tenant):
    # 31 January 2027 00:30 in Berlin is 30 January 23:30 UTC. One month on Berlin's calendar ends on 28 February
    # 00:30 there; counted in UTC it would end on 28 February 23:30 UTC, which is already 1 March in Berlin.
    berlin = ZoneInfo("Europe/Berlin")
    received = datetime(2027, 1, 31, 0, 30, tzinfo=berlin)
    request = _create(datetime(2027, 2, 1, tzinfo=UTC), "DE", tenant, received_at=received)
    assert request.due_at == datetime(2027, 2, 28, 0, 30, tzinfo=berlin)
    assert request.due_at.astimezone(UTC) == datetime(2027, 2, 27, 23, 30, tzinfo=UTC)


def test_a_days_deadline_keeps_the_local_hour_across_a_change_of_clocks(tenant):
    # CCPA's 45 days from 1 March 2027 noon in California end on 15 April noon there: clocks moved on 14 March,
    # so that is 19:00 UTC, not the 20:00 UTC of 45 × 24 hours.
    pacific = ZoneInfo("America/Los_Angeles")
    received = datetime(2027, 3, 1, 12, tzinfo=pacific)
    request = _create(datetime(2027, 3, 2, tzinfo=UTC), "US-CA", tenant, received_at=received)
    assert request.due_at == datetime(2027, 4, 15, 12, tzinfo=pacific)
    assert request.due_at.astimezone(UTC).hour == 19
