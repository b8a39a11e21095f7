"""Gated vector search per tenant partition: latency, recall against the exact eligible answer, ineligible rows.

    python bench/search.py --tenants 500000 40000x10 100x1000 --eligible 0.001 0.01 0.1 0.5 1 --json out.json

`--tenants` is the mix: a size, or SIZExCOUNT. Every tenant gets synthetic clustered 128-d unit vectors in the
REAL template table (COPY into the shared partition), one subject per template, one consent per subject: for the
benched purpose on the subjects ranked below F x n, for another purpose on the rest, so the real gate leaves a
share F of the tenant eligible. Tenants above matching.partitions.PROMOTE_AT then move to their own partitions
(timed: copy, HNSW build, attach), as the beat check would. Benched: the first tenant of each group. For each
and each F, on --queries probes (stored faces seen again, with noise):
  - facegate: matching.selectors.templates_nearest, the path match_job_run uses, gate in the statement;
  - recall@1/@5 against the exact eligible top k computed in NumPy from the generated vectors and ranks;
  - ineligible: rows returned that the gate should have kept out (must be 0);
  - exact: PostgreSQL's exact scan of the eligible rows, on --exact-queries probes only (a latency baseline).
The bench tenants' rows are deleted at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from pgvector.django import CosineDistance  # noqa: E402

from bench.synthetic import copy_rows, vectors  # noqa: E402
from consent.models import Notice, Purpose, Tenant  # noqa: E402
from matching import partitions, selectors  # noqa: E402
from matching.models import FaceTemplate  # noqa: E402
from policy.gate import templates_eligible  # noqa: E402

BENCH_PREFIX = "bench-search-"
PURPOSE, OTHER = Purpose.FRAUD_PREVENTION, Purpose.ACCESS_CONTROL
MODEL = "Dlib"
CHUNK = 50_000


class Bench:
    """One tenant of the mix: its ids, vectors and eligibility ranks, kept for the NumPy ground truth."""

    def __init__(self, tenant, notices, ids, data, ranks):
        self.tenant, self.notices, self.ids, self.data, self.ranks = tenant, notices, ids, data, ranks


def load_tenant(cursor, slug: str, n: int, rng, now) -> Bench:
    tenant = Tenant.objects.create(slug=slug, name="bench/search.py (deleted after the run)")
    notices = {
        purpose: Notice.objects.create(
            tenant=tenant,
            purpose=purpose,
            version="bench",
            text=f"bench {purpose}",
            sha256=f"{i}" * 64,
            published_at=now - timedelta(days=10),
        )
        for i, purpose in enumerate((PURPOSE, OTHER))
    }
    data = vectors(rng, n, clusters=max(10, n // 100))
    subject_ids = np.array([uuid.uuid4() for _ in range(n)])
    ids = np.array([uuid.uuid4() for _ in range(n)])
    # external_ref holds the subject's eligibility rank: the subjects ranked below F * n consent to PURPOSE.
    ranks = rng.permutation(n)
    granted = now - timedelta(days=5)
    raw = cursor.cursor
    copy_rows(
        raw,
        "consent_subject",
        "id, tenant_id, external_ref, jurisdiction_id, email, created_at, erasure_cause",
        ((sid, tenant.id, f"{rank:09d}", "ZZ", "", now, "") for sid, rank in zip(subject_ids, ranks, strict=True)),
    )
    other = notices[OTHER]
    copy_rows(
        raw,
        "consent_consent",
        "id, tenant_id, subject_id, purpose, notice_id, notice_sha256, method, evidence, granted_at",
        (
            (uuid.uuid4(), tenant.id, sid, OTHER, other.id, other.sha256, "explicit_opt_in", "{}", granted)
            for sid in subject_ids
        ),
    )
    for start in range(0, n, CHUNK):
        buffer = io.StringIO()
        for tid, sid, vec in zip(
            ids[start : start + CHUNK], subject_ids[start : start + CHUNK], data[start : start + CHUNK], strict=True
        ):
            buffer.write(
                f"{tid}\t{tenant.id}\t{sid}\t{MODEL}\tdlib\t[{','.join(f'{x:.6f}' for x in vec)}]"
                f"\t1\t{{}}\t{'0' * 64}\t{now.isoformat()}\n"
            )
        buffer.seek(0)
        with raw.copy(
            "COPY matching_facetemplate (id, tenant_id, subject_id, model_name, detector, embedding, "
            "quality, quality_measures, source_sha256, created_at) FROM STDIN"
        ) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
    return Bench(tenant, notices, ids, data, ranks)


def set_eligible(bench: Bench, fraction: float) -> int:
    cutoff = int(round(fraction * len(bench.ids)))
    p, o = bench.notices[PURPOSE], bench.notices[OTHER]
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE consent_consent c
               SET purpose = CASE WHEN s.external_ref < %s THEN %s ELSE %s END,
                   notice_id = CASE WHEN s.external_ref < %s THEN %s ELSE %s END,
                   notice_sha256 = CASE WHEN s.external_ref < %s THEN %s ELSE %s END
               FROM consent_subject s
               WHERE s.tenant_id = c.tenant_id AND s.id = c.subject_id AND c.tenant_id = %s""",
            [f"{cutoff:09d}", PURPOSE, OTHER, f"{cutoff:09d}", p.id, o.id, f"{cutoff:09d}", p.sha256, o.sha256]
            + [bench.tenant.id],
        )
        cursor.execute("VACUUM ANALYZE consent_consent")
    return cutoff


def truth(bench: Bench, eligible: np.ndarray, query: np.ndarray, k: int) -> list:
    """The exact eligible top k, from the generated vectors (unit length: cosine distance = 1 - dot)."""
    distances = 1.0 - bench.data[eligible] @ query
    return list(bench.ids[eligible][np.argsort(distances, kind="stable")[:k]])


def exact(tenant, at, query, k):
    with transaction.atomic(), selectors._local_settings(enable_indexscan="off"):
        return list(
            templates_eligible(FaceTemplate.objects.all(), tenant=tenant, purpose=PURPOSE, model=MODEL, at=at)
            .annotate(distance=CosineDistance("embedding", query))
            .order_by("distance")
            .values_list("id", flat=True)[:k]
        )


def facegate(tenant, at, query, k):
    with transaction.atomic():
        rows, path = selectors.templates_nearest(
            tenant=tenant, purpose=PURPOSE, model=MODEL, at=at, embedding=query, k=k
        )
        return [r.id for r in rows], path


def timed(fn, *args):
    started = time.perf_counter()
    out = fn(*args)
    return out, (time.perf_counter() - started) * 1000


def pct(values, q):
    return round(float(np.percentile(values, q)), 2) if values else None


def run_fraction(bench: Bench, fraction: float, queries, k: int, exact_queries: int) -> dict:
    cutoff = set_eligible(bench, fraction)
    eligible = bench.ranks < cutoff
    allowed = set(bench.ids[eligible])
    at = timezone.now()
    lat, exact_lat, r1, r5, paths, ineligible = [], [], [], [], {}, 0
    for i, query in enumerate(queries):
        (found, path), ms = timed(facegate, bench.tenant, at, query.tolist(), k)
        lat.append(ms)
        paths[path] = paths.get(path, 0) + 1
        ineligible += sum(1 for t in found if t not in allowed)
        want = truth(bench, eligible, query, k)
        if want:
            r1.append(1.0 if found[:1] == want[:1] else 0.0)
            r5.append(len(set(found) & set(want)) / len(want))
        if i < exact_queries:
            exact_lat.append(timed(exact, bench.tenant, at, query.tolist(), k)[1])
    return {
        "tenant_templates": len(bench.ids),
        "partition": "own" if partitions.tenant_partition_rows(bench.tenant.pk) is not None else "shared",
        "eligible_fraction": fraction,
        "eligible": cutoff,
        "queries": len(queries),
        "k": k,
        "facegate_p50_ms": pct(lat, 50),
        "facegate_p95_ms": pct(lat, 95),
        "recall_at_1": round(float(np.mean(r1)), 3) if r1 else None,
        "recall_at_5": round(float(np.mean(r5)), 3) if r5 else None,
        "ineligible_returned": ineligible,
        "paths": paths,
        "exact_p50_ms": pct(exact_lat, 50),
        "exact_p95_ms": pct(exact_lat, 95),
    }


def cleanup() -> None:
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


def parse_mix(values: list[str]) -> list[tuple[int, int]]:
    """['500000', '40000x10', '100x1000'] -> [(500000, 1), (40000, 10), (100, 1000)]"""
    return [(int(v.split("x")[0]), int(v.split("x")[1]) if "x" in v else 1) for v in values]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", nargs="+", default=["500000", "40000x10", "100x1000"])
    parser.add_argument("--eligible", type=float, nargs="+", default=[0.001, 0.01, 0.1, 0.5, 1.0])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--exact-queries", type=int, default=5)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the bench rows (default: delete them)")
    parser.add_argument("--ef-search", type=int, default=selectors.EF_SEARCH)
    parser.add_argument("--max-scan-tuples", type=int, default=selectors.MAX_SCAN_TUPLES)
    parser.add_argument("--candidates", type=int, default=selectors.CANDIDATES)
    args = parser.parse_args()
    selectors.EF_SEARCH, selectors.MAX_SCAN_TUPLES = args.ef_search, args.max_scan_tuples
    selectors.CANDIDATES = args.candidates
    mix = parse_mix(args.tenants)

    call_command("migrate", verbosity=0)
    cleanup()
    rng = np.random.default_rng(20261126)
    now = timezone.now()
    started = time.perf_counter()
    benched = []
    with connection.cursor() as cursor:
        for group, (size, count) in enumerate(mix):
            for i in range(count):
                bench = load_tenant(cursor, f"{BENCH_PREFIX}{group}-{i}", size, rng, now)
                if i == 0:
                    benched.append(bench)
        cursor.execute(f"ANALYZE {partitions.SHARED}; ANALYZE consent_subject; ANALYZE consent_consent")
    load_s = time.perf_counter() - started
    total = sum(size * count for size, count in mix)
    print(f"loaded {total} templates/subjects/consents ({args.tenants}) in {load_s:.1f} s", flush=True)
    builds = {}
    for bench in benched:
        if len(bench.ids) > partitions.PROMOTE_AT:
            timings = partitions.partition_promote(tenant_id=bench.tenant.pk)
            builds[len(bench.ids)] = {k: round(v, 1) for k, v in timings.items()}
            print(f"partition of {len(bench.ids)}: {builds[len(bench.ids)]}", flush=True)
    # The other large tenants too, as the beat check would (timed together).
    started = time.perf_counter()
    partitions.partitions_check()
    others_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {partitions.SHARED}")
    rows = []
    try:
        print(
            f"{'tenant':>7} {'part':>6} {'F':>6} {'elig':>7} | {'p50':>6} {'p95':>6} {'R@1':>5} {'R@5':>5} "
            f"{'inelig':>6} {'paths':>24} | {'exact p95':>9}",
            flush=True,
        )
        for bench in benched:
            picks = bench.data[rng.integers(0, len(bench.ids), args.queries)]
            queries = picks + rng.normal(scale=0.03, size=picks.shape).astype(np.float32)
            queries /= np.linalg.norm(queries, axis=1, keepdims=True)
            for fraction in args.eligible:
                row = run_fraction(bench, fraction, queries, args.k, args.exact_queries)
                rows.append(row)
                print(
                    f"{row['tenant_templates']:>7} {row['partition']:>6} {fraction:>6.3f} {row['eligible']:>7} | "
                    f"{row['facegate_p50_ms']:>6.1f} {row['facegate_p95_ms']:>6.1f} "
                    f"{row['recall_at_1'] or 0:>5.2f} {row['recall_at_5'] or 0:>5.2f} {row['ineligible_returned']:>6} "
                    f"{json.dumps(row['paths']):>24} | {row['exact_p95_ms'] or 0:>9.1f}",
                    flush=True,
                )
    finally:
        if not args.keep:
            cleanup()
    settings_used = {
        "ef_search": selectors.EF_SEARCH,
        "max_scan_tuples": selectors.MAX_SCAN_TUPLES,
        "candidates": selectors.CANDIDATES,
        "exact_below": selectors.EXACT_BELOW,
        "promote_at": partitions.PROMOTE_AT,
        "build": partitions.BUILD_SETTINGS,
    }
    if args.json:
        out = {
            "tenants": args.tenants,
            "templates": total,
            "load_s": round(load_s, 1),
            "partition_builds": builds,
            "other_partitions_s": round(others_s, 1),
            "settings": settings_used,
            "rows": rows,
        }
        args.json.write_text(json.dumps(out, indent=2))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
