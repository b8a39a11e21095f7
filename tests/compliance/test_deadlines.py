"""Due dates of erasure requests across month ends, from the seeded jurisdictions, with the clock travelled."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from compliance.models import ErasureRequest, ErasureStatus
from compliance.services import deadlines, erasure_requests, holds, orders
from core.audit import Actor
from policy.models import OrderStatus, RegulatorOrder
from tests import factories

ACTOR = Actor.system("test")


def _request_at(moment: datetime, jurisdiction: str, tenant) -> ErasureRequest:
    with time_machine.travel(moment, tick=False):
        return erasure_requests.erasure_request_create(
            email="p@x.test",
            jurisdiction=jurisdiction,
            tenant=tenant.slug,
            external_ref="r1",
            source="api",
            actor=ACTOR,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "received, jurisdiction, due",
    [
        (datetime(2026, 1, 31, 9, 30, tzinfo=UTC), "GB", datetime(2026, 2, 28, 9, 30, tzinfo=UTC)),
        (datetime(2028, 1, 31, 9, 30, tzinfo=UTC), "IT", datetime(2028, 2, 29, 9, 30, tzinfo=UTC)),  # leap year
        (datetime(2026, 3, 31, 0, 0, tzinfo=UTC), "FR", datetime(2026, 4, 30, 0, 0, tzinfo=UTC)),
        (datetime(2026, 12, 15, 12, 0, tzinfo=UTC), "GB", datetime(2027, 1, 15, 12, 0, tzinfo=UTC)),  # year end
        (
            datetime(2026, 1, 31, 9, 30, tzinfo=UTC),
            "US-CA",
            datetime(2026, 3, 17, 8, 30, tzinfo=UTC),
        ),  # 45 days in PST/PDT
        (datetime(2026, 2, 1, 0, 0, tzinfo=UTC), "US-IL", datetime(2026, 3, 3, 0, 0, tzinfo=UTC)),  # 30 days
    ],
)
def test_due_at_follows_the_jurisdiction(received, jurisdiction, due, tenant):
    request = _request_at(received, jurisdiction, tenant)
    assert request.received_at == received
    assert request.due_at == due


@pytest.mark.django_db
def test_reminders_7_days_and_1_day_before_once_each_then_overdue(officer, tenant, django_capture_on_commit_callbacks):
    s = factories.subject(tenant)
    order = RegulatorOrder.objects.create(
        regulator="UK ICO",
        reference="R-1",
        action="erase",
        scope_subjects=[s.pk],
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
        status=OrderStatus.RUNNING,
        deadline=datetime(2026, 2, 1, 12, tzinfo=UTC),
    )
    deadline = order.deadline
    assert deadline is not None

    def check(at):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            mail.outbox.clear()
            report = deadlines.deadlines_check(at=at)
        return report, [m.subject for m in mail.outbox]

    assert check(deadline - timedelta(days=8)) == (
        {"overdue_orders": 0, "overdue_requests": 0, "overdue_access_requests": 0, "reminders": 0, "resumed": 0},
        [],
    )
    report, sent = check(deadline - timedelta(days=6, hours=23))
    assert report["reminders"] == 1 and sent == ["[Facegate] Order UK ICO R-1 is due in 7 days"]
    assert check(deadline - timedelta(days=5))[1] == []  # the 7-day reminder is not sent twice
    report, sent = check(deadline - timedelta(hours=20))
    assert sent == ["[Facegate] Order UK ICO R-1 is due in 1 day"]
    assert check(deadline - timedelta(hours=2))[1] == []
    order.refresh_from_db()
    assert sorted(order.reminders_sent) == [1, 7]
    report, sent = check(deadline + timedelta(minutes=1))
    assert report["overdue_orders"] == 1 and sent == ["[Facegate] Order UK ICO R-1 is OVERDUE"]
    assert check(deadline + timedelta(hours=1)) == (
        {"overdue_orders": 1, "overdue_requests": 0, "overdue_access_requests": 0, "reminders": 0, "resumed": 0},
        [],
    )  # still overdue, told once
    order.refresh_from_db()
    assert order.status == OrderStatus.RUNNING  # "overdue" is derived, never stored


@pytest.mark.django_db
def test_request_first_checked_within_a_day_gets_only_the_1_day_reminder(
    officer, tenant, django_capture_on_commit_callbacks
):
    request = _request_at(datetime(2026, 1, 31, tzinfo=UTC), "GB", tenant)
    ErasureRequest.objects.filter(pk=request.pk).update(status=ErasureStatus.RUNNING)
    at = request.due_at - timedelta(hours=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.deadlines_check(at=at)
        deadlines.deadlines_check(at=at + timedelta(hours=1))
    assert [m.subject for m in mail.outbox] == [f"[Facegate] Erasure request {request.pk} is due in 1 day"]
    assert mail.outbox[0].to == ["officer@facegate.test"]
    assert deadlines.deadlines_check(at=request.due_at)["overdue_requests"] == 1
    request.refresh_from_db()
    assert request.status == ErasureStatus.RUNNING


@pytest.mark.django_db
def test_unconfirmed_request_is_not_marked_overdue(tenant):
    request = _request_at(datetime(2026, 1, 1, tzinfo=UTC), "GB", tenant)
    deadlines.deadlines_check(at=datetime(2026, 6, 1, tzinfo=UTC))
    request.refresh_from_db()
    assert request.status == ErasureStatus.AWAITING_VERIFICATION


@pytest.mark.django_db
def test_an_expired_hold_resumes_the_order_it_blocked(tenant, notice, django_capture_on_commit_callbacks):
    person = factories.consented_subject(tenant, notice)
    expires = datetime(2027, 1, 1, tzinfo=UTC)
    holds.legal_hold_create(scope={"subjects": [person.pk]}, reason="until the appeal", expires_at=expires, actor=ACTOR)
    order = orders.order_create(
        regulator="CNIL",
        reference="MED-1",
        action="erase",
        scope={"subjects": [person.pk]},
        received_at=datetime(2026, 11, 1, tzinfo=UTC),
        actor=ACTOR,
    )
    assert orders.order_erase_run(order_id=order.pk).status == OrderStatus.BLOCKED_BY_HOLD
    assert deadlines.deadlines_check(at=expires - timedelta(hours=1))["resumed"] == 0
    with django_capture_on_commit_callbacks() as callbacks:
        assert deadlines.deadlines_check(at=expires + timedelta(hours=1))["resumed"] == 1
    assert len(callbacks) == 1
    with time_machine.travel(expires + timedelta(hours=1), tick=False):
        assert orders.order_erase_run(order_id=order.pk).status == OrderStatus.DONE
    assert not person.templates.exists()
