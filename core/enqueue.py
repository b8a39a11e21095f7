"""Enqueue-on-commit: the one way a service starts background work; and the relay's re-send.

Services name tasks ("compliance.tasks.order_erase") instead of importing them, so a tasks module may import
its services at the top and no import ever runs in a circle. The message is sent only once the caller's
transaction has committed: a worker never looks for a row that is not there yet.

The row is the truth (a transactional outbox), the message only a wake-up call: when the broker is down at
commit the send is logged and dropped, the caller still answers (the work is durable), and the app's relay
(a beat task) re-sends work whose row says it is still waiting.
"""

from __future__ import annotations

import logging
import threading

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from core import logs
from core.failures import OUTAGES

log = logging.getLogger(__name__)
_discovery = threading.Lock()


def _registered(task_name: str) -> bool:
    if task_name not in current_app.tasks:
        # Task discovery is lazy (a worker runs it at start-up); a web process runs it on its first enqueue. One
        # thread at a time: a second request thread arriving mid-discovery would find the task not yet registered
        # (seen under load: a 500 on the first enrolments of a fresh gunicorn worker).
        with _discovery:
            current_app.loader.import_default_modules()
    return task_name in current_app.tasks


def send(task_name: str, *args: object, request_id: str = "") -> bool:
    """Send now; False when the broker cannot be reached (the relay sends it later)."""
    try:
        current_app.send_task(task_name, args=args, headers=logs.task_headers(request_id))
    except OUTAGES as exc:
        log.warning("broker unreachable, %s%s left to the relay: %s", task_name, args, exc)
        return False
    return True


def enqueue(task_name: str, *args: object) -> None:
    if not _registered(task_name):
        # A typo would otherwise queue a message no worker ever takes.
        raise LookupError(f"no Celery task named {task_name!r}")
    queued_by = logs.request_id()
    transaction.on_commit(lambda: send(task_name, *args, request_id=queued_by))


def resend(task_name: str, pk: object) -> bool:
    """The relay's send: at most once per JOB_RELAY_AFTER_SECONDS for one row, so a long queue is not flooded
    with copies (the cache key is only a hint: a lost key costs one harmless extra message)."""
    try:
        fresh = cache.add(f"relay:{task_name}:{pk}", 1, timeout=settings.JOB_RELAY_AFTER_SECONDS)
    except OUTAGES:
        return False
    return fresh and send(task_name, str(pk))
