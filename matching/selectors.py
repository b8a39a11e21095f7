"""Reads of the matching app: jobs for the API, and the gated nearest-neighbour search."""

from __future__ import annotations

import select
import time
import uuid
from contextlib import contextmanager
from datetime import datetime

from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, Value
from pgvector.django import CosineDistance

from consent.models import Subject
from core.errors import NotFound
from matching import partitions
from matching.models import FINISHED, JOB_DONE_CHANNEL, Enrollment, FaceTemplate, MatchJob, Verification
from policy import gate

# Search settings, chosen with bench/search.py. A tenant's search reads its own partition only (matching.partitions):
# a small tenant's rows sit in the shared partition, which has no graph and is searched exactly; a large tenant's
# partition has its own HNSW graph, whose recall under a filter depends on the eligible share of that tenant:
# with strict-order iterative scans it is complete from ~5 % up. Below that share, or for a few thousand rows,
# the exact scan of the eligible rows (reached from the consents for the purpose) is complete and about as fast.
EF_SEARCH = 400
MAX_SCAN_TUPLES = 20_000
EXACT_BELOW = 3_000  # consents for the purpose in the tenant: at or under this, search exactly ...
MIN_INDEX_FRACTION = 0.05  # ... and under this share of the tenant's templates, too


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def subject_get(*, tenant, subject_id) -> Subject:
    """A live subject of `tenant`; another tenant's or an erased one is not found."""
    subject = Subject.objects.filter(pk=_uuid(subject_id), tenant=tenant, erased_at__isnull=True).first()
    if subject is None:
        raise NotFound("No such subject.")
    return subject


def enrollment_get(*, tenant, enrollment_id) -> Enrollment:
    enrollment = Enrollment.objects.filter(pk=_uuid(enrollment_id), tenant=tenant).first()
    if enrollment is None:
        raise NotFound("No such enrolment.")
    return enrollment


def match_job_get(*, tenant, job_id) -> MatchJob:
    job = MatchJob.objects.filter(pk=_uuid(job_id), tenant=tenant).first()
    if job is None:
        raise NotFound("No such match job.")
    return job


def verification_get(*, tenant, verification_id) -> Verification:
    verification = Verification.objects.filter(pk=_uuid(verification_id), tenant=tenant).first()
    if verification is None:
        raise NotFound("No such verification.")
    return verification


def job_wait(*, job, seconds: float):
    """The job (a match or a verification) once it has ended, or as it is after `seconds`: the worker's NOTIFY at
    commit wakes the wait, so
    the request reads the job once more instead of polling it. Needs autocommit (LISTEN acts at commit)."""
    deadline = time.monotonic() + seconds
    if job.status in FINISHED or seconds <= 0:
        return job
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {JOB_DONE_CHANNEL}")
    try:
        job.refresh_from_db()  # it may have ended before the LISTEN
        pg = connection.connection
        while job.status not in FINISHED and (left := deadline - time.monotonic()) > 0:
            # select() lets other threads run while waiting (psycopg's own notifies() wait holds the GIL).
            if select.select([pg.fileno()], [], [], left)[0]:
                if any(note.payload == str(job.pk) for note in pg.notifies(timeout=0)):
                    job.refresh_from_db()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"UNLISTEN {JOB_DONE_CHANNEL}")
    return job


@contextmanager
def _local_settings(**values):
    """SET LOCAL the given planner/pgvector settings for the statements inside, then restore them."""
    with connection.cursor() as cursor:
        # Load pgvector in this backend first: until then its hnsw.* settings are undefined placeholders, and
        # restoring one to "" after the search has loaded the library is an invalid value.
        cursor.execute("SELECT '[1]'::vector")
        previous = {}
        for name, value in values.items():
            name = name.replace("__", ".")
            cursor.execute("SELECT current_setting(%s, true)", [name])
            previous[name] = cursor.fetchone()[0]
            cursor.execute("SELECT set_config(%s, %s, true)", [name, str(value)])
        try:
            yield
        finally:
            for name, value in previous.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value or ""])


# The indexed path must be the HNSW scan driving a row-by-row check of the gate; PostgreSQL underestimates how
# many rows pass the gate (it multiplies many conditions) and would otherwise hash the whole eligible set first.
ROW_BY_ROW = dict(
    enable_sort="off", enable_material="off", enable_hashjoin="off", enable_mergejoin="off", enable_hashagg="off"
)


def templates_nearest(
    *, tenant, purpose: str, model: str, at: datetime, embedding: list[float], k: int
) -> tuple[list[FaceTemplate], str]:
    """The k templates the gate lets `tenant` use for `purpose` at `at` nearest to `embedding` (each with
    `.distance`), best first, and the path used. Must run inside a transaction (the search settings are SET LOCAL).
    """
    eligible = gate.templates_eligible(FaceTemplate.objects.all(), tenant=tenant, purpose=purpose, model=model, at=at)
    rows = partitions.tenant_partition_rows(getattr(tenant, "pk", tenant))
    if rows is None:  # the shared partition: no graph
        return nearest_among(eligible, embedding=embedding, k=k, indexed=False)
    limit = max(EXACT_BELOW, int(MIN_INDEX_FRACTION * rows))
    few = gate.eligible_upper_bound(tenant=tenant, purpose=purpose, limit=limit + 1) <= limit
    return nearest_among(eligible, embedding=embedding, k=k, indexed=not few)


def templates_nearest_erasable(*, model: str, embedding: list[float], k: int) -> tuple[list[FaceTemplate], str]:
    """An erasure lookup's search: every tenant's live templates of `model`, nearest first."""
    erasable = gate.templates_erasable(FaceTemplate.objects.all(), model=model)
    return nearest_among(erasable, embedding=embedding, k=k, indexed=True)


def nearest_among(candidates, *, embedding: list[float], k: int, indexed: bool) -> tuple[list[FaceTemplate], str]:
    """The k `candidates` nearest to `embedding`. Each path is one statement that holds the candidates' filter,
    so eligibility is judged at the instant the search runs."""
    nearest = candidates.annotate(distance=CosineDistance("embedding", embedding))
    if indexed:
        # Indexed: the HNSW scan walks the graph in strict distance order until k rows have passed the filter
        # (checked row by row), or MAX_SCAN_TUPLES were seen.
        with _local_settings(
            **ROW_BY_ROW,
            hnsw__iterative_scan="strict_order",
            hnsw__ef_search=max(EF_SEARCH, k),
            hnsw__max_scan_tuples=MAX_SCAN_TUPLES,
        ):
            rows = list(nearest.order_by("distance")[:k])
        if len(rows) == k:
            return rows, "hnsw"
        # Fewer than k found within the scan budget: the candidate set is sparse, so the exact scan is cheap.
    # Exact: ordering by `distance + 0` is not an expression the HNSW index can serve, so PostgreSQL computes
    # the distance of every candidate row, reached from the consents for the purpose.
    exact_order = ExpressionWrapper(F("distance") + Value(0.0), output_field=FloatField())
    return list(nearest.order_by(exact_order)[:k]), "exact"


def templates_of_subjects(
    *, tenant, purpose: str, model: str, at: datetime, embedding: list[float], subject_ids
) -> list[FaceTemplate]:
    """Every template of `subject_ids` the gate lets `tenant` use for `purpose` at `at`, each with `.distance`,
    nearest first: one statement holding the gate. A 1:1 verification compares with all of them; a 1:N search
    uses it to score each candidate person over all their templates and to re-check the gate."""
    templates = FaceTemplate.objects.filter(subject_id__in=list(subject_ids))
    eligible = gate.templates_eligible(templates, tenant=tenant, purpose=purpose, model=model, at=at)
    return sorted(eligible.annotate(distance=CosineDistance("embedding", embedding)), key=lambda t: t.distance)


def templates_described(*, subject: Subject) -> list[dict]:
    """What a subject may know of their templates: never the vectors (the column is not even read)."""
    return list(
        FaceTemplate.objects.filter(tenant_id=subject.tenant_id, subject_id=subject.pk)
        .order_by("created_at")
        .values("created_at", "model_name", "detector", "quality", "quality_measures", "last_matched_at")
    )


def match_jobs_returning(*, subject: Subject):
    """The 1:N searches whose results name the subject (a tenant's, or the platform's erasure lookup)."""
    return (
        MatchJob.objects.filter(results__contains=[{"subject_id": str(subject.pk)}])
        .select_related("tenant")
        .only("id", "tenant__slug", "purpose", "created_at", "results")
        .order_by("created_at")
    )


def verifications_of(*, subject: Subject):
    return (
        Verification.objects.filter(tenant_id=subject.tenant_id, subject_id=subject.pk)
        .only("id", "status", "match", "distance", "created_at")
        .order_by("created_at")
    )
