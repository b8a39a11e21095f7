"""The Celery app: Redis broker, JSON messages carrying ids only, late acks."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("facegate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Hourly, so a face whose last consent ended is gone within WITHDRAWN_TEMPLATE_GRACE_HOURS + 1 h.
    "retention-sweep-hourly": {"task": "compliance.tasks.retention_sweep", "schedule": crontab(minute=35)},
    "deadlines-hourly": {"task": "compliance.tasks.deadlines_check", "schedule": crontab(minute=5)},
    "probe-sweeper": {"task": "matching.tasks.probe_sweep", "schedule": crontab(minute="*/15")},
    "erasure-lookup-sweeper": {"task": "compliance.tasks.erasure_lookup_sweep", "schedule": crontab(minute="*/15")},
    # A tenant grown past matching.partitions.PROMOTE_AT templates moves to its own partition and HNSW graph.
    "template-partitions-hourly": {"task": "matching.tasks.partitions_check", "schedule": crontab(minute=50)},
}
