"""Reads of the matching app: jobs for the API, and the gated nearest-neighbour search."""

from __future__ import annotations

import math
import select
import time
import uuid
from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, TypeVar, cast

from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, Model, OuterRef, QuerySet, Subquery, Value
from pgvector.django import CosineDistance

from consent.models import Purpose, Subject
from consent.purposes import purpose_check
from core.errors import NotFound
from core.replica import search_connection
from matching import partitions
from matching.models import FINISHED, JOB_DONE_CHANNEL, Enrollment, FaceTemplate, MatchJob, Verification
from policy import gate

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Distance(TypedDict):
    distance: float


# A template a search returned, with its cosine distance to the probe.
NearTemplate: TypeAlias = "WithAnnotations[FaceTemplate, _Distance]"

# Search settings, chosen with bench/search.py. A tenant's search reads its own partition only (matching.partitions):
# a small tenant's rows sit in the shared partition, which has no graph; a large tenant's partition has its own
# HNSW graph. Templates carry a superset hint of the purposes the gate may allow (migration 0008): the search takes
# the nearest hinted templates, exactly (a partial index reaches them) when they are few, else through the graph,
# and runs the full gate on those candidates only.
CANDIDATES = 2  # candidates per row asked: the gate drops only what the hint cannot foresee (time, orders, ...)
EXACT_BELOW = 3_000  # hinted templates of the tenant's partition for the purpose at or under this: exact
# ... and under this share of the tenant's partition too: the graph's walk filtered on a rare purpose wanders among
# rows the hint drops and misses neighbours (recall@1 0.90, @5 0.66 at 1 % of a 500,000 partition).
MIN_GRAPH_SHARE = 0.05
# The graph's candidate list: EF_SEARCH at least (recall@1 0.99 at 64, 1.00 at 100 over an unfiltered 500,000
# graph), and EF_PER_PASSING candidates per hinted row the walk must find at the tenant's hinted share, so that one
# batch holds them (at 10 %: 0.99 at 100, 1.00 at 200; a second batch doubles the time).
EF_SEARCH = 100
EF_PER_PASSING = 2
EF_SEARCH_MAX = 1_000  # pgvector's limit
# The graph's walk gives up after this many rows times the rows it must find over the hinted share (the exact
# search follows), between MAX_SCAN_TUPLES_MIN and MAX_SCAN_TUPLES.
SCAN_PER_PASSING = 100
MAX_SCAN_TUPLES_MIN, MAX_SCAN_TUPLES = 1_000, 20_000
# The ef_search of this context's last search when it walked a graph (None: it did not), for the job's metrics.
last_ef_search: ContextVar[int | None] = ContextVar("last_ef_search", default=None)
# The erasure lookup's walk of the graphs (every tenant, no purpose, so no hint): its filter checked row by row.
ROW_BY_ROW_EF_SEARCH = 400


Row = TypeVar("Row", bound=Model)


def _by_id(rows: QuerySet[Row], value: object) -> Row | None:
    """The row of `rows` whose id is `value`; None when there is none or `value` is not a UUID."""
    try:
        pk = uuid.UUID(str(value))
    except ValueError:
        return None
    return rows.filter(pk=pk).first()


def subject_get(*, tenant, subject_id) -> Subject:
    """A live subject of `tenant`; another tenant's or an erased one is not found."""
    subject = _by_id(Subject.objects.filter(tenant=tenant, erased_at__isnull=True), subject_id)
    if subject is None:
        raise NotFound("No such subject.")
    return subject


def enrollment_get(*, tenant, enrollment_id) -> Enrollment:
    enrollment = _by_id(Enrollment.objects.filter(tenant=tenant), enrollment_id)
    if enrollment is None:
        raise NotFound("No such enrolment.")
    return enrollment


def subject_enrollments(*, subject: Subject):
    """A subject's enrolments, newest first, each with the id of the template it made (or None)."""
    template = FaceTemplate.objects.filter(enrollment=OuterRef("pk")).values("id")[:1]
    return (
        Enrollment.objects.filter(tenant_id=subject.tenant_id, subject=subject)
        .annotate(template_pk=Subquery(template))
        .order_by("-created_at", "-id")
    )


def match_job_get(*, tenant, job_id, purposes: list[str]) -> MatchJob:
    """`purposes`: the calling key's; a job of another purpose is 403, not 404 (consent.purposes says why)."""
    job = _by_id(MatchJob.objects.filter(tenant=tenant), job_id)
    if job is None:
        raise NotFound("No such match job.")
    purpose_check(job.purpose, allowed=purposes)
    return job


def verification_get(*, tenant, verification_id, purposes: list[str]) -> Verification:
    verification = _by_id(Verification.objects.filter(tenant=tenant), verification_id)
    if verification is None:
        raise NotFound("No such verification.")
    purpose_check(Purpose.IDENTITY_VERIFICATION, allowed=purposes)  # every verification is 1:1's
    return verification


def job_wait(*, job, seconds: float):
    """The job (an enrolment, a match or a verification) once it has ended, or as it is after `seconds`: the
    worker's NOTIFY at commit wakes the wait, so the request reads the job once more instead of polling it. Needs autocommit (LISTEN acts at commit)."""
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
    names = [name.replace("__", ".") for name in values]
    pairs = ", ".join("set_config(%s, %s, true)" for _ in names)

    def assign(settings):
        return [x for pair in zip(names, settings, strict=True) for x in pair]

    with search_connection().cursor() as cursor:
        # One round trip: the literal loads pgvector as the statement is parsed (until then its hnsw.* settings are
        # undefined placeholders, and restoring one to "" afterwards would be an invalid value); the old values are
        # read before the new ones are set, in the order of the select list.
        current = ", ".join("current_setting(%s, true)" for _ in names)
        cursor.execute(f"SELECT '[1]'::vector, {current}, {pairs}", [*names, *assign(str(v) for v in values.values())])
        previous = [value or "" for value in cursor.fetchone()[1 : 1 + len(names)]]
        try:
            yield
        finally:
            cursor.execute(f"SELECT {pairs}", assign(previous))


# The row-by-row indexed path must be the HNSW scan driving a check of the filter; PostgreSQL underestimates how
# many rows pass it (it multiplies many conditions) and would otherwise hash the whole candidate set first.
ROW_BY_ROW = dict(
    enable_sort="off", enable_material="off", enable_hashjoin="off", enable_mergejoin="off", enable_hashagg="off"
)


def templates_nearest(
    *, tenant, purpose: str, model: str, at: datetime, embedding: list[float], k: int
) -> tuple[list[NearTemplate], str]:
    """The k templates the gate lets `tenant` use for `purpose` at `at` nearest to `embedding` (each with
    `.distance`), best first, and the path used. Must run inside a transaction (the search settings are SET LOCAL);
    inside core.replica.on_standby, every statement runs on the database it chose.
    """
    tenant_id = getattr(tenant, "pk", tenant)
    last_ef_search.set(None)
    if purpose in partitions.HINTED_PURPOSES:
        stats = partitions.tenant_partition_stats(tenant_id, purpose)  # None: the shared partition has no graph
        indexed = stats is not None and stats.hinted > max(EXACT_BELOW, MIN_GRAPH_SHARE * stats.rows)
        # The graph's walk may end before k candidates pass (max_scan_tuples); the exact one only when they ran out.
        for path in ("hnsw", "exact") if indexed else ("exact",):
            found = _nearest_hinted(
                tenant_id, purpose, model, at, embedding, k, graph=stats if path == "hnsw" else None
            )
            if found is not None:
                return found, path
    eligible = gate.templates_eligible(FaceTemplate.objects.all(), tenant=tenant, purpose=purpose, model=model, at=at)
    return nearest_among(eligible, embedding=embedding, k=k, indexed=False)[0], "gate-first"


def graph_settings(stats: partitions.PartitionStats, limit: int) -> dict[str, int]:
    """ef_search and max_scan_tuples for a walk of the tenant's graph that must find `limit` hinted rows."""
    share = max(stats.hinted, 1) / max(stats.rows, stats.hinted, 1)
    needed = limit / share  # rows the walk sees before `limit` of them are hinted
    return {
        "hnsw.ef_search": min(EF_SEARCH_MAX, max(EF_SEARCH, limit, math.ceil(EF_PER_PASSING * needed))),
        "hnsw.max_scan_tuples": min(MAX_SCAN_TUPLES, max(MAX_SCAN_TUPLES_MIN, math.ceil(SCAN_PER_PASSING * needed))),
    }


def _nearest_hinted(tenant_id, purpose, model, at, embedding, k, *, graph) -> list[NearTemplate] | None:
    """The k eligible templates nearest to `embedding`: the CANDIDATES x k nearest hinted templates (a superset
    of the eligible ones, so the eligible top k is among them once k of them pass), then the full gate on those
    alone; through the graph when `graph` (the partition's statistics) is given, else exactly. One round trip:
    the settings, the search and their restoring in one message. None when fewer than k passed and more hinted
    templates may exist: the caller searches exactly, or gate-first."""
    limit = CANDIDATES * k
    # Every column but the vector (deferred: a caller that reads it loads it): it is compared in the index scan,
    # and carrying 128 floats per candidate through the statement and into Python costs more than the gate.
    fields = [f for f in FaceTemplate._meta.concrete_fields if f.name != "embedding"]
    columns = [f.column for f in fields if f.column is not None]  # every concrete field has one
    probe = f"[{','.join(str(float(x)) for x in embedding)}]"
    gate_sql, gate_params = gate.eligible("nearest", tenant=tenant_id, purpose=purpose, model=model, at=at)
    # Exact: `+ 0` is not an ordering the HNSW index serves, so every row of the partial index is compared.
    order, order_params = ("distance", []) if graph else ("(embedding <=> %s::vector) + 0", [probe])
    sql = f"""WITH candidates AS MATERIALIZED (
            SELECT {", ".join(columns)}, embedding <=> %s::vector AS distance
            FROM {partitions.TEMPLATES}
            WHERE tenant_id = %s AND model_name = %s AND {partitions.hinted(purpose)}
            ORDER BY {order} LIMIT %s)
        SELECT (SELECT count(*) FROM candidates), nearest.*
        FROM (SELECT) one LEFT JOIN LATERAL (
            SELECT * FROM candidates nearest WHERE {gate_sql} ORDER BY nearest.distance LIMIT %s) nearest ON true
        ORDER BY nearest.distance"""
    params = [probe, tenant_id, model, *order_params, limit, *gate_params, k]
    # Hints change faster than statistics, so the plan is not left to estimates: the partial index (exact) or the
    # graph, never a scan of the partition, no parallel workers to start and no JIT to compile for a few rows.
    # Relaxed order: the graph's batches come nearly in distance order, and the statement sorts them again.
    settings: dict[str, object] = {
        "enable_seqscan": "off",
        "max_parallel_workers_per_gather": 0,
        "jit": "off",
        "hnsw.iterative_scan": "relaxed_order",
        "hnsw.ef_search": max(EF_SEARCH, limit),
    }
    walk = graph_settings(graph, limit) if graph else {}
    settings.update(walk)
    if graph:
        settings.update(enable_sort="off", enable_bitmapscan="off")
    with search_connection().cursor() as cursor:
        result = _execute_with(cursor, settings, sql, params)
    last_ef_search.set(walk.get("hnsw.ef_search"))
    candidates = result[0][0]
    found = [_template([f.attname for f in fields], row[1:]) for row in result if row[1] is not None]
    # Exact and fewer candidates than asked: every hinted template was compared, so the answer is complete.
    if len(found) == k or (not graph and candidates < limit):
        return found
    return None


def _execute_with(cursor, settings: Mapping[str, object], sql: str, params: list) -> list[tuple]:
    """The rows of `sql` run under `settings` (SET LOCAL), which are then put back as they were, in one round trip:
    one message of three statements (the cursor binds parameters on the client), the previous values kept in
    placeholder settings of this transaction. The `'[1]'::vector` literal loads pgvector before its hnsw.*
    settings are read (until then they are undefined placeholders)."""
    names = list(settings)
    saved = [f"facegate.saved_{i}" for i in range(len(names))]
    save = ", ".join("set_config(%s, coalesce(current_setting(%s, true), ''), true)" for _ in names)
    assign = ", ".join("set_config(%s, %s, true)" for _ in names)
    restore = ", ".join("set_config(%s, current_setting(%s), true)" for _ in names)
    cursor.execute(
        f"SELECT '[1]'::vector, {save}, {assign}; {sql}; SELECT {restore}",
        [
            *[x for pair in zip(saved, names, strict=True) for x in pair],
            *[x for name in names for x in (name, str(settings[name]))],
            *params,
            *[x for pair in zip(names, saved, strict=True) for x in pair],
        ],
    )
    cursor.nextset()
    return cursor.fetchall()


def _template(columns, values) -> NearTemplate:
    # The row read as the model; its distance, the statement's last column, is set just below.
    template = cast("NearTemplate", FaceTemplate.from_db(search_connection().alias, columns, values[:-1]))
    template.distance = values[-1]
    return template


def templates_nearest_erasable(*, model: str, embedding: list[float], k: int) -> tuple[list[NearTemplate], str]:
    """An erasure lookup's search: every tenant's live templates of `model`, nearest first."""
    erasable = gate.templates_erasable(FaceTemplate.objects.all(), model=model)
    return nearest_among(erasable, embedding=embedding, k=k, indexed=True)


def nearest_among(
    candidates: QuerySet[FaceTemplate], *, embedding: list[float], k: int, indexed: bool
) -> tuple[list[NearTemplate], str]:
    """The k `candidates` nearest to `embedding`. Each path is one statement that holds the candidates' filter,
    so eligibility is judged at the instant the search runs."""
    nearest = candidates.annotate(distance=CosineDistance("embedding", embedding))
    if indexed:
        # Indexed: the HNSW scan walks the graph in strict distance order until k rows have passed the filter
        # (checked row by row), or MAX_SCAN_TUPLES were seen.
        with _local_settings(
            **ROW_BY_ROW,
            hnsw__iterative_scan="strict_order",
            hnsw__ef_search=max(ROW_BY_ROW_EF_SEARCH, k),
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
) -> list[NearTemplate]:
    """Every template of `subject_ids` the gate lets `tenant` use for `purpose` at `at`, each with `.distance`,
    nearest first: one statement holding the gate. A 1:1 verification compares with all of them; a 1:N search
    uses it to score each candidate person over all their templates and to re-check the gate."""
    templates = FaceTemplate.objects.filter(subject_id__in=list(subject_ids))
    eligible = gate.templates_eligible(templates, tenant=tenant, purpose=purpose, model=model, at=at)
    near = eligible.annotate(distance=CosineDistance("embedding", embedding))
    return sorted(near, key=lambda t: t.distance)


def templates_described(*, subject: Subject) -> list[Mapping[str, Any]]:
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
