"""What the synchronous standby costs a withdrawal, and what a withdrawal costs with the standby down.

    .venv/bin/python -m devserver services --standby    # prints DATABASE_URL, DATABASE_REPLICA_URL
    DATABASE_URL=... DATABASE_REPLICA_URL=... .venv/bin/python bench/replica_commit.py --n 200

consent.services.consent_withdraw (the service the API calls) on --n fresh consents in each of three modes:
  primary-only      the replica alias removed: a local commit, as without DATABASE_REPLICA_URL;
  standby           streaming: remote_apply, the commit returns once the standby has applied it;
  standby-paused    streaming but not replaying (pg_wal_replay_pause): the first waits REPLICA_COMMIT_TIMEOUT_SECONDS
                    and fences the standby; the next ones see the fence and commit locally;
  standby-stopped   pg_ctl stop: a local commit and a fence (core.replica).
Prints p50/p95/max in ms per mode, and the primary's replay_lag samples (pg_stat_replication) while streaming.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402

from consent.models import Consent  # noqa: E402
from consent.services import consent_withdraw  # noqa: E402
from core.audit import Actor  # noqa: E402
from core.replica import REPLICA  # noqa: E402
from devserver import standby  # noqa: E402
from tests import factories  # noqa: E402

ACTOR = Actor.system("bench.replica_commit")


def consents(n: int) -> list[Consent]:
    """n subjects of a new tenant, each with a consent in force (the tests' factories)."""
    tenant = factories.tenant(f"bench-{uuid.uuid4().hex[:8]}")
    return [factories.subject(tenant, consented_at=factories.GRANTED).consents.get() for _ in range(n)]


def timed(n: int, lag: list | None = None) -> list[float]:
    took = []
    for consent in consents(n):
        started = time.perf_counter()
        consent_withdraw(consent=consent, actor=ACTOR)
        took.append((time.perf_counter() - started) * 1000)
        if lag is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT extract(epoch FROM replay_lag) * 1000 FROM pg_stat_replication")
                lag += [row[0] for row in cursor.fetchall() if row[0] is not None]
    return took


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return f"{name:16} n={len(ms):4}  p50 {statistics.median(ms):7.2f} ms  p95 {p95:7.2f} ms  max {ms[-1]:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    if REPLICA not in settings.DATABASES:
        sys.exit("set DATABASE_REPLICA_URL (python -m devserver services --standby prints it)")
    replica = settings.DATABASES.pop(REPLICA)
    print(summary("primary-only", timed(args.n)))
    settings.DATABASES[REPLICA] = replica
    lag: list[float] = []
    print(summary("standby", timed(args.n, lag)))
    if lag:
        print(f"{'replay_lag':16} samples={len(lag)}  p50 {statistics.median(lag):.2f} ms  max {max(lag):.2f} ms")
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        print(summary("standby-paused", timed(args.n)))
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        connections[REPLICA].close()
    standby.stop_standby(forget=False)
    try:
        print(summary("standby-stopped", timed(args.n)))
    finally:
        standby.start_standby()


if __name__ == "__main__":
    main()
