"""Celery tasks of the compliance app: ids in, a service call, done."""

from celery import shared_task
from django.utils import timezone

from compliance.services import deadlines, erasure_lookup, erasure_requests, orders, retention, webhooks
from core.audit import Actor


@shared_task(acks_late=True)
def order_erase(order_id: str):
    orders.order_erase_run(order_id=order_id)


@shared_task(acks_late=True)
def erasure_request_erase(request_id: str):
    erasure_requests.erasure_request_erase_run(request_id=request_id)


@shared_task(acks_late=True)
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


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver(self, delivery_id: str):
    delay = webhooks.webhook_deliver_run(delivery_id=delivery_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task(acks_late=True)
def consent_withdrawn_notify(consent_id: str):
    webhooks.consent_withdrawn_notify(consent_id=consent_id)
