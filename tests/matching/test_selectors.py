"""The gated nearest-neighbour search: both paths (exact, HNSW iterative) give the exact eligible answer."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from matching import partitions, selectors
from tests import factories
from tests.factories import FRAUD, GRANTED, MODEL

pytestmark = pytest.mark.django_db


@pytest.fixture
def population():
    tenant = factories.tenant()
    eligible = [factories.template(factories.subject(tenant, consented_at=GRANTED)) for _ in range(30)]
    blocked = [factories.template(factories.subject(tenant)) for _ in range(30)]
    other_tenant = [factories.template(factories.subject(factories.tenant(), consented_at=GRANTED)) for _ in range(5)]
    return tenant, eligible, blocked + other_tenant


def truth(templates, query, k):
    vectors = np.array([np.asarray(t.embedding) for t in templates])
    distances = 1 - vectors @ query / np.linalg.norm(vectors, axis=1)
    return [templates[i].id for i in np.argsort(distances)[:k]]


def nearest(tenant, query, k):
    with transaction.atomic():
        rows, path = selectors.templates_nearest(
            tenant=tenant, purpose=FRAUD, model=MODEL, at=timezone.now(), embedding=query.tolist(), k=k
        )
    return [r.id for r in rows], path


@pytest.mark.parametrize(
    "promoted, exact_below, min_graph_share, expected_path",
    [(False, 0, 0.0, "exact"), (True, 1000, 0.0, "exact"), (True, 0, 0.9, "exact"), (True, 0, 0.0, "hnsw")],
)
def test_both_paths_return_the_exact_eligible_top_k(
    population, monkeypatch, promoted, exact_below, min_graph_share, expected_path
):
    """In the shared partition (no graph) always exact; in its own partition by the eligible count and share
    (30 eligible of 60: under a minimum share of 90 %, exact)."""
    tenant, eligible, excluded = population
    if promoted:
        partitions.partition_promote(tenant_id=tenant.pk)
    monkeypatch.setattr(selectors, "EXACT_BELOW", exact_below)
    monkeypatch.setattr(selectors, "MIN_GRAPH_SHARE", min_graph_share)
    for blocked in excluded[:5]:
        # Probing right at an excluded face must still return only eligible ones.
        query = np.asarray(blocked.embedding)
        ids, path = nearest(tenant, query, 5)
        assert path == expected_path
        assert ids == truth(eligible, query, 5)


def test_indexed_path_falls_back_to_exact_when_fewer_than_k_pass(population, monkeypatch):
    tenant, eligible, _ = population
    partitions.partition_promote(tenant_id=tenant.pk)
    monkeypatch.setattr(selectors, "EXACT_BELOW", 0)
    query = np.asarray(eligible[0].embedding)
    ids, path = nearest(tenant, query, 50)
    assert path == "exact" and sorted(ids) == sorted(t.id for t in eligible)


@pytest.mark.django_db(transaction=True)
def test_a_waiting_request_is_woken_by_its_jobs_notify_only():
    import threading

    from django.db import connection

    from matching.models import JOB_DONE_CHANNEL, JobStatus, MatchJob

    tenant = factories.tenant()
    mine, other = (
        MatchJob.objects.create(tenant=tenant, purpose=FRAUD, model_name=MODEL, threshold=0.08, probe_sha256="0" * 64)
        for _ in range(2)
    )

    def worker(job):  # what the worker's last transaction does: the status, then NOTIFY, one commit
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                MatchJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
                cursor.execute("SELECT pg_notify(%s, %s)", [JOB_DONE_CHANNEL, str(job.pk)])
        finally:
            connection.close()

    # Another job's notice does not end the wait; the row is read again only when its own arrives.
    thread = threading.Timer(0.2, worker, [other])
    thread.start()
    assert selectors.job_wait(job=mine, seconds=1).status == JobStatus.QUEUED
    thread.join()
    thread = threading.Timer(0.2, worker, [mine])
    thread.start()
    assert selectors.job_wait(job=mine, seconds=30).status == JobStatus.DONE
    thread.join()
