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


def test_the_graph_walk_widens_as_the_hinted_share_falls():
    def ef(hinted):
        return selectors.graph_settings(PartitionStats(rows=500_000, hinted=hinted), limit=10)

    everyone, tenth, twentieth = ef(500_000), ef(50_000), ef(25_000)
    assert everyone == {"hnsw.ef_search": selectors.EF_SEARCH, "hnsw.max_scan_tuples": selectors.MAX_SCAN_TUPLES_MIN}
    assert tenth["hnsw.ef_search"] == 200 and twentieth["hnsw.ef_search"] == 400
    assert tenth["hnsw.max_scan_tuples"] == 10_000
    assert ef(100)["hnsw.ef_search"] == selectors.EF_SEARCH_MAX
    assert ef(100)["hnsw.max_scan_tuples"] == selectors.MAX_SCAN_TUPLES


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
