"""Gated vector search: latency and recall of the production search against the exact eligible answer.

    FACEGATE_DATA_DIR=/tmp/fg-bench python bench/search.py --n 100000 --eligible 0.001 0.01 0.1 0.5 1 --json out.json

Synthetic clustered 128-d unit vectors go into the REAL template table (COPY), one per subject of a separate
bench tenant, each subject with one consent: for the benched purpose on a fraction F of the subjects, for
another purpose on the rest, so the real gate predicate leaves F eligible. The HNSW index is rebuilt after
the load. For each F, every query runs
  - exact:      the gate + ORDER BY distance with index scans off (the ground truth, and its latency);
  - facegate:   matching.selectors.templates_nearest, the path match_job_run uses;
  - naive:      the gate + ORDER BY distance LIMIT k with pgvector's defaults (no iterative scan).
All in the same run. The bench tenant's rows are deleted at the end (and the table vacuumed).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
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
from matching import selectors  # noqa: E402
from matching.models import FaceTemplate  # noqa: E402
from policy.gate import templates_eligible  # noqa: E402

BENCH_SLUG = "bench-search"
PURPOSE, OTHER = Purpose.FRAUD_PREVENTION, Purpose.ACCESS_CONTROL
MODEL = "Dlib"
INDEX = "facetemplate_embedding_hnsw"


def load(n: int, rng) -> tuple[Tenant, dict, np.ndarray]:
    cleanup()
    tenant = Tenant.objects.create(slug=BENCH_SLUG, name="bench/search.py (deleted after the run)")
    now = timezone.now()
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
    subject_ids = [uuid.uuid4() for _ in range(n)]
    # external_ref holds the subject's eligibility rank: the subjects ranked below F * n consent to PURPOSE.
    ranks = rng.permutation(n)
    granted = now - timedelta(days=5)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        copy_rows(
            raw,
            "consent_subject",
            "id, tenant_id, external_ref, jurisdiction_id, email, created_at, erasure_cause",
            ((sid, tenant.id, f"{rank:09d}", "ZZ", "", now, "") for sid, rank in zip(subject_ids, ranks, strict=True)),
        )
        copy_rows(
            raw,
            "consent_consent",
            "id, tenant_id, subject_id, purpose, notice_id, notice_sha256, method, evidence, granted_at",
            (
                (
                    uuid.uuid4(),
                    tenant.id,
                    sid,
                    OTHER,
                    notices[OTHER].id,
                    notices[OTHER].sha256,
                    "explicit_opt_in",
                    "{}",
                    granted,
                )
                for sid in subject_ids
            ),
        )
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        buffer = io.StringIO()
        for sid, vec in zip(subject_ids, data, strict=True):
            buffer.write(
                f"{uuid.uuid4()}\t{tenant.id}\t{sid}\t{MODEL}\tdlib\t[{','.join(f'{x:.6f}' for x in vec)}]"
                f"\t1\t{'0' * 64}\t{now.isoformat()}\n"
            )
        buffer.seek(0)
        with raw.copy(
            "COPY matching_facetemplate (id, tenant_id, subject_id, model_name, detector, embedding, "
            "quality, source_sha256, created_at) FROM STDIN"
        ) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(CREATE_INDEX)
        cursor.execute("ANALYZE matching_facetemplate; ANALYZE consent_subject; ANALYZE consent_consent")
    index_s = time.perf_counter() - started
    print(f"loaded {n} templates/subjects/consents in {load_s:.1f} s, HNSW index built in {index_s:.1f} s", flush=True)
    return tenant, notices, data


def set_eligible(tenant, notices, n: int, fraction: float) -> int:
    cutoff = int(round(fraction * n))
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE consent_consent c
               SET purpose = CASE WHEN s.external_ref < %s THEN %s ELSE %s END,
                   notice_id = CASE WHEN s.external_ref < %s THEN %s ELSE %s END,
                   notice_sha256 = CASE WHEN s.external_ref < %s THEN %s ELSE %s END
               FROM consent_subject s WHERE s.tenant_id = c.tenant_id AND s.id = c.subject_id AND c.tenant_id = %s""",
            [
                f"{cutoff:09d}",
                PURPOSE,
                OTHER,
                f"{cutoff:09d}",
                notices[PURPOSE].id,
                notices[OTHER].id,
                f"{cutoff:09d}",
                notices[PURPOSE].sha256,
                notices[OTHER].sha256,
                tenant.id,
            ],
        )
        cursor.execute("VACUUM ANALYZE consent_consent")
    return cutoff


def exact(tenant, at, query, k):
    """The ground truth: no index scan at all, every eligible row's distance."""
    with transaction.atomic(), selectors._local_settings(enable_indexscan="off"):
        return list(
            templates_eligible(FaceTemplate.objects.all(), tenant=tenant, purpose=PURPOSE, model=MODEL, at=at)
            .annotate(distance=CosineDistance("embedding", query))
            .order_by("distance")
            .values_list("id", flat=True)[:k]
        )


def naive(tenant, at, query, k):
    with transaction.atomic():
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
    return float(np.percentile(values, q)) if values else float("nan")


def run_fraction(tenant, notices, n, fraction, queries, k) -> dict:
    eligible = set_eligible(tenant, notices, n, fraction)
    at = timezone.now()
    lat = {"exact": [], "facegate": [], "naive": []}
    recall = {"facegate": [[], []], "naive": [[], []]}
    paths = {}
    for query in queries:
        query = query.tolist()
        truth, ms = timed(exact, tenant, at, query, k)
        lat["exact"].append(ms)
        (found, path), ms = timed(facegate, tenant, at, query, k)
        lat["facegate"].append(ms)
        paths[path] = paths.get(path, 0) + 1
        got_naive, ms = timed(naive, tenant, at, query, k)
        lat["naive"].append(ms)
        for name, got in (("facegate", found), ("naive", got_naive)):
            if truth:
                recall[name][0].append(1.0 if got[:1] == truth[:1] else 0.0)
                recall[name][1].append(len(set(got) & set(truth)) / len(truth))
    row = {"eligible_fraction": fraction, "eligible": eligible, "queries": len(queries), "k": k, "paths": paths}
    for name, values in lat.items():
        row[f"{name}_p50_ms"] = round(pct(values, 50), 2)
        row[f"{name}_p95_ms"] = round(pct(values, 95), 2)
    for name, (r1, r5) in recall.items():
        row[f"{name}_recall_at_1"] = round(statistics.fmean(r1), 3) if r1 else None
        row[f"{name}_recall_at_5"] = round(statistics.fmean(r5), 3) if r5 else None
    return row


CREATE_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON matching_facetemplate USING hnsw (embedding vector_cosine_ops) "
    "WITH (m = 16, ef_construction = 64)"
)  # as in matching's migration


def cleanup() -> None:
    tenant = Tenant.objects.filter(slug=BENCH_SLUG).first()
    if tenant is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(CREATE_INDEX)  # a run stopped between dropping and building it leaves it missing
        cursor.execute("DELETE FROM matching_facetemplate WHERE tenant_id = %s", [tenant.id])
        cursor.execute(
            "DELETE FROM consent_consent WHERE tenant_id = %s",
            [tenant.id],
        )
        cursor.execute("DELETE FROM consent_subject WHERE tenant_id = %s", [tenant.id])
        cursor.execute("DELETE FROM consent_notice WHERE tenant_id = %s", [tenant.id])
        cursor.execute("DELETE FROM consent_tenant WHERE id = %s", [tenant.id])
        cursor.execute("VACUUM ANALYZE matching_facetemplate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--eligible", type=float, nargs="+", default=[0.001, 0.01, 0.1, 0.5, 1.0])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the bench rows (default: delete them)")
    parser.add_argument(
        "--exact-below",
        type=int,
        default=selectors.EXACT_BELOW,
        help="try another switch-over point (default: the one match_job_run uses)",
    )
    parser.add_argument("--ef-search", type=int, default=selectors.EF_SEARCH)
    args = parser.parse_args()
    selectors.EXACT_BELOW, selectors.EF_SEARCH = args.exact_below, args.ef_search
    for fraction in args.eligible:
        if not 0.001 <= fraction <= 1:
            parser.error("--eligible values are fractions between 0.001 and 1")

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(20261126)
    tenant, notices, data = load(args.n, rng)
    # Probes: a stored face seen again (small noise), as a match request would bring.
    picks = data[rng.integers(0, args.n, args.queries)]
    queries = picks + rng.normal(scale=0.03, size=picks.shape).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    rows = []
    try:
        print(
            f"{'F':>6} {'eligible':>8} | {'exact p50':>9} {'p95':>7} | {'facegate p50':>12} {'p95':>7} "
            f"{'R@1':>5} {'R@5':>5} {'paths':>18} | {'naive p95':>9} {'R@1':>5} {'R@5':>5}",
            flush=True,
        )
        for fraction in args.eligible:
            row = run_fraction(tenant, notices, args.n, fraction, queries, args.k)
            rows.append(row)
            print(
                f"{fraction:>6.3f} {row['eligible']:>8} | {row['exact_p50_ms']:>9.1f} {row['exact_p95_ms']:>7.1f} | "
                f"{row['facegate_p50_ms']:>12.1f} {row['facegate_p95_ms']:>7.1f} "
                f"{row['facegate_recall_at_1']:>5.2f} {row['facegate_recall_at_5']:>5.2f} "
                f"{json.dumps(row['paths']):>18} | {row['naive_p95_ms']:>9.1f} "
                f"{row['naive_recall_at_1']:>5.2f} {row['naive_recall_at_5']:>5.2f}",
                flush=True,
            )
    finally:
        if not args.keep:
            cleanup()
    settings_used = {
        "ef_search": selectors.EF_SEARCH,
        "max_scan_tuples": selectors.MAX_SCAN_TUPLES,
        "exact_below": selectors.EXACT_BELOW,
        "min_index_fraction": selectors.MIN_INDEX_FRACTION,
    }
    if args.json:
        args.json.write_text(json.dumps({"n": args.n, "settings": settings_used, "rows": rows}, indent=2))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
