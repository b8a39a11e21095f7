"""Celery tasks of the compliance app: ids in, a service call, done."""

from celery import shared_task
from django.utils import timezone

from compliance.services import (
    certificates,
    deadlines,
    erasure_lookup,
    erasure_requests,
    orders,
    relay,
    retention,
    webhooks,
)
from core.audit import Actor
from core.failures import OUTAGES

# A database or broker outage retries with bounded backoff; past that the relay re-sends what still waits.
RETRY = {"autoretry_for": OUTAGES, "retry_backoff": 2, "retry_backoff_max": 30, "max_retries": 5}


@shared_task(acks_late=True, **RETRY)
def order_erase(order_id: str):
    orders.order_erase_run(order_id=order_id)


@shared_task(acks_late=True, **RETRY)
def erasure_request_erase(request_id: str):
    erasure_requests.erasure_request_erase_run(request_id=request_id)


@shared_task(acks_late=True, **RETRY)
def erasure_lookup_run(request_id: str):
    erasure_lookup.erasure_lookup_run(request_id=request_id)


@shared_task(acks_late=True)
def erasure_lookup_sweep():
    return erasure_lookup.erasure_lookup_sweep()


@shared_task(acks_late=True)
def retention_sweep():
    return retention.retention_sweep(at=timezone.now(), dry_run=False, actor=Actor.system("retention_sweep"))


@shared_task(acks_late=True)
def deadlines_check():
    return deadlines.deadlines_check(at=timezone.now())


@shared_task(bind=True, acks_late=True, max_retries=60)
def certificate_seal(self, certificate_id: str):
    if certificates.certificate_seal(certificate_id=certificate_id, actor=Actor.system("certificate_seal")) is None:
        raise self.retry(countdown=1)


@shared_task
def erasure_relay():
    return relay.erasure_relay(now=timezone.now())


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver(self, delivery_id: str):
    delay = webhooks.webhook_deliver_run(delivery_id=delivery_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task(acks_late=True)
def consent_withdrawn_notify(consent_id: str):
    webhooks.consent_withdrawn_notify(consent_id=consent_id)
