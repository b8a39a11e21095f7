"""Searches while enrolments insert: enrolment throughput into a promoted partition, and search latency during the
bulk insert against idle, in one run.

    FACEGATE_DATA_DIR=/tmp/fg-load python bench/search_under_load.py --size 200000 --writers 2 --seconds 30

One tenant of --size templates (bench/search_data.py) is promoted to its own partition with its HNSW graph
(matching.partitions.partition_promote), --eligible of it consenting to the benched purpose. Then four phases of
--seconds each:
  idle      one searcher: matching.selectors.templates_nearest through the gate, back to back;
  insert    --writers threads enrol, nobody searches;
  both      the writers and the searcher together;
  after     the searcher alone again, recall checked against the NumPy truth including the new templates.
An enrolment here is the database step of matching.services.enrollments.enrollment_run (face inference left
out: it is measured by bench/match_e2e.py): in one transaction, lock the subject, INSERT the template (the HNSW
graph takes it in), and the fraud_prevention duplicate search (matching.services.duplicates.possible_duplicates).
Each new template is a second photo of an existing subject: its stored vector with noise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.search import facegate, promote  # noqa: E402
from bench.search_data import MODEL, Bench, cleanup, load_mix, set_eligible  # noqa: E402
from bench.stack import percentile  # noqa: E402
from consent.models import Subject  # noqa: E402
from matching import face  # noqa: E402
from matching.models import FaceTemplate  # noqa: E402
from matching.services.duplicates import possible_duplicates  # noqa: E402


def enrol(bench: Bench, row: int, embedding: np.ndarray) -> tuple[float, float, bytes]:
    """One enrolment's database step; returns (INSERT ms, whole transaction ms, the template's id)."""
    started = time.perf_counter()
    with transaction.atomic():
        subject_id = uuid.UUID(bytes=bench.subject_ids[row].tobytes())
        Subject.objects.select_for_update(no_key=True).get(pk=subject_id)
        step = time.perf_counter()
        template = FaceTemplate.objects.create(
            tenant_id=bench.tenant.pk,
            subject_id=subject_id,
            model_name=MODEL,
            detector=face.DETECTOR_NAME,
            embedding=embedding.tolist(),
            quality=1.0,
            quality_measures={},
            source_sha256="1" * 64,
        )
        insert_ms = (time.perf_counter() - step) * 1000
        possible_duplicates(template)
    return insert_ms, (time.perf_counter() - started) * 1000, template.pk.bytes


class Phase:
    """Runs the searcher and/or writers for `seconds`; collects latencies and the templates added."""

    def __init__(self, bench: Bench, queries: np.ndarray, rng):
        self.bench, self.queries, self.rng = bench, queries, rng
        self.added: list[tuple[int, np.ndarray, bytes]] = []  # (subject row, vector, template id)
        self.lock = threading.Lock()

    def _search(self, stop, out):
        at, i = timezone.now(), 0
        while not stop.is_set():
            query = self.queries[i % len(self.queries)]
            started = time.perf_counter()
            found, path = facegate(self.bench.tenant, at, query.tolist(), 5)
            out.append(((time.perf_counter() - started) * 1000, path, i % len(self.queries), found))
            i += 1
        connection.close()

    def _write(self, stop, out, seed):
        rng = np.random.default_rng(seed)
        while not stop.is_set():
            row = int(rng.integers(0, len(self.bench)))
            vec = self.bench.data[row] + rng.normal(scale=0.03, size=self.bench.data.shape[1]).astype(np.float32)
            vec /= np.linalg.norm(vec)
            insert_ms, total_ms, template_id = enrol(self.bench, row, vec)
            out.append((insert_ms, total_ms))
            with self.lock:
                self.added.append((row, vec, template_id))
        connection.close()

    def run(self, seconds: float, *, search: bool, writers: int) -> dict:
        stop = threading.Event()
        searches: list[tuple[float, str, int, Any]] = []  # (ms, path, query, found) per search
        inserts: list[tuple[float, float]] = []  # (insert ms, enrolment ms)
        threads = [threading.Thread(target=self._write, args=(stop, inserts, seed)) for seed in range(writers)]
        if search:
            threads.append(threading.Thread(target=self._search, args=(stop, searches)))
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        out: dict[str, Any] = {"seconds": seconds, "writers": writers}
        if inserts:
            out |= {
                "enrolments": len(inserts),
                "enrolments_per_s": round(len(inserts) / seconds, 1),
                "insert_p50_ms": percentile([i for i, _ in inserts], 50),
                "insert_p95_ms": percentile([i for i, _ in inserts], 95),
                "enrolment_p50_ms": percentile([t for _, t in inserts], 50),
                "enrolment_p95_ms": percentile([t for _, t in inserts], 95),
            }
        if searches:
            paths: dict[str, int] = {}
            for _, path, _, _ in searches:
                paths[path] = paths.get(path, 0) + 1
            out |= {
                "searches": len(searches),
                "search_p50_ms": percentile([s[0] for s in searches], 50),
                "search_p95_ms": percentile([s[0] for s in searches], 95),
                "paths": paths,
            }
        self.searches = searches
        return out

    def recall_at_1(self, eligible: np.ndarray) -> float | None:
        """Of the last phase's searches: the share whose first result is the nearest eligible template, stored or
        added by the writers (unit vectors: cosine distance = 1 - dot)."""
        added = [(v, i) for row, v, i in self.added if eligible[row]]
        data = np.concatenate([self.bench.data[eligible], np.array([v for v, _ in added]).reshape(-1, 128)])
        ids = [row.tobytes() for row in self.bench.ids[eligible]] + [i for _, i in added]
        nearest = {qi: ids[int(np.argmax(data @ self.queries[qi]))] for qi in {s[2] for s in self.searches}}
        hits = [1.0 if found[:1] and found[0].bytes == nearest[qi] else 0.0 for _, _, qi, found in self.searches]
        return round(float(np.mean(hits)), 3) if hits else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--eligible", type=float, default=1.0)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    cleanup()
    rng = np.random.default_rng(20261127)
    started = time.perf_counter()
    (bench,), load = load_mix([(args.size, 1)], rng, timezone.now())
    load_s = time.perf_counter() - started
    build = promote(bench.tenant.pk)
    print(f"loaded {args.size} in {load_s:.1f} s; partition: {build}", flush=True)
    set_eligible(bench, args.eligible)
    eligible = bench.eligible(args.eligible)
    picks = bench.data[rng.integers(0, len(bench), args.queries)]
    queries = picks + rng.normal(scale=0.03, size=picks.shape).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    phase = Phase(bench, queries, rng)
    phases = {}
    try:
        for name, search, writers in (
            ("idle", True, 0),
            ("insert", False, args.writers),
            ("both", True, args.writers),
            ("after", True, 0),
        ):
            phases[name] = phase.run(args.seconds, search=search, writers=writers)
            if name in ("idle", "after"):
                phases[name]["recall_at_1"] = phase.recall_at_1(eligible)
            print(f"{name:>6}: {json.dumps(phases[name])}", flush=True)
        if args.json:
            out = {"size": args.size, "eligible": args.eligible, "load_s": round(load_s, 1), "load": load}
            args.json.write_text(json.dumps(out | {"partition": build, "phases": phases}, indent=2))
            print(f"wrote {args.json}")
    finally:  # after the JSON: deleting the bench rows takes minutes
        cleanup()


if __name__ == "__main__":
    main()
