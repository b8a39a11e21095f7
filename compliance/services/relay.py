"""The outbox relay of compliance's background work (a beat task every few seconds): the row is the truth.

Sent again when their message may be lost (the broker was down at commit, a worker died or a task failed with
the database down): selfie lookups still waiting JOB_RELAY_AFTER_SECONDS after they were received, erase
orders never started, erasure-request runs asked for that long ago and never started, or started
JOB_REAP_AFTER_SECONDS ago and never settled (their worker died: reaped as matching's jobs are), webhook
deliveries never tried (their rows are written with the change they report), and consent withdrawals whose
webhooks were never written (the task that writes them was lost).
All runs are idempotent; a delivery may then reach its endpoint twice, with the same event id. A started order
resumes through the deadline check and order_erase_run's own resumption.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from compliance.models import ErasureRequest, ErasureStatus, WebhookDelivery
from compliance.services.erasure_requests import ERASURE_LOOKUP_TASK, ERASURE_REQUEST_ERASE_TASK
from compliance.services.orders import ORDER_ERASE_TASK
from compliance.services.webhooks import WEBHOOK_DELIVER_TASK
from consent.models import Consent
from consent.services import CONSENT_WITHDRAWN_NOTIFY_TASK
from core.enqueue import resend
from matching.models import JobStatus
from policy.models import OrderAction, OrderStatus, RegulatorOrder

BATCH = 1000


def erasure_relay(*, now: datetime) -> dict:
    cutoff = now - timedelta(seconds=settings.JOB_RELAY_AFTER_SECONDS)
    lookups = ErasureRequest.objects.filter(
        lookup_status__in=[JobStatus.QUEUED, JobStatus.RUNNING], selfie__isnull=False, received_at__lt=cutoff
    ).values_list("pk", flat=True)[:BATCH]
    reaped = now - timedelta(seconds=settings.JOB_REAP_AFTER_SECONDS)
    runs = ErasureRequest.objects.filter(
        Q(run_started_at__isnull=True, run_requested_at__lt=cutoff) | Q(run_started_at__lt=reaped),
        status=ErasureStatus.RUNNING,
    ).values_list("pk", flat=True)[:BATCH]
    orders = RegulatorOrder.objects.filter(
        action=OrderAction.ERASE, status=OrderStatus.RECEIVED, created_at__lt=cutoff
    ).values_list("pk", flat=True)[:BATCH]
    deliveries = WebhookDelivery.objects.filter(status="pending", attempts=[], created_at__lt=cutoff).values_list(
        "pk", flat=True
    )[:BATCH]
    withdrawals = Consent.objects.filter(
        withdrawn_at__isnull=False, withdrawal_notified_at__isnull=True, withdrawn_at__lt=cutoff
    ).values_list("pk", flat=True)[:BATCH]
    return {
        "lookups": sum(resend(ERASURE_LOOKUP_TASK, pk) for pk in lookups),
        "erasure_runs": sum(resend(ERASURE_REQUEST_ERASE_TASK, pk) for pk in runs),
        "orders": sum(resend(ORDER_ERASE_TASK, pk) for pk in orders),
        "webhooks": sum(resend(WEBHOOK_DELIVER_TASK, pk) for pk in deliveries),
        "withdrawals": sum(resend(CONSENT_WITHDRAWN_NOTIFY_TASK, pk) for pk in withdrawals),
    }
