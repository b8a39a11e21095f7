"""Reads of the audit log for the officer: pages of events, filtered, and the log's checked status."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import AuditEvent
from core.transparency import audit_verify, head_signature_valid, latest_signed_head


def audit_events_after(*, after: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(seq__gt=after).order_by("seq")


AUDIT_PAGE_SIZE = 50


AUDIT_STATUS_KEY = "officer:audit_status"


AUDIT_STATUS_TTL = 300


def audit_status(*, refresh: bool = False) -> dict:
    """The full tree check reads every event, too much for every page view of a long log: pages show the last
    result (at most 5 minutes old, with the time it was computed); refresh=True (the officer's "Verify now")
    recomputes it. The latest signed head and its age are read fresh."""
    status = None if refresh else cache.get(AUDIT_STATUS_KEY)
    if status is None:
        status = {**audit_verify(), "checked_at": timezone.now()}
        cache.set(AUDIT_STATUS_KEY, status, AUDIT_STATUS_TTL)
    head = latest_signed_head()
    if head:
        head["age_s"] = max(0, round(timezone.now().timestamp() - head["timestamp"] / 1000))
        head["signed_at"] = datetime.fromtimestamp(head["timestamp"] / 1000, tz=UTC)
        head["signature_valid"] = head_signature_valid(head)
    return {**status, "signed_head": head}


def audit_events(
    *,
    before: int | None = None,
    action: str = "",
    object_id: str = "",
    actor: str = "",
    since=None,
    until=None,
    limit: int = AUDIT_PAGE_SIZE,
) -> list[AuditEvent]:
    """Newest first, one page before event `before`; `action` matches a prefix ("order." is every order event),
    `object_id` an object (an order, a request, a subject, a certificate) or its type, `actor` a prefix."""
    rows = AuditEvent.objects.all()
    if before is not None:
        rows = rows.filter(seq__lt=before)
    if action:
        rows = rows.filter(action__startswith=action)
    if object_id:
        rows = rows.filter(Q(object_id=object_id) | Q(object_type=object_id))
    if actor:
        rows = rows.filter(actor__startswith=actor)
    if since:
        rows = rows.filter(at__gte=since)
    if until:
        rows = rows.filter(at__lt=until)
    return list(rows.order_by("-seq")[:limit])


def audit_events_for(*, obj, page: str | None = None, per_page: int = AUDIT_PAGE_SIZE):
    """One page (?page-like value `page`) of the events about an order or a request, oldest first."""
    rows = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq")
    return Paginator(rows, per_page).get_page(page)
