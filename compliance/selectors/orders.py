"""Reads of regulator orders for the officer's lists, pages and dashboard."""

from __future__ import annotations

from datetime import datetime

from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from compliance.models import (
    DeletionCertificate,
)
from compliance.selectors.deadlines import with_deadline_state
from policy.models import OrderAction, OrderStatus, RegulatorOrder

OPEN_ORDERS = (Q(action=OrderAction.ERASE) & ~Q(status=OrderStatus.DONE)) | (
    ~Q(action=OrderAction.ERASE) & Q(lifted_at__isnull=True)
)


def order_list(*, open_only: bool = False) -> QuerySet[RegulatorOrder]:
    orders = RegulatorOrder.objects.order_by("-created_at")
    return orders.filter(OPEN_ORDERS) if open_only else orders


def orders_open(*, now: datetime, limit: int | None = None) -> list[RegulatorOrder]:
    """Erase orders not yet carried out, and suspend/restrict orders still in force (those are done, in effect,
    the moment they are recorded), soonest deadline first; each with .deadline_state."""
    rows = RegulatorOrder.objects.filter(OPEN_ORDERS).order_by(F("deadline").asc(nulls_last=True), "received_at")
    rows = with_deadline_state(rows, at=now)
    return list(rows[:limit] if limit else rows)


def orders_open_count() -> int:
    return RegulatorOrder.objects.filter(OPEN_ORDERS).count()


def orders_recently_done(*, limit: int = 10) -> QuerySet[RegulatorOrder]:
    """Each with `certificate_id`: its latest erasure pass's certificate."""
    latest = DeletionCertificate.objects.filter(cause="order", cause_id=Cast(OuterRef("pk"), CharField()))
    return (
        RegulatorOrder.objects.filter(action=OrderAction.ERASE, status=OrderStatus.DONE)
        .annotate(certificate_id=Subquery(latest.order_by("-started_at").values("pk")[:1]))
        .order_by(F("completed_at").desc(nulls_last=True))[:limit]
    )


def order_get(*, order_id) -> RegulatorOrder:
    return RegulatorOrder.objects.get(pk=order_id)
