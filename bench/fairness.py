"""Fairness between tenants: tenant A's match latency idle and while tenant E floods the workers (issue 21).

    python bench/fairness.py                        # 20 idle matches, 20 under a flood of 20 6000x6000 PNGs

One run of the whole stack (`bench.stack.Stack`: gunicorn, a prefork Celery worker of WORKER_CONCURRENCY
processes, beat, embedded PostgreSQL and Redis, in its own data directory), over real HTTP. Tenant A posts
--matches matches of a 250x250 photo one after another with `wait=30`, first idle, then right after tenant E has
posted --flood PNGs of --side x --side pixels (about 100 KB each: bytes say nothing of the decoding cost) as
fast as it can. Reported: A's latency (request to answer) p50/p95/max idle and under the flood, how many of E's
jobs still waited when each of A's matches was answered (A measured under the flood, not after it), the time
E's backlog took to drain, the most of E's jobs that ran at once (the heavy cap), E's answers (202, or 429 past
its decode budget) and whether every accepted job ended with its bytes deleted. Figures to
docs/bench/fairness.json.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import Stack, percentile, result_written  # noqa: E402

PHOTO = ROOT / "tests/faces/people/df-01/img1.jpg"
PURPOSE = "fraud_prevention"


def large_png(side: int) -> bytes:
    """Many pixels, few bytes (issue 21's attack image)."""
    pixels = np.zeros((side, side, 3), np.uint8)
    pixels[::64] = 255
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def photo_250() -> bytes:
    image = Image.open(PHOTO).convert("RGB")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    buffer = io.BytesIO()
    image.crop((left, top, left + side, top + side)).resize((250, 250)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def post_match(base: str, key: str, image: bytes, name: str, wait: float) -> requests.Response:
    return requests.post(
        f"{base}/matches",
        headers={"Authorization": f"Api-Key {key}"},
        files={"image": (name, image)},
        data={"purpose": PURPOSE, "wait": str(wait)},
        timeout=60,
    )


def timed_matches(stack: Stack, key: str, image: bytes, count: int, backlog_of=None) -> dict:
    """`count` matches one after another: their latencies (ms) and, with `backlog_of`, E's jobs waiting at each."""
    latencies, statuses, backlog = [], [], []
    for _ in range(count):
        start = time.perf_counter()
        response = post_match(stack.base, key, image, "a.jpg", wait=30)
        latencies.append((time.perf_counter() - start) * 1000)
        statuses.append(response.json().get("status", response.status_code))
        if backlog_of is not None:
            backlog.append(waiting(stack, backlog_of))
    figures: dict[str, object] = {
        "count": count,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": round(max(latencies), 1),
        "finished": sum(s in ("done", "failed") for s in statuses),
    }
    if backlog_of is not None:
        figures["flood_jobs_waiting_at_each_answer"] = backlog
    return figures


def waiting(stack: Stack, tenant_id: str) -> int:
    return int(
        stack.sql(
            f"SELECT count(*) FROM matching_matchjob WHERE tenant_id = '{tenant_id}' "
            "AND status IN ('queued', 'running')"
        )[0]
    )


def most_at_once(stack: Stack, tenant_id: str) -> int:
    """The most of the tenant's jobs running at one moment, from the rows' clocks."""
    rows = stack.sql(
        "SELECT count(*) FROM matching_matchjob a JOIN matching_matchjob b ON b.tenant_id = a.tenant_id "
        "AND b.started_at <= a.started_at AND b.finished_at > a.started_at "
        f"WHERE a.tenant_id = '{tenant_id}' GROUP BY a.id ORDER BY 1 DESC LIMIT 1"
    )
    return int(rows[0]) if rows else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matches", type=int, default=20, help="tenant A's matches per phase")
    parser.add_argument("--flood", type=int, default=20, help="tenant E's large PNGs")
    parser.add_argument("--side", type=int, default=6000, help="their width and height (40 Mpx is the limit)")
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "bench" / "fairness.json")
    args = parser.parse_args()
    load_at_start = round(os.getloadavg()[0], 1)
    data_dir = Path(tempfile.mkdtemp(prefix="facegate-fairness-"))
    stack = Stack(data_dir / "data").start()
    try:
        key_a = stack.key
        tenant_e = f"{stack.tenant}-e"
        stack.manage("create_tenant", tenant_e)
        key_e = stack.manage("create_api_key", "--tenant", tenant_e, "--purposes", PURPOSE)[-1].strip()
        e_id = stack.sql(f"SELECT id FROM consent_tenant WHERE slug = '{tenant_e}'")[0]
        probe, flood_image = photo_250(), large_png(args.side)

        timed_matches(stack, key_a, probe, 3)  # warm: the worker processes' first probes, the web's first requests
        idle = timed_matches(stack, key_a, probe, args.matches)
        print(f"A idle:        p50 {idle['p50_ms']} ms, p95 {idle['p95_ms']} ms, max {idle['max_ms']} ms")

        flood_start = time.perf_counter()
        answers = [post_match(stack.base, key_e, flood_image, "e.png", wait=0).status_code for _ in range(args.flood)]
        sent_s = time.perf_counter() - flood_start
        flooded = timed_matches(stack, key_a, probe, args.matches, backlog_of=e_id)
        while waiting(stack, e_id):
            assert time.perf_counter() - flood_start < 600, "E's backlog did not drain in 10 minutes"
            time.sleep(0.2)
        drain_s = time.perf_counter() - flood_start
        print(
            f"A under flood: p50 {flooded['p50_ms']} ms, p95 {flooded['p95_ms']} ms, max {flooded['max_ms']} ms; "
            f"E's jobs waiting at A's answers: {flooded['flood_jobs_waiting_at_each_answer']}"
        )
        e_jobs = stack.sql(f"SELECT status FROM matching_matchjob WHERE tenant_id = '{e_id}'")
        with_bytes = int(
            stack.sql(f"SELECT count(*) FROM matching_matchjob WHERE tenant_id = '{e_id}' AND probe IS NOT NULL")[0]
        )
        flood = {
            "images": args.flood,
            "side_px": args.side,
            "image_bytes": len(flood_image),
            "sent_s": round(sent_s, 2),
            "answers": {str(code): answers.count(code) for code in sorted(set(answers))},
            "jobs_ended": sum(s in ("done", "failed") for s in e_jobs),
            "jobs_with_bytes_left": with_bytes,
            "backlog_drained_s": round(drain_s, 1),
            "most_running_at_once": most_at_once(stack, e_id),
        }
        print(
            f"E: {flood['answers']} in {flood['sent_s']} s ({len(flood_image) // 1024} KB each), backlog drained in "
            f"{flood['backlog_drained_s']} s, at most {flood['most_running_at_once']} running at once, "
            f"{flood['jobs_ended']} of {len(e_jobs)} jobs ended, {with_bytes} with bytes left"
        )
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        result = {
            "command": " ".join(["bench/fairness.py", *sys.argv[1:]]),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": commit.stdout.strip(),
            "load_average_1m_at_start": load_at_start,
            "worker_concurrency": int(os.environ.get("WORKER_CONCURRENCY", "2")),
            "cpu_count": os.cpu_count(),
            "a_idle": idle,
            "a_under_flood": flooded,
            "flood": flood,
        }
        result_written(args.json, result)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
