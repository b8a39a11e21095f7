"""What every matching job shares: how long image bytes may wait, the expiry error, starting (through the fair
dispatcher) and ending a run (with its `*.finished` event), the wake-up of a waiting request, the timing helpers,
and the sweeper that fails and empties jobs nobody ran."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core import logs
from core.audit import Actor, audit_append
from core.errors import DomainError, Expired, Unprocessable
from core.events import event_emit
from matching.models import FINISHED, JOB_DONE_CHANNEL, Enrollment, JobStatus, MatchJob, Verification
from matching.services import dispatch

LEFTOVER_MAX_AGE = timedelta(hours=1)
EVENT_NAMES = {Enrollment: "enrollment", MatchJob: "match", Verification: "verification"}


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    default_message = (
        "The job was started several times and never ended (its image may break the worker); its image was deleted."
    )


class ThresholdTooLoose(Unprocessable):
    code = "threshold_too_loose"
    default_message = "A request's threshold may only be stricter than the configured one."


def threshold_check(threshold: float, *, maximum: float, setting: str) -> None:
    """A caller may tighten a probe job's threshold, never loosen it past the setting that bounds it."""
    if threshold > maximum:
        raise ThresholdTooLoose(
            f"A request's threshold may only be stricter than {setting} ({maximum}).",
            threshold=threshold,
            maximum=maximum,
        )


def finished_emit(job) -> None:
    """Tell the tenant's webhooks that the job ended (`enrollment.finished`, `match.finished`,
    `verification.finished`), in the caller's transaction: ids and status only, never a face, a distance or a name."""
    if job.tenant_id is None:
        return  # the platform's own erasure lookup: no client asked for it
    name = EVENT_NAMES[type(job)]
    data = {name: str(job.pk), "status": job.status, "error": job.error_code or None}
    if name != "match":
        data["subject"] = str(job.subject_id)
    event_emit(tenant_id=job.tenant_id, type=f"{name}.finished", data=data)


def outcome_record(job, *, error: DomainError | None, image_field: str) -> list[str]:
    """How a job ended, its image bytes deleted and its event written (in the caller's transaction); returns the
    fields set."""
    job.status = JobStatus.FAILED if error else JobStatus.DONE
    job.error_code = error.code if error else ""
    job.error_message = error.message[:500] if error else ""
    setattr(job, image_field, None)
    job.finished_at = timezone.now()
    finished_emit(job)
    dispatch.heavy_successor_wake(job)
    # The job this task ran (fair dispatch may run another waiting job than the message named).
    logs.annotate(
        job=str(job.pk), status=job.status, error_code=job.error_code, timings=getattr(job, "timings", None) or {}
    )
    return ["status", "error_code", "error_message", image_field, "finished_at"]


def running_mark(job, *, image_field: str, end) -> bytes | None:
    """The job is running from now, one attempt more (in the caller's locked transaction); returns its image
    bytes. A job already started JOB_MAX_ATTEMPTS times never ended: its image is taken to crash the worker
    (a relay or broker re-delivery would run it forever), so `end(job, error=TooManyAttempts())` ends it once,
    deleting the bytes and auditing it, and None is returned."""
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        end(job, error=TooManyAttempts(attempts=job.attempts))
        return None
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.attempts += 1
    job.save(update_fields=["status", "started_at", "attempts"])
    return bytes(getattr(job, image_field))


def probe_job_start(model, job_id, *, end) -> tuple:
    """Claim the match or verification that the message for `job_id` runs (services/dispatch.py: `job_id`'s own or
    another tenant's waiting longer), mark it running and take its probe: (job, bytes); (job_id's job, None) when no
    job may run now; (job, None) when its probe expired or it was started too often (then `end` ends it)."""
    with transaction.atomic():
        job = dispatch.job_claim(model, job_id)
        if job is None:
            return model.objects.filter(pk=job_id).defer("probe").first(), None
        if job.probe is None:
            end(job, error=Expired())
            return job, None
        return job, running_mark(job, image_field="probe", end=end)


def done_notify(job) -> None:
    """Wake a request waiting for this job (matching.selectors.job_wait) when the caller's transaction commits."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [JOB_DONE_CHANNEL, str(job.pk)])


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


@transaction.atomic
def probe_sweep(*, actor: Actor, older_than: timedelta = LEFTOVER_MAX_AGE) -> dict:
    """Delete image bytes of enrolments and match jobs older than `older_than`; jobs still unfinished fail."""
    cutoff = timezone.now() - older_than
    now = timezone.now()
    stale = Q(created_at__lt=cutoff) & ~Q(status__in=FINISHED)
    expired = Expired()
    failed = {}
    for name, model, image_field in (
        ("enrollments", Enrollment, "image"),
        ("match_jobs", MatchJob, "probe"),
        ("verifications", Verification, "probe"),
    ):
        ended = list(model.objects.select_for_update().filter(stale).defer(image_field))
        model.objects.filter(pk__in=[job.pk for job in ended]).update(
            status=JobStatus.FAILED, error_code=expired.code, error_message=expired.message, finished_at=now
        )
        for job in ended:
            job.status, job.error_code = JobStatus.FAILED, expired.code
            finished_emit(job)
        failed[name] = len(ended)
    cleared = {
        "enrollments": Enrollment.objects.filter(created_at__lt=cutoff, image__isnull=False).update(image=None),
        "match_jobs": MatchJob.objects.filter(created_at__lt=cutoff, probe__isnull=False).update(probe=None),
        "verifications": Verification.objects.filter(created_at__lt=cutoff, probe__isnull=False).update(probe=None),
    }
    counts = {"cleared": cleared, "failed": failed}
    audit_append(actor=actor, action="matching.probe_sweep", details=counts)
    return counts
