"""Reads of the compliance app. Selectors never write."""
from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from compliance.models import (
    AuditEvent,
    DeletionCertificate,
    ErasureRequest,
    LegalHold,
    RegulatorOrder,
    ScopedModel,
)
from consent.models import Subject


def scope_q(scoped: ScopedModel, prefix: str = "") -> Q:
    """Subjects covered by a scope: the union of its jurisdictions, tenants and subjects."""
    q = Q(pk__in=[])
    if scoped.scope_jurisdictions:
        q |= Q(**{f"{prefix}jurisdiction_id__in": scoped.scope_jurisdictions})
    if scoped.scope_tenants:
        q |= Q(**{f"{prefix}tenant_id__in": scoped.scope_tenants})
    if scoped.scope_subjects:
        q |= Q(**{f"{prefix}id__in": scoped.scope_subjects})
    return q


def order_subjects_pending(*, order: RegulatorOrder) -> QuerySet[Subject]:
    """Subjects the order covers that are not erased yet."""
    return Subject.objects.filter(scope_q(order), erased_at__isnull=True)


def legal_holds_active(*, at: datetime | None = None) -> QuerySet[LegalHold]:
    at = at or timezone.now()
    return LegalHold.objects.filter(released_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


def subjects_held(*, subject_ids, at: datetime | None = None) -> set:
    """The subjects among `subject_ids` that an active legal hold covers."""
    holds = list(legal_holds_active(at=at))
    if not holds or not subject_ids:
        return set()
    q = Q(pk__in=[])
    for hold in holds:
        q |= scope_q(hold)
    return set(Subject.objects.filter(q, pk__in=list(subject_ids)).values_list("pk", flat=True))


def order_list() -> QuerySet[RegulatorOrder]:
    return RegulatorOrder.objects.order_by("-created_at")


def order_certificates(*, order: RegulatorOrder) -> QuerySet[DeletionCertificate]:
    """An order blocked by a hold and resumed later has one certificate per erasure pass."""
    return DeletionCertificate.objects.filter(cause="order", cause_id=str(order.pk)).order_by("started_at")


def erasure_request_list() -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.order_by("-received_at")


def legal_hold_list() -> QuerySet[LegalHold]:
    return LegalHold.objects.order_by("-created_at")


def audit_events_after(*, after: int, limit: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=after).order_by("seq")[:limit])
