"""Scrape-time metrics of matching's rows (core/metrics.py): the jobs waiting for a worker, by queue and tenant."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import Metric

from core.metrics import gauge
from matching.services.dispatch import TASKS, waiting_jobs


def _queue(task: str) -> str:
    return settings.CELERY_TASK_ROUTES.get(task, {}).get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)


def jobs_waiting_metrics() -> Iterable[Metric]:
    """Waiting job rows (queued, or running on a worker taken for dead): what the dispatcher chooses among."""
    now = timezone.now()
    depth: list[tuple[list[str], float]] = []
    oldest: dict[str, float] = {}
    for model, task in TASKS.items():
        queue = _queue(task)
        rows = waiting_jobs(model, now=now).values("tenant__slug").annotate(jobs=Count("pk"), since=Min("created_at"))
        for row in rows:
            depth.append(([queue, row["tenant__slug"] or "", model._meta.model_name or ""], row["jobs"]))
            age = (now - row["since"]).total_seconds()
            oldest[queue] = max(oldest.get(queue, 0.0), age)
    yield gauge("facegate_jobs_waiting", "Job rows waiting for a worker", ["queue", "tenant", "kind"], depth)
    yield gauge(
        "facegate_jobs_oldest_waiting_seconds",
        "Age of the oldest job row waiting, by queue (0: none waiting)",
        ["queue"],
        [([queue], oldest.get(queue, 0.0)) for queue in sorted({_queue(task) for task in TASKS.values()})],
    )
