"""A promotion during traffic: while it holds its long phase (the tenant's rows deleted from the shared partition,
the shared partition's CHECK validated), another tenant of the shared partition searches and enrols, and no lock
that would stop them is held; the promoted tenant's own template writes yield (migration 0012)."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from matching import partitions
from matching.models import FaceTemplate
from tests import factories
from tests.factories import GRANTED
from tests.matching.test_partitions import nearest

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(work):
    """`work` on its own connection; returns its result or raises its error."""
    found: dict = {}

    def run():
        try:
            found["result"] = work()
        except BaseException as exc:  # handed to the caller
            found["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "blocked by the promotion"
    if "error" in found:
        raise found["error"]
    return found["result"]


def strong_locks_on_shared() -> list[str]:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE relation = %s::regclass AND mode IN ('AccessExclusiveLock', 'ExclusiveLock')",
            [partitions.SHARED],
        )
        return [row[0] for row in cursor.fetchall()]


def test_another_tenant_searches_and_enrols_during_the_long_phase():
    tenant, neighbour = factories.tenant(), factories.tenant()
    mine = [factories.template(factories.subject(tenant, consented_at=GRANTED)) for _ in range(12)]
    theirs = factories.template(factories.subject(neighbour, consented_at=GRANTED))
    newcomer = factories.subject(neighbour, consented_at=GRANTED)
    seen: dict = {}

    def during_long_phase():
        seen["locks"] = in_thread(strong_locks_on_shared)
        seen["search"] = in_thread(lambda: nearest(neighbour, theirs, 1))
        seen["enrolled"] = in_thread(lambda: factories.template(newcomer).id)
        seen["own_search"] = in_thread(lambda: nearest(tenant, mine[0], 1)[0])

        def own_insert():
            with transaction.atomic():
                factories.template(mine[1].subject)

        with pytest.raises(OperationalError, match="being moved"):  # core.retry runs it again
            in_thread(own_insert)

    timings = partitions.partition_build(tenant_id=tenant.pk)
    timings |= partitions.partition_attach(tenant_id=tenant.pk, paused=during_long_phase)

    assert seen["locks"] == []
    assert seen["search"] == ([theirs.id], "exact")
    assert seen["own_search"] == [mine[0].id]  # still read from the shared partition, as it was
    assert FaceTemplate.objects.filter(pk=seen["enrolled"], tenant=neighbour).exists()
    assert partitions.tenant_partition_rows(tenant.pk) == 12
    assert FaceTemplate.objects.filter(tenant=tenant).count() == 12
    with connection.cursor() as cursor:  # nothing left behind on the shared partition
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'c'", [partitions.SHARED]
        )
        assert cursor.fetchone()[0] == 0
    assert {"catch_up_s", "guard_lock_s", "long_phase_s", "attach_lock_s"} <= set(timings)
