"""The officer lists' filters (status, jurisdiction, tenant, due window), applied to the lists' own querysets so a
filtered list shows a subset of what the unfiltered one shows. The due window is the one overdue rule
(compliance.selectors.deadlines), never a second one. Holds have no deadline: no due window."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from compliance.selectors.deadlines import OVERDUE, SOON, with_deadline_state
from consent.models import Tenant
from policy.models import LegalHold, RegulatorOrder
from policy.selectors import legal_holds_in_force

DUE_WITHIN_7_DAYS = "due_soon"  # overdue too: everything due within the window
HOLD_STATES = ("active", "released", "expired")


def _due(rows: QuerySet, due: str, *, at: datetime) -> QuerySet:
    if not due:
        return rows
    rows = rows if "deadline_state" in rows.query.annotations else with_deadline_state(rows, at=at)
    return rows.filter(deadline_state=OVERDUE) if due == OVERDUE else rows.filter(deadline_state__in=(OVERDUE, SOON))


def _tenant_id(slug: str):
    return Tenant.objects.filter(slug=slug).values_list("pk", flat=True).first()


def _scoped(rows: QuerySet, *, jurisdiction: str, tenant: str) -> QuerySet:
    """Orders and holds: the scope lists the jurisdiction or tenant (the union semantics of a scope)."""
    if jurisdiction:
        rows = rows.filter(scope_jurisdictions__contains=[jurisdiction])
    if tenant:
        tenant_id = _tenant_id(tenant)
        rows = rows.filter(scope_tenants__contains=[tenant_id]) if tenant_id else rows.none()
    return rows


def orders_filtered(
    rows: QuerySet[RegulatorOrder], *, status="", jurisdiction="", tenant="", due="", at: datetime
) -> QuerySet[RegulatorOrder]:
    if status:
        rows = rows.filter(status=status)
    return _due(_scoped(rows, jurisdiction=jurisdiction, tenant=tenant), due, at=at)


def holds_filtered(rows: QuerySet[LegalHold], *, status="", jurisdiction="", tenant="", at: datetime) -> QuerySet:
    in_force = legal_holds_in_force(at=at).values("pk")
    if status == "active":
        rows = rows.filter(pk__in=in_force)
    elif status == "released":
        rows = rows.filter(released_at__isnull=False)
    elif status == "expired":
        rows = rows.filter(released_at__isnull=True, expires_at__lte=at)
    return _scoped(rows, jurisdiction=jurisdiction, tenant=tenant)


def requests_filtered(rows: QuerySet, *, status="", jurisdiction="", tenant="", due="", at: datetime) -> QuerySet:
    """Erasure or access requests: their own jurisdiction and tenant."""
    filters = Q()
    if status:
        filters &= Q(status=status)
    if jurisdiction:
        filters &= Q(jurisdiction_id=jurisdiction)
    if tenant:
        filters &= Q(tenant__slug=tenant)
    return _due(rows.filter(filters), due, at=at)
