"""A search is one round trip: its path comes from the partition's statistics (no count), its settings are set,
used and put back within the one message, and its graph settings follow the tenant's hinted share."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching import partitions, selectors
from matching.partitions import PartitionStats
from tests import factories
from tests.factories import FRAUD, GRANTED, MODEL

pytestmark = pytest.mark.django_db


def search(tenant, template, k=1):
    return selectors.templates_nearest(
        tenant=tenant, purpose=FRAUD, model=MODEL, at=timezone.now(), embedding=list(template.embedding), k=k
    )


def shown(cursor, name: str) -> str:
    cursor.execute(f"SHOW {name}")
    return cursor.fetchone()[0]


@pytest.mark.parametrize("promoted", [False, True], ids=["shared partition", "own partition"])
def test_a_search_is_one_statement_and_leaves_the_settings_as_they_were(promoted, monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_BELOW", 0)  # the own partition's search walks its graph
    tenant = factories.tenant()
    templates = [factories.template(factories.subject(tenant, consented_at=GRANTED)) for _ in range(12)]
    if promoted:
        partitions.partitions_check(at_least=len(templates) - 1)
    search(tenant, templates[0])  # reads the partition's statistics, kept for STATS_TTL_S
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT '[1]'::vector")  # pgvector loaded: its settings are defined
        before = {name: shown(cursor, name) for name in ("enable_seqscan", "jit", "hnsw.ef_search")}
        with CaptureQueriesContext(connection) as statements:
            found, path = search(tenant, templates[3])
        after = {name: shown(cursor, name) for name in before}
    assert [t.id for t in found] == [templates[3].id]
    assert path == ("hnsw" if promoted else "exact")
    assert len(statements.captured_queries) == 1, [q["sql"][:80] for q in statements.captured_queries]
    assert after == before
    assert selectors.last_ef_search.get() == (selectors.EF_SEARCH if promoted else None)  # for the job's metrics


def test_the_walk_is_over_the_purposes_own_graph(monkeypatch):
    """The graph of the hinted rows only, not the tenant's whole graph filtered row by row: the planner must pick
    it under the search's own settings (the statement is explained as it was sent, after its settings)."""
    monkeypatch.setattr(selectors, "EXACT_BELOW", 0)
    tenant = factories.tenant()
    templates = [factories.template(factories.subject(tenant, consented_at=GRANTED)) for _ in range(6)]
    templates += [factories.template(factories.subject(tenant)) for _ in range(6)]  # no consent: not hinted
    partitions.partitions_check(at_least=len(templates) - 1)
    name = partitions.partition_name(tenant.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s", [name, "%hnsw%"]
        )
        graphs = dict(cursor.fetchall())
    purpose_graph = next(index for index, definition in graphs.items() if FRAUD in definition)
    assert len(graphs) == 1 + len(partitions.HINTED_PURPOSES)
    with transaction.atomic(), connection.cursor() as cursor:
        with CaptureQueriesContext(connection) as statements:
            assert search(tenant, templates[0])[1] == "hnsw"
        settings, query, _restore = statements.captured_queries[-1]["sql"].split(";")
        cursor.execute(settings)
        cursor.execute(f"EXPLAIN {query}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {purpose_graph} " in plan, plan
    assert f"{name}_hnsw " not in plan


def test_a_promoted_partition_is_vacuumed_and_analysed_soon_after_a_mass_change():
    tenant = factories.tenant()
    for _ in range(4):
        factories.template(factories.subject(tenant, consented_at=GRANTED))
    partitions.partitions_check(at_least=3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [partitions.partition_name(tenant.pk)])
        options = dict(option.split("=") for option in cursor.fetchone()[0])
    assert options == partitions.AUTOVACUUM
    stats = partitions.tenant_partition_stats(tenant.pk, FRAUD)
    assert stats == PartitionStats(rows=4, hinted=4)
