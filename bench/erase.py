"""An erase order over many subjects: time to done, and match-search latency before, during and after it.

    FACEGATE_DATA_DIR=/tmp/fg-bench python bench/erase.py --subjects 100000 --json erase.json

A bench tenant gets `--subjects` subjects to erase (a bench-only jurisdiction, ZZ-BENCH) and `--keep` subjects that
stay (US-CA), each with one fraud_prevention consent and 2 templates (clustered random 128-d unit vectors),
bulk-loaded with COPY into the real tables, then moved to its own partition with its HNSW index. Then, in one run:

  before    searches with no order;
  recorded  the erase order is committed (order_create, as POST /api/v1/orders does) but no worker runs yet:
            the gate alone hides the covered templates;
  during    a real Celery worker (its own process, solo pool, on the real Redis broker) runs
            compliance.tasks.order_erase while this process keeps searching;
  after     the order is done (templates deleted, tables vacuumed).

A search is matching.selectors.templates_nearest (gate.templates_eligible + ORDER BY cosine distance LIMIT 5, the
path match_job_run uses), one transaction each, a query near a kept subject's vector. The bench tenant's rows are
removed at the end; the order is lifted so it no longer applies; audit events and certificates stay (append-only).
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.stack import percentile  # noqa: E402
from bench.synthetic import DIM, copy_binary, copy_rows, pg_time, pg_vector, uuids, vectors  # noqa: E402
from compliance.selectors.certificates import order_certificates  # noqa: E402
from compliance.services import orders  # noqa: E402
from consent.models import (  # noqa: E402
    Jurisdiction,  # noqa: E402
    Notice,
    Purpose,
    Tenant,
)
from core.audit import Actor  # noqa: E402
from core.models import AuditEvent  # noqa: E402
from matching import partitions, selectors  # noqa: E402
from policy.models import OrderStatus, RegulatorOrder  # noqa: E402

BENCH_SLUG = "bench-erase"
BENCH_JURISDICTION = "ZZ-BENCH"
KEEP_JURISDICTION = "US-CA"
PURPOSE = Purpose.FRAUD_PREVENTION
MODEL = "Dlib"
TEMPLATES_PER_SUBJECT = 2


def load(n_erase: int, n_keep: int, rng) -> tuple[Tenant, np.ndarray, dict]:
    cleanup()
    Jurisdiction.objects.update_or_create(code=BENCH_JURISDICTION, defaults={"name": "bench/erase.py", "law": "none"})
    tenant = Tenant.objects.create(slug=BENCH_SLUG, name="bench/erase.py (deleted after the run)")
    now = timezone.now()
    notice = Notice.objects.create(
        tenant=tenant,
        purpose=PURPOSE,
        version="bench",
        text="bench",
        sha256="b" * 64,
        published_at=now - timedelta(days=10),
    )
    n = n_erase + n_keep
    subjects = [(uuid.uuid4(), BENCH_JURISDICTION if i < n_erase else KEEP_JURISDICTION) for i in range(n)]
    data = vectors(rng, n * TEMPLATES_PER_SUBJECT, clusters=max(10, n // 100))
    granted = now - timedelta(days=5)
    timings = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        copy_rows(
            raw,
            "consent_subject",
            "id, tenant_id, external_ref, jurisdiction_id, email, created_at, erasure_cause",
            (
                (sid, tenant.id, f"ref-{i}", jur, f"person{i}@bench.test", now, "")
                for i, (sid, jur) in enumerate(subjects)
            ),
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
                    PURPOSE,
                    notice.id,
                    notice.sha256,
                    "explicit_opt_in",
                    '{"ip": "192.0.2.1"}',
                    granted,
                )
                for sid, _ in subjects
            ),
        )
        subject_ids = np.frombuffer(b"".join(sid.bytes for sid, _ in subjects), dtype=np.uint8).reshape(n, 16)
        copy_binary(
            raw,
            "matching_facetemplate",
            len(data),
            {
                "id": uuids(rng, len(data)),
                "tenant_id": tenant.id.bytes,
                "subject_id": np.repeat(subject_ids, TEMPLATES_PER_SUBJECT, axis=0),
                "model_name": MODEL.encode(),
                "detector": b"dlib",
                "embedding": pg_vector(data),
                "quality": struct.pack(">d", 1.0),
                "quality_measures": b"\x01{}",  # jsonb: version 1, then the text
                "source_sha256": b"0" * 64,
                "created_at": pg_time(now),
            },
        )
    timings["load_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    partitions.partition_promote(tenant_id=tenant.pk)  # its own partition and HNSW index, as the beat would
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE matching_facetemplate, consent_subject, consent_consent")
    timings["index_s"] = round(time.perf_counter() - started, 1)
    # Queries are near the kept subjects' faces (those a search should still find).
    kept = data[n_erase * TEMPLATES_PER_SUBJECT :]
    return tenant, kept, timings


def search(tenant, query) -> tuple[float, int, str]:
    started = time.perf_counter()
    with transaction.atomic():
        # Loads pgvector in the session first: the search's SET LOCAL/restore of hnsw.* settings fails when the
        # library is first loaded by the search statement itself (a fresh connection).
        connection.cursor().execute("SELECT NULL::vector")
        rows, path = selectors.templates_nearest(
            tenant=tenant, purpose=PURPOSE, model=MODEL, at=timezone.now(), embedding=query, k=5
        )
    return (time.perf_counter() - started) * 1000, len(rows), path


def query_vector(rng, kept) -> list[float]:
    v = kept[rng.integers(0, len(kept))] + rng.normal(scale=0.02, size=DIM)
    return (v / np.linalg.norm(v)).tolist()


def phase(name, tenant, kept, rng, count=None, until=None) -> dict:
    latencies: list[float] = []
    found = []
    paths: dict[str, int] = {}
    while (count is not None and len(latencies) < count) or (until is not None and not until()):
        ms, rows, path = search(tenant, query_vector(rng, kept))
        latencies.append(ms)
        found.append(rows)
        paths[path] = paths.get(path, 0) + 1
    row = {
        "phase": name,
        "searches": len(latencies),
        "paths": paths,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": round(max(latencies), 2) if latencies else None,
        "mean_results": round(float(np.mean(found)), 2) if found else None,
    }
    print(
        f"  {name:9} {row['searches']:6} searches  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
        f"max {row['max_ms']} ms  results/search {row['mean_results']}  paths {paths}",
        flush=True,
    )
    return row


def cleanup() -> None:
    RegulatorOrder.objects.filter(reference__startswith="bench/erase.py", lifted_at__isnull=True).update(
        lifted_at=timezone.now()
    )
    tenant = Tenant.objects.filter(slug=BENCH_SLUG).first()
    if tenant is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {partitions.partition_name(tenant.id)}")
            cursor.execute("DELETE FROM matching_facetemplate WHERE tenant_id = %s", [tenant.id])
            cursor.execute(
                "DELETE FROM consent_consent WHERE tenant_id = %s",
                [tenant.id],
            )
            cursor.execute("UPDATE compliance_erasurerequest SET subject_id = NULL WHERE tenant_id = %s", [tenant.id])
            cursor.execute("DELETE FROM consent_subject WHERE tenant_id = %s", [tenant.id])
            cursor.execute("DELETE FROM consent_notice WHERE tenant_id = %s", [tenant.id])
            cursor.execute("DELETE FROM consent_tenant WHERE id = %s", [tenant.id])
            cursor.execute("VACUUM ANALYZE matching_facetemplate, consent_subject, consent_consent")
    Jurisdiction.objects.filter(code=BENCH_JURISDICTION).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=100_000, help="subjects the order erases (2 templates each)")
    parser.add_argument("--keep", type=int, default=None, help="subjects that stay (default: subjects / 4)")
    parser.add_argument("--queries", type=int, default=200, help="searches in the before/recorded/after phases")
    parser.add_argument("--batch", type=int, default=settings.ERASE_BATCH_SIZE, help="ERASE_BATCH_SIZE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    keep = args.keep if args.keep is not None else max(1, args.subjects // 4)
    settings.ERASE_BATCH_SIZE = args.batch
    rng = np.random.default_rng(args.seed)

    call_command("migrate", verbosity=0)
    print(
        f"loading {args.subjects} + {keep} subjects, {(args.subjects + keep) * TEMPLATES_PER_SUBJECT} templates",
        flush=True,
    )
    tenant, kept, timings = load(args.subjects, keep, rng)
    print(f"  COPY {timings['load_s']} s, HNSW index {timings['index_s']} s", flush=True)

    from config.celery import app

    app.control.purge()
    phases = [phase("before", tenant, kept, rng, count=args.queries)]
    t0 = time.perf_counter()
    order = orders.order_create(
        regulator="bench",
        reference=f"bench/erase.py {uuid.uuid4().hex[:6]}",
        action="erase",
        scope={"jurisdictions": [BENCH_JURISDICTION]},
        received_at=timezone.now(),
        actor=Actor.system("bench"),
    )
    phases.append(phase("recorded", tenant, kept, rng, count=args.queries))
    worker_started = time.perf_counter()
    status: dict[str, str | None] = {"value": None}

    def done() -> bool:
        status["value"] = RegulatorOrder.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        return status["value"] in (OrderStatus.DONE, OrderStatus.BLOCKED_BY_HOLD)

    # A worker process of its own, as in production (a worker thread here would share this process's GIL).
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ, "ERASE_BATCH_SIZE": str(args.batch)},
    )
    try:
        phases.append(phase("during", tenant, kept, rng, until=done))
        erase_s = time.perf_counter() - worker_started
    finally:
        worker.terminate()
        worker.wait(timeout=120)
    total_s = time.perf_counter() - t0
    order.refresh_from_db()
    cert = order_certificates(order=order).last()
    assert cert is not None, "the erase order made no certificate"
    last_batch = AuditEvent.objects.filter(action="erasure.batch", object_id=str(cert.pk)).order_by("-seq").first()
    assert last_batch is not None, "the erase order ran no batch"
    phases.append(phase("after", tenant, kept, rng, count=args.queries))
    result = {
        "subjects_erased": order.subjects_erased,
        "subjects_kept": keep,
        "templates_deleted": cert.counts.get("matching_facetemplate", 0),
        "batch_size": args.batch,
        "status": order.status,
        **timings,
        "order_to_done_s": round(total_s, 1),
        "erase_run_s": round(erase_s, 1),
        "certificate_s": round((cert.finished_at - cert.started_at).total_seconds(), 1),
        "batches_s": round((last_batch.at - cert.started_at).total_seconds(), 1),
        "vacuum_s": round((cert.vacuumed_at - last_batch.at).total_seconds(), 1) if cert.vacuumed_at else None,
        "certificate": str(cert.pk),
        "certificate_counts": cert.counts,
        "phases": phases,
    }
    print(
        f"erase order over {order.subjects_erased} subjects ({result['templates_deleted']} templates): "
        f"{result['erase_run_s']} s from worker start to {order.status}; the erasure itself "
        f"{result['certificate_s']} s (batches {result['batches_s']} s, REINDEX+VACUUM {result['vacuum_s']} s); "
        f"order created -> done {result['order_to_done_s']} s"
    )
    by = {p["phase"]: p for p in phases}
    print(
        f"search p95: before {by['before']['p95_ms']} ms, order recorded {by['recorded']['p95_ms']} ms, "
        f"during erase {by['during']['p95_ms']} ms, after {by['after']['p95_ms']} ms"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    cleanup()


if __name__ == "__main__":
    main()
