"""Fair dispatch: which waiting job a worker's message runs, so that no tenant can starve another.

A job's message only wakes a worker (core/enqueue.py); the rows decide what it runs. A message of one kind
(enrolment, match, verification) takes, among that kind's waiting jobs, one of the tenant whose job last got a
worker longest ago (`TenantTurn`), and its own job when that tenant is its own. A tenant that queued twenty jobs
and one that queued one then take turns, whatever the order of their messages in the queue.

A tenant runs at most JOB_TENANT_HEAVY_MAX heavy jobs (decoding more than JOB_HEAVY_PIXELS) at once, so large
images never hold every worker. A message that finds only such jobs leaves them waiting, and the end of that
tenant's heavy job sends the message of its next one (`heavy_successor_wake`); the relay is the backstop, as for
any lost message. Every message still runs at most one job, and every job still ends once (services/jobs.py).

No global lock: the candidate row is locked FOR UPDATE SKIP LOCKED (two workers never wait for each other's
pick), then its tenant's TenantTurn row, which serializes only that tenant's claims while its heavy jobs are
counted; both for one short transaction, never across decoding (docs/concurrency.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from core.enqueue import enqueue
from matching.models import WAITING, Enrollment, JobStatus, MatchJob, TenantTurn, Verification

TASKS: dict[type[Enrollment] | type[MatchJob] | type[Verification], str] = {
    Enrollment: "matching.tasks.enrollment_run",
    MatchJob: "matching.tasks.match_job_run",
    Verification: "matching.tasks.verification_run",
}


def is_heavy(job) -> bool:
    return job.decode_pixels > settings.JOB_HEAVY_PIXELS


def _reaped_before(now: datetime) -> datetime:
    """A job running since before this has lost its worker (services.jobs: the relay takes it back)."""
    return now - timedelta(seconds=settings.JOB_REAP_AFTER_SECONDS)


def waiting_jobs(model, *, now: datetime):
    """Queued, or running on a worker taken for dead."""
    return model.objects.filter(
        Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, started_at__lt=_reaped_before(now)),
        status__in=WAITING,  # the partial index's predicate, spelled out for the planner
    )


def _heavy_running(tenant_id, *, now: datetime) -> int:
    live = Q(
        tenant_id=tenant_id,
        status=JobStatus.RUNNING,
        started_at__gte=_reaped_before(now),
        decode_pixels__gt=settings.JOB_HEAVY_PIXELS,
    )
    return sum(model.objects.filter(live).count() for model in TASKS)


def _fairest(model, hint_id, *, now: datetime, capped: list):
    """The waiting job to run next, locked (skipping rows another worker is claiming): the tenant served longest
    ago first (never served: first of all), then the message's own job, then the oldest."""
    turn = TenantTurn.objects.filter(tenant_id=OuterRef("tenant_id")).values("last_started_at")[:1]
    jobs = waiting_jobs(model, now=now)
    if capped:
        jobs = jobs.exclude(tenant_id__in=capped, decode_pixels__gt=settings.JOB_HEAVY_PIXELS)
    return (
        jobs.annotate(turn_at=Subquery(turn), own=Case(When(pk=hint_id, then=Value(0)), default=Value(1)))
        .order_by(F("turn_at").asc(nulls_first=True), "own", "created_at")
        .select_for_update(skip_locked=True, of=("self",))
        .first()
    )


def _turn_lock(tenant_id) -> None:
    """Lock the tenant's TenantTurn row (made on its first job): its claims wait for each other, no one else's."""
    table = TenantTurn._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (tenant_id) VALUES (%s) "
            f"ON CONFLICT (tenant_id) DO UPDATE SET last_started_at = {table}.last_started_at",
            [tenant_id],
        )


def job_claim(model, hint_id, *, now: datetime | None = None):
    """In the caller's transaction: the waiting job of `model` that the message for `hint_id` runs, locked; None
    when no waiting job may run now (none waits, or all that wait are heavy jobs of tenants at their cap)."""
    now = now or timezone.now()
    capped: list[object] = []
    while True:
        job = _fairest(model, hint_id, now=now, capped=capped)
        if job is None or job.tenant_id is None:  # None: the platform's own lookup, no tenant to be fair to
            return job
        _turn_lock(job.tenant_id)
        if is_heavy(job) and _heavy_running(job.tenant_id, now=now) >= settings.JOB_TENANT_HEAVY_MAX:
            capped.append(job.tenant_id)  # its heavy jobs wait for its running one's end; look again without them
            continue
        TenantTurn.objects.filter(pk=job.tenant_id).update(last_started_at=now)
        return job


def heavy_successor_wake(job) -> None:
    """A heavy job ends (in the caller's transaction): at commit, wake its tenant's next waiting heavy job of each
    kind, which a message may have left waiting while the tenant was at its cap. A message too many does nothing."""
    if job.tenant_id is None or not is_heavy(job):
        return
    now = timezone.now()
    for model, task in TASKS.items():
        successor = (
            waiting_jobs(model, now=now)
            .filter(tenant_id=job.tenant_id, decode_pixels__gt=settings.JOB_HEAVY_PIXELS)
            .exclude(pk=job.pk)
            .order_by("created_at")
            .values_list("pk", flat=True)
            .first()
        )
        if successor is not None:
            enqueue(task, str(successor))
