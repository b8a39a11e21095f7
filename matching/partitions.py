"""Templates partitioned by tenant: large tenants in their own partition with their own HNSW index, small
tenants together in the shared (default) partition, searched exactly.

A tenant's search names its tenant_id, so PostgreSQL prunes it to one partition: a large tenant's graph holds
its own templates only, and the eligible share that chooses the search path is a share of that tenant.

Promotion moves a tenant out of the shared partition online: the copy and the HNSW build run on a table
nobody reads yet; the catch-up, the delete from the shared partition and the validation of its CHECK run under
locks that let every reader and writer of other tenants go on; only the ATTACH, which scans nothing, locks the
shared partition (partition_attach; bench/promotion.py measures it).
"""

from __future__ import annotations

import time
import uuid
from typing import NamedTuple

from django.db import OperationalError, connection, transaction

from core.replica import search_connection
from core.retry import is_retryable

TEMPLATES = "matching_facetemplate"
SHARED = "matching_facetemplate_shared"
# A tenant with more templates than this gets its own partition: at 10,000 rows an exact scan of 128-d vectors
# costs a few milliseconds; above it the HNSW graph wins (bench/search.py --tenants).
PROMOTE_AT = 10_000
# HNSW build: memory for the graph (a 500k x 128-d graph fits in ~400 MB) and parallel workers.
BUILD_SETTINGS = {"maintenance_work_mem": "1GB", "max_parallel_maintenance_workers": "2"}
HNSW = "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
# The purposes a tenant searches among others, each with a partial index of its hinted templates (migration 0008).
HINTED_PURPOSES = ("fraud_prevention", "access_control")
# The longest a promotion's ACCESS EXCLUSIVE statement waits for the lock (queueing everyone behind it) before it
# gives up and is retried.
LOCK_TIMEOUT = "500ms"
LOCK_ATTEMPTS = 5
# The last attempt waits past deadlock_timeout (1 s by default): only a wait that long makes PostgreSQL cancel an
# autovacuum holding the lock, and one starts on a freshly filled partition (the 1M bench failed all five 500 ms
# attempts behind the autovacuum of a 500,000-row tenant's new partition).
LAST_LOCK_TIMEOUT = "3s"
# A tenant partition's statistics are refreshed by autovacuum soon after a mass change (a consent campaign rewrites
# hints, leaving dead row versions the graph's scan would fetch): ANALYZE after 2 % of its rows changed (it keeps
# the hinted share that picks the search path), VACUUM after 5 % (PostgreSQL's defaults: 10 % and 20 %).
AUTOVACUUM = {"autovacuum_analyze_scale_factor": "0.02", "autovacuum_vacuum_scale_factor": "0.05"}
# How long a process reuses a partition's statistics for its searches' path choice (they change at ANALYZE only).
STATS_TTL_S = 10.0


def hinted(purpose: str) -> str:
    """A template's hint names `purpose`, one of HINTED_PURPOSES: as a literal, the partial index's own predicate."""
    return f"purposes_hint @> ARRAY['{purpose}']::varchar(32)[]"


def partition_name(tenant_id) -> str:
    return f"{TEMPLATES}_t{uuid.UUID(str(tenant_id)).hex}"


def tenant_partition_rows(tenant_id) -> int | None:
    """The planner's row count of the tenant's own partition, or None when the tenant is in the shared one."""
    with search_connection().cursor() as cursor:
        cursor.execute(
            """SELECT c.reltuples FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = %s::regclass AND c.relname = %s""",
            [TEMPLATES, partition_name(tenant_id)],
        )
        row = cursor.fetchone()
    return None if row is None else max(0, int(row[0]))


class PartitionStats(NamedTuple):
    rows: int  # the tenant partition's rows, as the planner counts them
    hinted: int  # ... and those whose hint names the purpose (the partial index's entries)


_stats: dict[tuple[str, str, str], tuple[float, PartitionStats | None]] = {}


def tenant_partition_stats(tenant_id, purpose: str) -> PartitionStats | None:
    """The statistics of the tenant's own partition for `purpose` (one of HINTED_PURPOSES), or None when the tenant
    is in the shared partition; reused for STATS_TTL_S. They only choose a search path, never who is eligible."""
    alias = search_connection().alias
    key = (alias, str(tenant_id), purpose)
    now = time.monotonic()
    cached = _stats.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    with search_connection().cursor() as cursor:
        cursor.execute(
            """SELECT c.reltuples, ix.reltuples FROM pg_class c
               LEFT JOIN pg_index i ON i.indrelid = c.oid AND pg_get_expr(i.indpred, i.indrelid) LIKE %s
               LEFT JOIN pg_class ix ON ix.oid = i.indexrelid
               WHERE c.relname = %s AND c.relispartition""",
            [f"%{purpose}%", partition_name(tenant_id)],
        )
        row = cursor.fetchone()
    stats = None if row is None else PartitionStats(max(0, int(row[0])), max(0, int(row[1] or 0)))
    _stats[key] = (now + STATS_TTL_S, stats)
    return stats


def stats_forget() -> None:
    """Forget the cached statistics (a promotion or a test changed them)."""
    _stats.clear()


def templates_hnsw_indexes(cursor) -> list[str]:
    """Every HNSW index on a partition of the template table."""
    cursor.execute(
        """SELECT i.indexrelid::regclass::text FROM pg_index i
           JOIN pg_inherits p ON p.inhrelid = i.indrelid
           JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
           WHERE p.inhparent = %s::regclass AND am.amname = 'hnsw'""",
        [TEMPLATES],
    )
    return [row[0] for row in cursor.fetchall()]


def tenants_to_promote(*, at_least: int = PROMOTE_AT) -> list[uuid.UUID]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tenant_id FROM {SHARED} GROUP BY tenant_id HAVING count(*) > %s ORDER BY count(*) DESC",
            [at_least],
        )
        return [row[0] for row in cursor.fetchall()]


def _set(cursor, settings: dict) -> None:
    for name, value in settings.items():
        cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


def partition_promote(*, tenant_id) -> dict:
    """Move a tenant's templates from the shared partition to its own, with its own HNSW index. Returns timings.

    Readers and writers of other partitions never wait; those of the shared partition wait only for its ATTACH,
    which scans nothing (partition_attach). Idempotent: an existing partition is left alone.
    """
    if tenant_partition_rows(tenant_id) is not None:
        return {}
    timings = partition_build(tenant_id=tenant_id)
    started = time.perf_counter()
    timings.update(partition_attach(tenant_id=tenant_id))
    timings["attach_s"] = time.perf_counter() - started
    return timings


def partition_build(*, tenant_id) -> dict:
    """The tenant's future partition, detached: a copy of its rows from the shared partition, keys, HNSW index."""
    name, tenant = partition_name(tenant_id), uuid.UUID(str(tenant_id))
    timings = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")  # left over by an attempt that did not finish
        # The CHECK lets ATTACH skip validating the new partition's rows under its lock.
        cursor.execute(
            f"""CREATE TABLE {name} (LIKE {TEMPLATES} INCLUDING DEFAULTS,
                    CONSTRAINT {name}_tenant CHECK (tenant_id = %s))""",
            [tenant],
        )
        cursor.execute(f"INSERT INTO {name} SELECT * FROM {SHARED} WHERE tenant_id = %s", [tenant])
        timings["copy_s"] = time.perf_counter() - started
        # The parent's keys and indexes, built here so that ATTACH adopts them instead of building them.
        cursor.execute(
            f"""ALTER TABLE {name}
                    ADD PRIMARY KEY (tenant_id, id), ADD UNIQUE (tenant_id, enrollment_id),
                    ADD FOREIGN KEY (tenant_id) REFERENCES consent_tenant (id) DEFERRABLE INITIALLY DEFERRED,
                    ADD FOREIGN KEY (tenant_id, subject_id) REFERENCES consent_subject (tenant_id, id)
                        DEFERRABLE INITIALLY DEFERRED,
                    ADD FOREIGN KEY (enrollment_id) REFERENCES matching_enrollment (id)
                        DEFERRABLE INITIALLY DEFERRED"""
        )
        for columns in ("id", "subject_id", "enrollment_id", "tenant_id, model_name", "tenant_id, subject_id"):
            cursor.execute(f"CREATE INDEX ON {name} ({columns})")
        for purpose in HINTED_PURPOSES:
            cursor.execute(f"CREATE INDEX ON {name} (tenant_id, model_name) WHERE {hinted(purpose)}")
        cursor.execute(f"ALTER TABLE {name} SET ({', '.join(f'{k} = {v}' for k, v in AUTOVACUUM.items())})")
        started = time.perf_counter()
        cursor.execute("SHOW maintenance_work_mem")
        previous = {"maintenance_work_mem": cursor.fetchone()[0]}
        cursor.execute("SHOW max_parallel_maintenance_workers")
        previous["max_parallel_maintenance_workers"] = cursor.fetchone()[0]
        _set(cursor, BUILD_SETTINGS)
        try:
            cursor.execute(f"CREATE INDEX {name}_hnsw ON {name} {HNSW}")
        finally:
            _set(cursor, previous)
        timings["hnsw_build_s"] = time.perf_counter() - started
    return timings


def _tenant_key(tenant: uuid.UUID) -> str:
    return f"hashtextextended('{tenant}'::text, 0)"


def _catch_up(cursor, name: str, tenant: uuid.UUID) -> None:
    """What happened to the tenant's templates since the copy (erased, enrolled, matched), rows that differ only:
    each rewritten row is another insert into the HNSW graph."""
    cursor.execute(
        f"""DELETE FROM {name} p WHERE NOT EXISTS
                (SELECT 1 FROM {SHARED} s WHERE s.tenant_id = p.tenant_id AND s.id = p.id)"""
    )
    cursor.execute(
        f"""INSERT INTO {name} SELECT * FROM {SHARED} s WHERE s.tenant_id = %s
            AND NOT EXISTS (SELECT 1 FROM {name} p WHERE p.tenant_id = s.tenant_id AND p.id = s.id)""",
        [tenant],
    )
    cursor.execute(
        f"""UPDATE {name} p SET last_matched_at = s.last_matched_at, enrollment_id = s.enrollment_id,
                purposes_hint = s.purposes_hint
            FROM {SHARED} s WHERE s.tenant_id = p.tenant_id AND s.id = p.id
            AND (s.last_matched_at, s.enrollment_id, s.purposes_hint)
                IS DISTINCT FROM (p.last_matched_at, p.enrollment_id, p.purposes_hint)"""
    )


def _locked(cursor, *statements: tuple[str, list], before=None) -> dict:
    """Statements taking ACCESS EXCLUSIVE on the shared partition, after `before` (the long phase), in a savepoint.
    Each waits at most LOCK_TIMEOUT for its lock rather than queue every reader behind it; then the savepoint is
    rolled back, which also frees any writer waiting on the long phase's row locks (it then yields: migration
    0012), and all is tried again. Returns the seconds of the long phase and of the locking statements."""
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                # Keys checked per statement: ALTER TABLE refuses a table with deferred checks pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                started = time.perf_counter()
                if before is not None:
                    before()
                long_phase = time.perf_counter() - started
                timeout = LOCK_TIMEOUT if attempt < LOCK_ATTEMPTS else LAST_LOCK_TIMEOUT
                cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
                started = time.perf_counter()
                for statement, params in statements:
                    cursor.execute(statement, params)
                locked = time.perf_counter() - started
                cursor.execute("SET LOCAL lock_timeout = 0")
                return {"long_phase_s": long_phase, "lock_s": locked, "lock_attempts": attempt}
        except OperationalError as exc:
            if not is_retryable(exc) or attempt == LOCK_ATTEMPTS:
                raise
            time.sleep(0.1 * attempt)
    raise AssertionError("unreachable")


def partition_attach(*, tenant_id, paused=None) -> dict:
    """Catch up with writes made since partition_build, then attach; returns the seconds of each step.

    No step holds a strong lock on the shared partition for longer than its ATTACH, which scans nothing: the new
    partition's CHECK proves its rows are the tenant's, and a CHECK on the shared partition, added NOT VALID (no
    scan) and validated under SHARE UPDATE EXCLUSIVE (readers and writers go on), proves none of the tenant's rows
    are left there. The tenant's own template writes yield for those steps (its advisory lock, migration 0012);
    its searches read its rows in the shared partition until the ATTACH commits. `paused`: called in the long
    phase (tests).
    """
    name, tenant = partition_name(tenant_id), uuid.UUID(str(tenant_id))
    guard = f"{SHARED}_not_t{tenant.hex}"
    timings: dict = {}
    with connection.cursor() as cursor:
        # Session-level: held across the transactions below. Waits for the tenant's writers in flight.
        cursor.execute(f"SELECT pg_advisory_lock({_tenant_key(tenant)})")
        try:
            with transaction.atomic():  # the tenant's writers in flight have committed; later ones yield
                started = time.perf_counter()
                _catch_up(cursor, name, tenant)
                timings["catch_up_s"] = time.perf_counter() - started
            with transaction.atomic():
                added = _locked(
                    cursor, (f"ALTER TABLE {SHARED} ADD CONSTRAINT {guard} CHECK (tenant_id <> %s) NOT VALID", [tenant])
                )
                timings["guard_lock_s"] = added["lock_s"]

            def long_phase():
                cursor.execute(f"DELETE FROM {SHARED} WHERE tenant_id = %s", [tenant])
                cursor.execute(f"ALTER TABLE {SHARED} VALIDATE CONSTRAINT {guard}")
                if paused is not None:
                    paused()

            with transaction.atomic():
                attached = _locked(
                    cursor,
                    (f"ALTER TABLE {TEMPLATES} ATTACH PARTITION {name} FOR VALUES IN (%s)", [tenant]),
                    (f"ALTER TABLE {SHARED} DROP CONSTRAINT {guard}", []),
                    (f"ALTER TABLE {name} DROP CONSTRAINT {name}_tenant", []),
                    before=long_phase,
                )
                timings.update(
                    long_phase_s=attached["long_phase_s"],
                    attach_lock_s=attached["lock_s"],
                    attach_attempts=attached["lock_attempts"],
                )
        except BaseException:
            with transaction.atomic():  # before the tenant's writers may write again
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {SHARED} DROP CONSTRAINT IF EXISTS {guard}")
            raise
        finally:
            cursor.execute(f"SELECT pg_advisory_unlock({_tenant_key(tenant)})")
        cursor.execute(f"ANALYZE {name}")  # the planner's row count chooses the search path; outside the lock
    stats_forget()
    return timings


def partitions_check(*, at_least: int = PROMOTE_AT) -> dict:
    """Promote every tenant of the shared partition with more than `at_least` templates (the hourly beat check)."""
    return {
        str(tenant_id): partition_promote(tenant_id=tenant_id) for tenant_id in tenants_to_promote(at_least=at_least)
    }
