"""The Celery app: Redis broker, JSON messages carrying ids only, late acks."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging, task_postrun, task_prerun, worker_process_shutdown

from core import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("facegate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def logging_as_django(**_) -> None:
    """Connected, so Celery keeps Django's LOGGING (JSON lines) instead of installing its own handlers."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@task_prerun.connect
def task_log_start(task=None, **_) -> None:
    logs.task_started(task)


@task_postrun.connect
def task_log_end(task=None, state=None, **_) -> None:
    logs.task_ended(task, state)


@worker_process_shutdown.connect
def metrics_process_dead(pid=None, **_) -> None:
    """A pool process ended: its live gauges leave the scrape (core/metrics.py)."""
    from core.metrics import process_dead

    process_dead(pid or os.getpid())


app.conf.beat_schedule = {
    # The audit sequencer's fallback where `manage.py audit_sequencer` (its own process, started by make run) is
    # not running; the two never run at once (the sequencer's lock). Expires so a backlog of ticks collapses.
    "audit-sequencer": {"task": "core.tasks.audit_sequence", "schedule": 1.0, "options": {"expires": 5}},
    # The outbox relays: re-send work whose row still waits (a lost message, a dead worker).
    "jobs-relay": {"task": "matching.tasks.jobs_relay", "schedule": 10.0},
    "erasure-relay": {"task": "compliance.tasks.erasure_relay", "schedule": 10.0},
    # Hourly, so a face whose last consent ended is gone within WITHDRAWN_TEMPLATE_GRACE_HOURS + 1 h.
    "retention-sweep-hourly": {"task": "compliance.tasks.retention_sweep", "schedule": crontab(minute=35)},
    "deadlines-hourly": {"task": "compliance.tasks.deadlines_check", "schedule": crontab(minute=5)},
    "probe-sweeper": {"task": "matching.tasks.probe_sweep", "schedule": crontab(minute="*/15")},
    "erasure-lookup-sweeper": {"task": "compliance.tasks.erasure_lookup_sweep", "schedule": crontab(minute="*/15")},
    # A tenant grown past matching.partitions.PROMOTE_AT templates moves to its own partition and HNSW graph.
    "template-partitions-hourly": {"task": "matching.tasks.partitions_check", "schedule": crontab(minute=50)},
}
