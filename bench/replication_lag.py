"""Replication lag under load: bench/load.py's clients against a stack with a synchronous standby.

    .venv/bin/python bench/replication_lag.py --clients 32 --seconds 60 [--json docs/bench/replication-lag.json]

Starts the stack with `python -m devserver run --standby` (its own data dir, --data-dir) and runs bench/load.py's
mix (`run_load`: subjects, consents, enrolments, matches with `wait`, withdrawals and erasures, over HTTP with an
API key) while a thread samples the primary's `pg_stat_replication` every 100 ms: write_lag, flush_lag and
replay_lag of the standby (NULL, counted as 0, when it has caught up: PostgreSQL resets them when idle) and the
bytes not yet replayed. Printed and written: p50/p95/max of each, the samples, the load's own figures, `uptime`.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.load import LoadStack, run_load  # noqa: E402
from bench.stack import ROOT, percentile, result_written  # noqa: E402

SAMPLE = """SELECT coalesce(extract(epoch FROM write_lag), 0) * 1000, coalesce(extract(epoch FROM flush_lag), 0) * 1000,
                  coalesce(extract(epoch FROM replay_lag), 0) * 1000, pg_current_wal_lsn() - replay_lsn
           FROM pg_stat_replication WHERE application_name = 'facegate_standby'"""


def sample(database_url: str, stop: threading.Event, samples: list[tuple[float, ...]], missing: list[float]) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        while not stop.wait(0.1):
            row = conn.execute(SAMPLE).fetchone()
            if row is None:  # the standby not connected at that moment
                missing.append(time.monotonic())
            else:
                samples.append(tuple(float(x) for x in row))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/facegate-replication-lag"))
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "bench" / "replication-lag.json")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    stack = LoadStack(args.data_dir, standby=True).start()
    try:
        stop, samples, missing = threading.Event(), list[dict](), list[float]()
        sampler = threading.Thread(target=sample, args=(stack.env["DATABASE_URL"], stop, samples, missing))
        load_before = os.getloadavg()
        sampler.start()
        phase = run_load(stack.base, stack.key, args.clients, args.seconds)
        stop.set()
        sampler.join()
        phase.pop("jobs")
        columns = ("write_lag_ms", "flush_lag_ms", "replay_lag_ms", "replay_behind_bytes")
        result = {
            "clients": args.clients,
            "seconds": args.seconds,
            "uptime_before": load_before,
            "uptime_after": os.getloadavg(),
            "samples": len(samples),
            "samples_without_standby": len(missing),
            **{
                name: {
                    "p50": percentile([s[i] for s in samples], 50),
                    "p95": percentile([s[i] for s in samples], 95),
                    "max": round(max((s[i] for s in samples), default=0), 2),
                }
                for i, name in enumerate(columns)
            },
            "load": {k: phase[k] for k in ("requests", "requests_per_s", "writes_ok", "writes_per_s", "status_5xx")},
            "endpoints": phase["endpoints"],
        }
        for name in columns:
            print(f"{name:20} {result[name]}")
        print(f"load: {result['load']}; uptime {load_before} -> {result['uptime_after']}")
        result_written(args.json, result)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
