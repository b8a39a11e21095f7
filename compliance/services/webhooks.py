"""Webhooks to client apps: endpoints per tenant, deliveries signed by the Standard Webhooks scheme
(`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`,
the key being the base64 after `whsec_`), every attempt logged, retried with exponential backoff through Celery
for WEBHOOK_RETRY_HOURS. A rotated secret keeps signing beside the new one for the overlap asked (docs/webhooks.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from compliance.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from compliance.services.webhook_transport import url_check, webhook_post
from consent.models import Consent, Tenant
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.metrics import gauge, webhook_failures

WEBHOOK_DELIVER_TASK = "compliance.tasks.webhook_deliver"
SUBJECTS_PER_EVENT = 500  # an event naming subjects names at most this many; more go in further parts
FIRST_RETRY_SECONDS = 30  # then doubling: 30 s, 1 min, 2 min ... capped at an hour
SECRET_BYTES = 32  # Standard Webhooks asks for 24 to 64 random bytes
SECRET_OVERLAP = timedelta(hours=24)  # a rotated secret still signs for a day unless the client asks otherwise
SECRET_OVERLAP_MAX = timedelta(days=7)  # the API's bound: two live secrets for longer would defeat the rotation


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    # Secrets made before Standard Webhooks are `whsec_<48 hex digits>`: hex digits are base64 too, so they decode
    # to a 36-byte key and a client's stored secret verifies as it is.
    return base64.b64decode(secret.removeprefix("whsec_") + "==")


def signature(*, secrets_in_use: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """`webhook-signature`: one `v1,<base64>` per live secret, space-separated (two during a rotation)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    macs = (hmac.new(_key(secret), signed, hashlib.sha256).digest() for secret in secrets_in_use)
    return " ".join(f"v1,{base64.b64encode(mac).decode()}" for mac in macs)


def legacy_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The header of endpoints made before Standard Webhooks, sent beside it until their secret is rotated."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signing_secrets(endpoint: WebhookEndpoint, *, at) -> list[str]:
    previous = endpoint.previous_secret and endpoint.previous_secret_expires_at > at
    return [endpoint.secret, endpoint.previous_secret] if previous else [endpoint.secret]


def delivery_headers(*, delivery: WebhookDelivery, body: bytes, at) -> dict:
    """Signed at each attempt, so `webhook-timestamp` is the attempt's; `webhook-id` stays the delivery's."""
    endpoint, timestamp = delivery.endpoint, int(at.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Facegate-Webhooks/1",
        "webhook-id": str(delivery.pk),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secrets_in_use=signing_secrets(endpoint, at=at), msg_id=str(delivery.pk), timestamp=timestamp, body=body
        ),
    }
    if endpoint.legacy_signature:
        headers["Facegate-Signature"] = legacy_signature(secret=endpoint.secret, timestamp=timestamp, body=body)
    return headers


@transaction.atomic
def webhook_endpoint_create(*, tenant: Tenant, url: str, events: list[str], actor: Actor) -> WebhookEndpoint:
    """The caller shows `endpoint.secret` once; it is never listed again."""
    url_check(url)
    endpoint = WebhookEndpoint.objects.create(tenant=tenant, url=url, events=sorted(set(events)), secret=secret_new())
    audit_append(actor=actor, action="webhook.create", obj=endpoint, details={"events": endpoint.events})
    return endpoint


@transaction.atomic
def webhook_endpoint_secret_rotate(
    *, endpoint: WebhookEndpoint, overlap: timedelta = SECRET_OVERLAP, actor: Actor
) -> WebhookEndpoint:
    """A new secret (the caller shows it once); the current one keeps signing beside it for `overlap` (zero: it
    stops at once, as for a leaked secret). Only two sign at a time: a secret rotated out earlier stops now."""
    # NO KEY UPDATE: deliveries being written for the endpoint (a foreign-key check) go on meanwhile.
    endpoint = WebhookEndpoint.objects.select_for_update(no_key=True).get(pk=endpoint.pk)
    now = timezone.now()
    endpoint.previous_secret = endpoint.secret if overlap else ""
    endpoint.previous_secret_expires_at = now + overlap if overlap else None
    endpoint.secret = secret_new()
    endpoint.legacy_signature = False
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "legacy_signature"])
    audit_append(
        actor=actor, action="webhook.rotate_secret", obj=endpoint, details={"overlap_seconds": overlap.total_seconds()}
    )
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
    now = timezone.now()
    n = 0
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        event = {"id": str(delivery_id), "type": type, "timestamp": now.isoformat(), "created": int(now.timestamp())}
        body = json.dumps({**event, "data": data}, sort_keys=True)
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
    status, error = webhook_post(endpoint.url, body, delivery_headers(delivery=delivery, body=body, at=timezone.now()))
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
    if not delivered:
        webhook_failures.labels(final=str(state == "failed").lower()).inc()
    return delay if state == "pending" else None


def webhook_pending_metrics():
    """Scrape time (core/metrics.py): deliveries still to be delivered, by tenant, and the oldest one's age."""
    now = timezone.now()
    rows = (
        WebhookDelivery.objects.filter(status="pending")
        .values("endpoint__tenant__slug")
        .annotate(deliveries=Count("pk"), since=Min("created_at"))
    )
    by_tenant = [([row["endpoint__tenant__slug"]], row["deliveries"]) for row in rows]
    oldest = max(((now - row["since"]).total_seconds() for row in rows), default=0.0)
    yield gauge("facegate_webhook_deliveries_pending", "Webhook deliveries not yet delivered", ["tenant"], by_tenant)
    yield gauge(
        "facegate_webhook_oldest_pending_seconds", "Age of the oldest pending webhook delivery", [], [([], oldest)]
    )
