"""bench/search.py's data: a tenant mix loaded by binary COPY into the real tables, its eligibility, its truth.

Every tenant gets synthetic clustered 128-d unit vectors, one subject per template and one consent per subject.
A subject's external_ref is its eligibility rank: the subjects ranked below F x n consent to the benched purpose,
the rest to another one, so the real gate (consents, notices, orders, retention) leaves a share F eligible.
"""

from __future__ import annotations

import struct
import time
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
from django.db import connection, transaction

from bench.synthetic import copy_binary, pg_text, pg_time, pg_vector, uuids, vectors
from consent.models import Notice, Purpose, Tenant
from matching import partitions

BENCH_PREFIX = "bench-search-"
PURPOSE, OTHER = Purpose.FRAUD_PREVENTION, Purpose.ACCESS_CONTROL
MODEL = "Dlib"
JURISDICTION = "ZZ"


class Bench:
    """One benched tenant: its template and subject ids ((n, 16) bytes, row i's template is subject i's), vectors
    and eligibility ranks, for the NumPy truth."""

    def __init__(self, tenant, notices, ids, subject_ids, data, ranks):
        self.tenant, self.notices, self.ids, self.subject_ids = tenant, notices, ids, subject_ids
        self.data, self.ranks = data, ranks

    def __len__(self) -> int:
        return len(self.ids)

    def eligible(self, fraction: float) -> np.ndarray:
        return self.ranks < int(round(fraction * len(self)))

    def truth(self, eligible: np.ndarray, query: np.ndarray, k: int) -> list[bytes]:
        """The exact eligible top k (unit vectors: cosine distance = 1 - dot), as 16-byte ids."""
        distances = 1.0 - self.data[eligible] @ query
        return [row.tobytes() for row in self.ids[eligible][np.argsort(distances, kind="stable")[:k]]]


def _tenants(group: int, count: int, now) -> list[tuple[Tenant, dict]]:
    tenants = Tenant.objects.bulk_create(
        [
            Tenant(slug=f"{BENCH_PREFIX}{group}-{i}", name="bench/search.py (deleted after the run)")
            for i in range(count)
        ]
    )
    notices = Notice.objects.bulk_create(
        [
            Notice(
                tenant=t,
                purpose=purpose,
                version="bench",
                text=f"bench {purpose}",
                sha256=f"{j}" * 64,
                published_at=now - timedelta(days=10),
            )
            for t in tenants
            for j, purpose in enumerate((PURPOSE, OTHER))
        ]
    )
    return [(t, {PURPOSE: notices[2 * i], OTHER: notices[2 * i + 1]}) for i, t in enumerate(tenants)]


def _add(seconds: dict, step: str, started: float) -> float:
    now = time.perf_counter()
    seconds[step] = seconds.get(step, 0.0) + now - started
    return now


def load_group(cursor, group: int, size: int, count: int, rng, now, seconds: dict) -> Bench:
    """`count` tenants of `size` templates each (subjects, consents, templates), three COPYs in all. Returns the
    first tenant, the benched one; adds the time of each step to `seconds`."""
    started = time.perf_counter()
    tenants = _tenants(group, count, now)
    n = size * count
    data = np.concatenate([vectors(rng, size, clusters=max(10, size // 100)) for _ in range(count)])
    ranks = np.concatenate([rng.permutation(size) for _ in range(count)])
    subject_ids, template_ids, consent_ids = uuids(rng, n), uuids(rng, n), uuids(rng, n)
    tenant_ids = np.repeat(np.array([np.frombuffer(t.id.bytes, dtype=np.uint8) for t, _ in tenants]), size, axis=0)
    # Every consent starts for the other purpose; set_eligible moves the lowest ranks to the benched one.
    notice_ids = np.repeat(np.array([np.frombuffer(n[OTHER].id.bytes, dtype=np.uint8) for _, n in tenants]), size, 0)
    at, granted = pg_time(now), pg_time(now - timedelta(days=5))
    raw = cursor.cursor
    started = _add(seconds, "generate", started)
    copy_binary(
        raw,
        "consent_subject",
        n,
        {
            "id": subject_ids,
            "tenant_id": tenant_ids,
            "external_ref": pg_text([f"{r:09d}" for r in ranks]),
            "jurisdiction_id": JURISDICTION.encode(),
            "email": b"",
            "email_canonical": b"",
            "created_at": at,
            "erasure_cause": b"",
        },
    )
    started = _add(seconds, "copy_subjects", started)
    copy_binary(
        raw,
        "consent_consent",
        n,
        {
            "id": consent_ids,
            "tenant_id": tenant_ids,
            "subject_id": subject_ids,
            "purpose": OTHER.encode(),
            "notice_id": notice_ids,
            "notice_sha256": tenants[0][1][OTHER].sha256.encode(),
            "method": b"explicit_opt_in",
            "evidence": b"\x01{}",  # jsonb: version 1, then the text
            "granted_at": granted,
        },
    )
    started = _add(seconds, "copy_consents", started)
    copy_binary(
        raw,
        "matching_facetemplate",
        n,
        {
            "id": template_ids,
            "tenant_id": tenant_ids,
            "subject_id": subject_ids,
            "model_name": MODEL.encode(),
            "detector": b"dlib",
            "embedding": pg_vector(data),
            "quality": struct.pack(">d", 1.0),
            "quality_measures": b"\x01{}",
            "source_sha256": b"0" * 64,
            "created_at": at,
        },
    )
    _add(seconds, "copy_templates", started)
    tenant, notices = tenants[0]
    return Bench(tenant, notices, template_ids[:size], subject_ids[:size], data[:size], ranks[:size])


def set_eligible(bench: Bench, fraction: float) -> int:
    """Consents for the benched purpose on the subjects ranked below fraction x n, for the other one on the rest:
    only the consents whose purpose changes are rewritten."""
    cutoff = f"{int(round(fraction * len(bench))):09d}"
    p, o = bench.notices[PURPOSE], bench.notices[OTHER]
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE consent_consent c
               SET purpose = CASE WHEN s.external_ref < %s THEN %s ELSE %s END,
                   notice_id = CASE WHEN s.external_ref < %s THEN %s ELSE %s END,
                   notice_sha256 = CASE WHEN s.external_ref < %s THEN %s ELSE %s END
               FROM consent_subject s
               WHERE s.tenant_id = c.tenant_id AND s.id = c.subject_id AND c.tenant_id = %s
                 AND (s.external_ref < %s) <> (c.purpose = %s)""",
            [cutoff, PURPOSE, OTHER, cutoff, p.id, o.id, cutoff, p.sha256, o.sha256, bench.tenant.id, cutoff, PURPOSE],
        )
        cursor.execute("VACUUM ANALYZE consent_consent")
        # The hints the change rewrote left dead row versions in the tenant's partition: its autovacuum settings
        # (matching.partitions.AUTOVACUUM) start a vacuum within a minute; the bench runs it at once, and the
        # search reads the fresh hinted share.
        if partitions.tenant_partition_rows(bench.tenant.pk) is not None:
            cursor.execute(f"VACUUM ANALYZE {partitions.partition_name(bench.tenant.pk)}")
    partitions.stats_forget()
    return int(cutoff)


def cleanup() -> None:
    """Drop every bench tenant: their partitions, then their rows."""
    tenants = list(Tenant.objects.filter(slug__startswith=BENCH_PREFIX).values_list("id", flat=True))
    if not tenants:
        return
    with connection.cursor() as cursor:
        for tenant_id in tenants:
            cursor.execute(f"DROP TABLE IF EXISTS {partitions.partition_name(tenant_id)}")
        for table in ("matching_facetemplate", "consent_consent", "consent_subject", "consent_notice"):
            cursor.execute(f"DELETE FROM {table} WHERE tenant_id = ANY(%s)", [tenants])
        cursor.execute("DELETE FROM consent_tenant WHERE id = ANY(%s)", [tenants])
        cursor.execute(f"VACUUM ANALYZE {partitions.SHARED}, consent_consent, consent_subject")


def _hint_lookup(index_definition: str) -> bool:
    return "(subject_id" in index_definition or "(tenant_id, subject_id" in index_definition


@contextmanager
def built_after(cursor, tables: list[str], seconds: dict):
    """The tables' foreign keys and plain indexes (those backing no constraint) dropped for the load, then built
    again from their own definitions, all in one transaction (nobody sees the tables without them): PostgreSQL
    then sorts each index once and checks each key with one join over the loaded rows, instead of a B-tree insert
    per row and index, and a lookup and row lock per row and key (most of the load's time otherwise)."""
    cursor.execute(
        """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])""",
        [tables],
    )
    keys = cursor.fetchall()
    cursor.execute(
        """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
           WHERE indrelid = ANY(%s::regclass[])
             AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)""",
        [tables],
    )
    # The purposes-hint triggers look consents and templates up by subject for every row loaded: those indexes stay.
    indexes = [(name, definition) for name, definition in cursor.fetchall() if not _hint_lookup(definition)]
    with transaction.atomic():
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")  # each B-tree sorted in memory
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield
        started = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        started = _add(seconds, "indexes", started)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        _add(seconds, "foreign_keys", started)


def load_mix(mix: list[tuple[int, int]], rng, now) -> tuple[list[Bench], dict]:
    """Load the mix into the shared partition, its indexes and foreign keys built after the load, then VACUUM
    ANALYZE. Returns the benched tenants and the seconds of each step."""
    benched: list[Bench] = []
    seconds: dict[str, float] = {}
    with connection.cursor() as cursor:
        with built_after(cursor, ["consent_subject", "consent_consent", "matching_facetemplate"], seconds):
            for group, (size, count) in enumerate(mix):
                benched.append(load_group(cursor, group, size, count, rng, now, seconds))
        started = time.perf_counter()
        cursor.execute(f"VACUUM ANALYZE {partitions.SHARED}, consent_subject, consent_consent")
        _add(seconds, "vacuum_analyze", started)
    return benched, {f"{step}_s": round(value, 1) for step, value in seconds.items()}
