"""The outbox relay and reaper of matching's jobs (a beat task every few seconds).

The job row is the truth and a message only wakes a worker: a job still queued JOB_RELAY_AFTER_SECONDS after
it was created (its message was lost: the broker was down at commit, or a task failed while the database was
down), or still running JOB_REAP_AFTER_SECONDS after it started (its worker died), is sent again. Runs are
idempotent, so an extra message is harmless; jobs older than the probe sweeper's limit are its to fail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from core.enqueue import resend
from matching.models import Enrollment, JobStatus, MatchJob, Verification
from matching.services.jobs import LEFTOVER_MAX_AGE

ENROLLMENT_TASK = "matching.tasks.enrollment_run"
MATCH_JOB_TASK = "matching.tasks.match_job_run"
VERIFICATION_TASK = "matching.tasks.verification_run"
BATCH = 1000  # per model and run; the next run takes the rest


def jobs_waiting(model, *, now: datetime):
    """The jobs of `model` whose row says they wait and whose message may be lost."""
    relay_after = timedelta(seconds=settings.JOB_RELAY_AFTER_SECONDS)
    reap_after = timedelta(seconds=settings.JOB_REAP_AFTER_SECONDS)
    return model.objects.filter(
        Q(status=JobStatus.QUEUED, created_at__lt=now - relay_after)
        | Q(status=JobStatus.RUNNING, started_at__lt=now - reap_after),
        created_at__gte=now - LEFTOVER_MAX_AGE,
    ).order_by("created_at")


def jobs_relay(*, now: datetime) -> dict:
    sent = {}
    for name, model, task in (
        ("enrollments", Enrollment, ENROLLMENT_TASK),
        ("match_jobs", MatchJob, MATCH_JOB_TASK),
        ("verifications", Verification, VERIFICATION_TASK),
    ):
        ids = jobs_waiting(model, now=now).values_list("pk", flat=True)[:BATCH]
        sent[name] = sum(resend(task, pk) for pk in ids)
    return sent
