"""Overdue and due soon, derived once (one SQL expression) for every view: the API's fields, the officer lists,
pages and dashboard, the deadline timeline, previews and the hourly reminders. Never stored.

A deadline counts only while its item owes an answer: an erase order not yet carried out, an erasure request
confirmed and not answered, an access request confirmed and not answered (a request whose requester has not
confirmed it owes nothing yet: its clock is stopped or it may never be confirmed). It is overdue from the moment
its due time is reached, due soon within DUE_SOON before, on time earlier."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from compliance.models import OPEN_REQUEST_STATUSES, AccessRequest, AccessStatus, ErasureRequest
from policy.models import OPEN_ORDER_STATUSES, OrderAction, RegulatorOrder

DUE_SOON = timedelta(days=7)
OVERDUE, SOON, ON_TIME = "overdue", "due_soon", "on_time"

# For each kind: (what it is to owe an answer, the field of its due time).
_CLOCKS = {
    RegulatorOrder: (Q(action=OrderAction.ERASE, status__in=OPEN_ORDER_STATUSES), "deadline"),
    ErasureRequest: (Q(status__in=OPEN_REQUEST_STATUSES), "due_at"),
    AccessRequest: (Q(status=AccessStatus.AWAITING_OFFICER), "due_at"),
}


def with_deadline_state(rows: QuerySet, *, at: datetime) -> QuerySet:
    """`rows` (orders, erasure or access requests) each with .deadline_state at `at`: overdue, due_soon, on_time,
    or '' (no deadline, or nothing owed)."""
    owing, due = _CLOCKS[rows.model]
    owing = owing & Q(**{f"{due}__isnull": False})
    return rows.annotate(
        deadline_state=Case(
            When(owing & Q(**{f"{due}__lte": at}), then=Value(OVERDUE)),
            When(owing & Q(**{f"{due}__lte": at + DUE_SOON}), then=Value(SOON)),
            When(owing, then=Value(ON_TIME)),
            default=Value(""),
            output_field=CharField(),
        )
    )


def in_state(model, state: str, *, at: datetime) -> QuerySet:
    """Every order or request of `model` whose deadline is in `state` at `at`."""
    return with_deadline_state(model.objects.all(), at=at).filter(deadline_state=state)


def deadline_state_of(obj, *, at: datetime) -> str:
    """The state of one order or request (its page, its API answer)."""
    return with_deadline_state(type(obj).objects.filter(pk=obj.pk), at=at).values_list("deadline_state", flat=True)[0]


def orders_overdue(*, at: datetime) -> QuerySet[RegulatorOrder]:
    return in_state(RegulatorOrder, OVERDUE, at=at)


def erasure_requests_overdue(*, at: datetime) -> QuerySet[ErasureRequest]:
    return in_state(ErasureRequest, OVERDUE, at=at)


def access_requests_overdue(*, at: datetime) -> QuerySet[AccessRequest]:
    return in_state(AccessRequest, OVERDUE, at=at)
