"""Gated vector search per tenant partition: latency, recall against the exact eligible answer, ineligible rows.

    FACEGATE_DATA_DIR=/tmp/fg-1m python bench/search.py --tenants 500000 40000x10 100x1000 --json out.json

`--tenants` is the mix: a size, or SIZExCOUNT (bench/search_data.py: synthetic templates, subjects and consents
loaded by binary COPY into the REAL tables, a share F of each tenant eligible through the real gate). Tenants above
matching.partitions.PROMOTE_AT then move to their own partitions with matching.partitions.partition_promote, as
the beat check would (timed per partition: copy, B-trees and HNSW build, locking attach). Benched: the first
tenant of each group. For each and each F, on --queries probes (stored faces seen again, with noise):
  - facegate: matching.selectors.templates_nearest, the path match_job_run uses, gate in the statement;
  - recall@1/@5 against the exact eligible top k computed in NumPy from the generated vectors and ranks;
  - ineligible: rows returned that the gate should have kept out (must be 0);
  - exact: PostgreSQL's exact scan of the eligible rows, on --exact-queries probes only (a latency baseline);
  - numpy, faiss: the physical limit on the same vectors and eligibility (bench/search_baselines.py), and Facegate's
    p50 and p95 as multiples of the best of them (x p50, x p95).
The bench tenants' rows are deleted at the end (unless --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# NumPy's baseline on one core: its BLAS reads these as it loads.
os.environ.update(OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from pgvector.django import CosineDistance  # noqa: E402

from bench.search_baselines import Baselines, ratios  # noqa: E402
from bench.search_data import MODEL, PURPOSE, Bench, cleanup, load_mix, set_eligible  # noqa: E402
from bench.stack import percentile  # noqa: E402
from matching import partitions, selectors  # noqa: E402
from matching.models import FaceTemplate  # noqa: E402
from policy.gate import templates_eligible  # noqa: E402


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


def run_fraction(bench: Bench, baselines: Baselines, fraction: float, queries, k: int, exact_queries: int) -> dict:
    cutoff = set_eligible(bench, fraction)
    eligible = bench.eligible(fraction)
    allowed = {row.tobytes() for row in bench.ids[eligible]}
    at = timezone.now()
    lat, exact_lat, r1, r5, ineligible = [], [], [], [], 0
    paths: dict[str, int] = {}
    for i, query in enumerate(queries):
        (found, path), ms = timed(facegate, bench.tenant, at, query.tolist(), k)
        lat.append(ms)
        paths[path] = paths.get(path, 0) + 1
        found = [t.bytes for t in found]
        ineligible += sum(1 for t in found if t not in allowed)
        want = bench.truth(eligible, query, k)
        if want:
            r1.append(1.0 if found[:1] == want[:1] else 0.0)
            r5.append(len(set(found) & set(want)) / len(want))
        if i < exact_queries:
            exact_lat.append(timed(exact, bench.tenant, at, query.tolist(), k)[1])
    row = {
        "tenant_templates": len(bench),
        "partition": "own" if partitions.tenant_partition_rows(bench.tenant.pk) is not None else "shared",
        "eligible_fraction": fraction,
        "eligible": cutoff,
        "queries": len(queries),
        "k": k,
        "facegate_p50_ms": percentile(lat, 50),
        "facegate_p95_ms": percentile(lat, 95),
        "recall_at_1": round(float(np.mean(r1)), 3) if r1 else None,
        "recall_at_5": round(float(np.mean(r5)), 3) if r5 else None,
        "ineligible_returned": ineligible,
        "paths": paths,
        "graph_settings": _graph_settings(bench, k),
        "exact_queries": len(exact_lat),
        "exact_p50_ms": percentile(exact_lat, 50),
        "exact_p95_ms": percentile(exact_lat, 95),
        **baselines.run(eligible, queries, k),
    }
    return {**row, **ratios(row)} if "numpy_p50_ms" in row else row


def _graph_settings(bench: Bench, k: int) -> dict | None:
    """The ef_search and max_scan_tuples a walk of the tenant's graph uses at this share (None: no graph)."""
    stats = partitions.tenant_partition_stats(bench.tenant.pk, PURPOSE)
    return None if stats is None else selectors.graph_settings(stats, selectors.CANDIDATES * k)


def parse_mix(values: list[str]) -> list[tuple[int, int]]:
    """['500000', '40000x10', '100x1000'] -> [(500000, 1), (40000, 10), (100, 1000)]"""
    return [(int(v.split("x")[0]), int(v.split("x")[1]) if "x" in v else 1) for v in values]


def promote(tenant_id) -> dict:
    """partition_promote, timed, with the build's own messages about its workers and memory (DEBUG1 and up)."""
    messages = []

    def keep(diagnostic):
        messages.append(diagnostic.message_primary or "")

    connection.ensure_connection()
    connection.connection.add_notice_handler(keep)
    with connection.cursor() as cursor:
        cursor.execute("SET client_min_messages = debug1")
        try:
            timings = partitions.partition_promote(tenant_id=tenant_id)
        finally:
            cursor.execute("RESET client_min_messages")
            connection.connection.remove_notice_handler(keep)
    out = {name: round(value, 1) for name, value in timings.items()}
    out["load_average_1m"] = round(os.getloadavg()[0], 1)  # the machine is shared: how busy it was
    # pgvector's "using N parallel workers" and "hnsw graph no longer fits into maintenance_work_mem".
    out["build_messages"] = sorted({m for m in messages if m.startswith("using") or "maintenance_work_mem" in m})
    return out


def promote_all(benched: list[Bench], size_of: dict) -> list[dict]:
    """The benched tenants first, then every other tenant above PROMOTE_AT, as the beat check would."""
    order = [b.tenant.pk for b in benched if len(b) > partitions.PROMOTE_AT]
    order += [t for t in partitions.tenants_to_promote() if t not in order]
    builds = []
    for tenant_id in order:
        build = {"tenant_templates": size_of[tenant_id], **promote(tenant_id)}
        builds.append(build)
        print(f"partition of {build['tenant_templates']}: {build}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {partitions.SHARED}")  # the promoted tenants' rows left it
    return builds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", nargs="+", default=["500000", "40000x10", "100x1000"])
    parser.add_argument("--eligible", type=float, nargs="+", default=[0.001, 0.01, 0.1, 0.5, 1.0])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--exact-queries", type=int, default=3)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the bench rows (default: delete them)")
    parser.add_argument("--ef-search", type=int, default=selectors.EF_SEARCH)
    parser.add_argument("--max-scan-tuples", type=int, default=selectors.MAX_SCAN_TUPLES)
    parser.add_argument("--candidates", type=int, default=selectors.CANDIDATES)
    parser.add_argument("--min-graph-share", type=float, default=selectors.MIN_GRAPH_SHARE)
    args = parser.parse_args()
    selectors.EF_SEARCH, selectors.MAX_SCAN_TUPLES = args.ef_search, args.max_scan_tuples
    selectors.MIN_GRAPH_SHARE = args.min_graph_share
    selectors.CANDIDATES = args.candidates
    mix = parse_mix(args.tenants)

    load_at_start = [round(x, 1) for x in os.getloadavg()]
    call_command("migrate", verbosity=0)
    cleanup()
    rng = np.random.default_rng(20261126)
    started = time.perf_counter()
    benched, load = load_mix(mix, rng, timezone.now())
    load_s = time.perf_counter() - started
    total = sum(size * count for size, count in mix)
    print(f"loaded {total} templates, subjects and consents ({args.tenants}) in {load_s:.1f} s: {load}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tenant_id, count(*) FROM {partitions.SHARED} GROUP BY tenant_id")
        size_of = dict(cursor.fetchall())
    started = time.perf_counter()
    builds = promote_all(benched, size_of)
    promote_s = time.perf_counter() - started
    rows = []
    try:
        print(
            f"{'tenant':>7} {'part':>6} {'F':>6} {'elig':>7} | {'p50':>6} {'p95':>6} {'R@1':>5} {'R@5':>5} "
            f"{'inelig':>6} {'paths':>24} | {'exact p95':>9} | {'numpy':>11} {'faiss':>11} {'R@1':>4} | {'x p50':>5} {'x p95':>5}",
            flush=True,
        )
        for bench in benched:
            picks = bench.data[rng.integers(0, len(bench), args.queries)]
            queries = picks + rng.normal(scale=0.03, size=picks.shape).astype(np.float32)
            queries /= np.linalg.norm(queries, axis=1, keepdims=True)
            baselines = Baselines(bench.data)
            print(f"faiss HNSW of {len(bench)}: {baselines.build_s:.1f} s", flush=True)
            for fraction in args.eligible:
                row = run_fraction(bench, baselines, fraction, queries, args.k, args.exact_queries)
                rows.append(row)
                print(
                    f"{row['tenant_templates']:>7} {row['partition']:>6} {fraction:>6.3f} {row['eligible']:>7} | "
                    f"{row['facegate_p50_ms']:>6.1f} {row['facegate_p95_ms']:>6.1f} "
                    f"{row['recall_at_1'] or 0:>5.2f} {row['recall_at_5'] or 0:>5.2f} {row['ineligible_returned']:>6} "
                    f"{json.dumps(row['paths']):>24} | {row['exact_p95_ms'] or 0:>9.1f} | "
                    f"{row.get('numpy_p50_ms', 0):>5.2f}/{row.get('numpy_p95_ms', 0):>5.2f} "
                    f"{row.get('faiss_p50_ms', 0):>5.2f}/{row.get('faiss_p95_ms', 0):>5.2f} "
                    f"{row.get('faiss_recall_at_1', 0):>4.2f} | {row.get('ratio_p50') or 0:>5.1f} {row.get('ratio_p95') or 0:>5.1f}",
                    flush=True,
                )
        # The search settings of this checkout, by name (absent ones are reported as null).
        names = (
            "EF_SEARCH",
            "EF_PER_PASSING",
            "MAX_SCAN_TUPLES",
            "SCAN_PER_PASSING",
            "CANDIDATES",
            "EXACT_BELOW",
            "MIN_GRAPH_SHARE",
        )
        if args.json:
            out = {
                "command": " ".join(sys.argv),
                "load_average_at_start": load_at_start,
                "load_average_1m_at_end": round(os.getloadavg()[0], 1),
                "tenants": args.tenants,
                "templates": total,
                "load_s": round(load_s, 1),
                "load": load,
                "promote_all_s": round(promote_s, 1),
                "partition_builds": builds,
                "settings": {
                    **{name.lower(): getattr(selectors, name, None) for name in names},
                    "promote_at": partitions.PROMOTE_AT,
                    "build": partitions.BUILD_SETTINGS,
                },
                "rows": rows,
            }
            args.json.write_text(json.dumps(out, indent=2))
            print(f"wrote {args.json}")
    finally:  # after the JSON: deleting a million rows takes minutes
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
