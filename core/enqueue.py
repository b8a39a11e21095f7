"""Enqueue-on-commit: the one way a service starts background work.

Services name tasks ("compliance.tasks.order_erase") instead of importing them, so a tasks module may import
its services at the top and no import ever runs in a circle. The message is sent only once the caller's
transaction has committed: a worker never looks for a row that is not there yet.
"""

from __future__ import annotations

import threading

from celery import current_app
from django.db import transaction

_discovery = threading.Lock()


def _registered(task_name: str) -> bool:
    if task_name not in current_app.tasks:
        # Task discovery is lazy (a worker runs it at start-up); a web process runs it on its first enqueue. One
        # thread at a time: a second request thread arriving mid-discovery would find the task not yet registered
        # (seen under load: a 500 on the first enrolments of a fresh gunicorn worker).
        with _discovery:
            current_app.loader.import_default_modules()
    return task_name in current_app.tasks


def enqueue(task_name: str, *args) -> None:
    if not _registered(task_name):
        # A typo would otherwise queue a message no worker ever takes.
        raise LookupError(f"no Celery task named {task_name!r}")
    transaction.on_commit(lambda: current_app.send_task(task_name, args=args))
