"""Webhooks to client apps: endpoints per tenant, events signed with the Stripe scheme
(`Facegate-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`), every attempt logged, retried
with exponential backoff through Celery for WEBHOOK_RETRY_HOURS."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from compliance.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from compliance.services.webhook_transport import url_check, webhook_post
from consent.models import Consent, Tenant
from core.audit import Actor, audit_append
from core.enqueue import enqueue

WEBHOOK_DELIVER_TASK = "compliance.tasks.webhook_deliver"
SUBJECTS_PER_EVENT = 500  # an event naming subjects names at most this many; more go in further parts
FIRST_RETRY_SECONDS = 30  # then doubling: 30 s, 1 min, 2 min ... capped at an hour


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


@transaction.atomic
def webhook_endpoint_create(*, tenant: Tenant, url: str, events: list[str], actor: Actor) -> WebhookEndpoint:
    """The caller shows `endpoint.secret` once; it is never listed again."""
    url_check(url)
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, url=url, events=sorted(set(events)), secret=f"whsec_{secrets.token_hex(24)}"
    )
    audit_append(actor=actor, action="webhook.create", obj=endpoint, details={"events": endpoint.events})
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: Actor) -> WebhookEndpoint:
    endpoint.deleted_at = timezone.now()
    endpoint.save(update_fields=["deleted_at"])
    audit_append(actor=actor, action="webhook.delete", obj=endpoint, details={})
    return endpoint


def webhook_emit(*, tenant_id, type: str, data: dict) -> int:
    """Queue `type` for every live endpoint of the tenant subscribed to it (inside the caller's transaction, so
    an event exists only if the change it reports committed). Returns the number of deliveries."""
    endpoints = WebhookEndpoint.objects.filter(tenant_id=tenant_id, deleted_at__isnull=True, events__contains=[type])
    created = int(time.time())
    n = 0
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        body = json.dumps({"id": str(delivery_id), "type": type, "created": created, "data": data}, sort_keys=True)
        WebhookDelivery.objects.create(id=delivery_id, endpoint=endpoint, type=type, body=body)
        enqueue(WEBHOOK_DELIVER_TASK, str(delivery_id))
        n += 1
    return n


def webhook_emit_subjects(*, subjects, type: str, data: dict) -> int:
    """Tell each tenant about its own subjects among `subjects` ((subject id, tenant id) pairs): one event per
    SUBJECTS_PER_EVENT of them, each with `part`, `parts` and `subjects_total`, so no body grows with the
    number of people. In the caller's transaction, like webhook_emit."""
    by_tenant: dict = {}
    for subject_id, tenant_id in subjects:
        by_tenant.setdefault(tenant_id, []).append(str(subject_id))
    n = 0
    for tenant_id, ids in by_tenant.items():
        ids.sort()
        chunks = [ids[i : i + SUBJECTS_PER_EVENT] for i in range(0, len(ids), SUBJECTS_PER_EVENT)]
        for part, chunk in enumerate(chunks, start=1):
            n += webhook_emit(
                tenant_id=tenant_id,
                type=type,
                data={**data, "subjects": chunk, "part": part, "parts": len(chunks), "subjects_total": len(ids)},
            )
    return n


@transaction.atomic
def consent_withdrawn_notify(*, consent_id) -> int:
    """Once per withdrawal: a second run (the task sent again by the relay) finds it told and writes nothing."""
    consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
    if consent is None or consent.withdrawn_at is None or consent.withdrawal_notified_at:
        return 0  # erased since (the subject.erased event says it), or already told
    data = {
        "consent": str(consent.pk),
        "subject": str(consent.subject_id),
        "purpose": consent.purpose,
        "withdrawn_at": consent.withdrawn_at.isoformat(),
    }
    Consent.objects.filter(pk=consent.pk).update(withdrawal_notified_at=timezone.now())
    return webhook_emit(tenant_id=consent.tenant_id, type=WebhookEvent.CONSENT_WITHDRAWN, data=data)


def webhook_deliver_run(*, delivery_id) -> float | None:
    """One attempt. Returns the seconds to wait before the next one, or None when there is none (delivered, given
    up after WEBHOOK_RETRY_HOURS, or the endpoint deleted)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != "pending":
        return None
    endpoint = delivery.endpoint
    if endpoint.deleted_at:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
        return None
    body = delivery.body.encode()
    started = time.monotonic()
    status, error = webhook_post(
        endpoint.url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": "Facegate-Webhooks/1",
            "Facegate-Signature": signature(secret=endpoint.secret, timestamp=int(time.time()), body=body),
        },
    )
    now = timezone.now()
    attempt = {
        "at": now.isoformat(),
        "status": status,
        "latency_ms": round((time.monotonic() - started) * 1000),
        "error": error,
    }
    delivered = status is not None and 200 <= status < 300
    attempts = [*delivery.attempts, attempt]
    delay = min(FIRST_RETRY_SECONDS * 2 ** (len(attempts) - 1), 3600)
    gives_up = now + timedelta(seconds=delay) > delivery.created_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    state = "delivered" if delivered else ("failed" if gives_up else "pending")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, status=state, delivered_at=now if delivered else None
    )
    return delay if state == "pending" else None
