"""Reads of webhook deliveries for the officer console: what fails, per tenant, paged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet

from compliance.models import WebhookDelivery


def _failing_deliveries() -> QuerySet[WebhookDelivery]:
    """Deliveries given up, or still being retried after a failed attempt."""
    return WebhookDelivery.objects.exclude(status="delivered").exclude(attempts=[])


def webhook_deliveries(*, failing_only: bool, tenant_slug: str = "") -> QuerySet[WebhookDelivery]:
    rows = _failing_deliveries() if failing_only else WebhookDelivery.objects.all()
    if tenant_slug:
        rows = rows.filter(endpoint__tenant__slug=tenant_slug)
    return rows.select_related("endpoint__tenant").order_by("-created_at")


def webhook_deliveries_failing(*, limit: int = 10) -> QuerySet[WebhookDelivery]:
    return webhook_deliveries(failing_only=True)[:limit]


def webhook_failures_per_tenant(*, limit: int = 20) -> list[Mapping[str, Any]]:
    """Per tenant: deliveries given up, deliveries being retried, the latest of them; most given up first."""
    return list(
        _failing_deliveries()
        .values(slug=F("endpoint__tenant__slug"))
        .annotate(
            failed=Count("pk", filter=Q(status="failed")),
            retrying=Count("pk", filter=~Q(status="failed")),
            latest=Max("created_at"),
        )
        .order_by("-failed", "-retrying", "slug")[:limit]
    )
