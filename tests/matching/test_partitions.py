"""Templates partitioned by tenant: a tenant's search reads its own partition only, and promoting a tenant to
its own partition (with its own HNSW graph) keeps every template findable and the gate intact."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from pgvector.django import CosineDistance

from matching import partitions, selectors
from matching.models import FaceTemplate
from policy import gate
from tests import factories
from tests.factories import FRAUD, GRANTED, MODEL

pytestmark = pytest.mark.django_db


def plan(tenant, probe) -> str:
    eligible = gate.templates_eligible(
        FaceTemplate.objects.all(), tenant=tenant, purpose=FRAUD, model=MODEL, at=timezone.now()
    )
    return eligible.annotate(distance=CosineDistance("embedding", probe)).order_by("distance")[:5].explain()


def nearest(tenant, template, k=5):
    with transaction.atomic():
        rows, path = selectors.templates_nearest(
            tenant=tenant, purpose=FRAUD, model=MODEL, at=timezone.now(), embedding=list(template.embedding), k=k
        )
    return [r.id for r in rows], path


def shared_rows(tenant) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {partitions.SHARED} WHERE tenant_id = %s", [tenant.pk])
        return cursor.fetchone()[0]


def test_a_tenants_search_reads_only_its_partition():
    big, small = factories.tenant(), factories.tenant()
    mine = [factories.template(factories.subject(big, consented_at=GRANTED)) for _ in range(3)]
    factories.template(factories.subject(small, consented_at=GRANTED))
    call_command("partition_tenants", "--tenant", big.slug)
    own = partitions.partition_name(big.pk)
    probe = list(mine[0].embedding)
    big_plan, small_plan = plan(big, probe), plan(small, probe)
    assert own in big_plan and partitions.SHARED not in big_plan
    assert partitions.SHARED in small_plan and own not in small_plan


def test_promotion_keeps_every_template_findable_and_the_gate_intact(monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_BELOW", 0)  # any eligible share takes the graph once there is one
    tenant, neighbour = factories.tenant(), factories.tenant()
    eligible = [factories.template(factories.subject(tenant, consented_at=GRANTED)) for _ in range(20)]
    blocked = [factories.template(factories.subject(tenant)) for _ in range(10)]
    other = factories.template(factories.subject(neighbour, consented_at=GRANTED))
    assert nearest(tenant, eligible[0])[1] == "exact"  # the shared partition has no graph

    promoted = partitions.partitions_check(at_least=len(eligible + blocked) - 1)

    assert list(promoted) == [str(tenant.pk)] and promoted[str(tenant.pk)]["hnsw_build_s"] >= 0
    assert partitions.tenant_partition_rows(tenant.pk) == 30 and shared_rows(tenant) == 0
    assert FaceTemplate.objects.filter(tenant=tenant).count() == 30
    for template in eligible:
        assert nearest(tenant, template, 1) == ([template.id], "hnsw")
    allowed = {t.id for t in eligible}
    for template in blocked:
        ids, _ = nearest(tenant, template)
        assert len(ids) == 5 and set(ids) <= allowed
    assert nearest(neighbour, other, 1) == ([other.id], "exact")
    # an enrolment after promotion lands in the tenant's partition
    late = factories.template(factories.subject(tenant, consented_at=GRANTED))
    assert nearest(tenant, late, 1) == ([late.id], "hnsw") and shared_rows(tenant) == 0
    assert partitions.partition_promote(tenant_id=tenant.pk) == {}  # once only


def test_promotion_takes_along_what_changed_during_the_build():
    tenant = factories.tenant()
    kept, erased, matched = (factories.template(factories.subject(tenant, consented_at=GRANTED)) for _ in range(3))
    partitions.partition_build(tenant_id=tenant.pk)
    # Meanwhile (the copy and the graph build take minutes at scale): an erasure, an enrolment, a match.
    FaceTemplate.objects.filter(pk=erased.pk).delete()
    late = factories.template(kept.subject)
    FaceTemplate.objects.filter(pk=matched.pk).update(last_matched_at=timezone.now())
    partitions.partition_attach(tenant_id=tenant.pk)
    assert set(FaceTemplate.objects.filter(tenant=tenant).values_list("id", flat=True)) == {
        kept.id,
        matched.id,
        late.id,
    }
    assert FaceTemplate.objects.get(pk=matched.pk).last_matched_at is not None and shared_rows(tenant) == 0
    assert partitions.tenant_partition_rows(tenant.pk) == 3
