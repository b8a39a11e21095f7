"""Reads of the matching app: jobs for the API, and the gated nearest-neighbour search."""
from __future__ import annotations

import uuid
from datetime import datetime

from django.db import connection
from pgvector.django import CosineDistance

from compliance.gate import templates_eligible
from config.errors import NotFound
from consent.models import Subject
from matching.models import Enrollment, FaceTemplate, MatchJob

# Search settings, chosen with bench/search.py (README "Search"): an HNSW index scan that keeps walking the
# graph until enough rows pass the gate, with a candidate list wide enough for complete results; when the
# tenant's eligible set is small, the exact scan of it is both faster and complete.
EF_SEARCH = 100
MAX_SCAN_TUPLES = 40_000
EXACT_BELOW = 2_000  # eligible templates: at or under this, scan them exactly


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


def _set_local(name: str, value) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, str(value)])


def templates_nearest(
    *, tenant, purpose: str, model: str, at: datetime, embedding: list[float], k: int
) -> tuple[list[FaceTemplate], str]:
    """The k eligible templates nearest to `embedding` (each with `.distance`), best first, and the path used.

    Must run inside a transaction: the search settings are SET LOCAL. Both paths are one statement that holds
    the gate, so eligibility is judged at the instant the search runs.
    """
    eligible = templates_eligible(tenant=tenant, purpose=purpose, model=model, at=at)
    nearest = eligible.annotate(distance=CosineDistance("embedding", embedding))
    # A bounded count of the eligible set (stops at EXACT_BELOW + 1 rows) picks the path.
    if eligible.values("id")[: EXACT_BELOW + 1].count() <= EXACT_BELOW:
        # Exact: no index scan, so the planner cannot pick the HNSW path and drop rows.
        _set_local("enable_indexscan", "off")
        rows = list(nearest.order_by("distance")[:k])
        _set_local("enable_indexscan", "on")
        return rows, "exact"
    _set_local("hnsw.iterative_scan", "strict_order")
    _set_local("hnsw.ef_search", max(EF_SEARCH, k))
    _set_local("hnsw.max_scan_tuples", MAX_SCAN_TUPLES)
    return list(nearest.order_by("distance")[:k]), "hnsw"
