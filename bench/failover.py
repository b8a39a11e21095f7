"""Failover: kill the primary under a steady write load, promote the standby, count the acknowledged writes lost.

    .venv/bin/python bench/failover.py --seconds 10 --after 5

Everything runs in a scratch data dir (--data-dir, emptied first; never the checkout's .facegate): the embedded
primary, Redis and a synchronous standby (devserver/standby.py), then migrate and one tenant. Two writer threads
call the services as the API does, and note each write once the service has returned (acknowledged):
  withdrawals    consent.services.consent_withdraw: commits with remote_apply while the standby streams;
  subjects       consent.services.subject_create: an ordinary commit (synchronous_commit = local).
--sync-all makes every commit wait for the standby's flush (synchronous_commit = on, as a server default).
After --seconds, every process of the primary is SIGKILLed (a machine lost), `pg_ctl promote` turns the standby
into the primary, and the bench points the `default` database at it; the writers retry throughout and go on
for --after seconds. Printed: acknowledged writes of each kind missing on the new primary, and the seconds
from the first failed write to the next acknowledged one (the new primary's).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="steady load before the primary is killed")
    parser.add_argument("--after", type=float, default=5.0, help="load on the promoted standby")
    parser.add_argument("--consents", type=int, default=2000, help="consents made to be withdrawn")
    parser.add_argument("--data-dir", default="/tmp/facegate-failover")
    parser.add_argument(
        "--sync-all", action="store_true", help="every commit waits for the standby's flush (synchronous_commit = on)"
    )
    return parser.parse_args()


ARGS = parse_args()
shutil.rmtree(ARGS.data_dir, ignore_errors=True)
os.environ["FACEGATE_DATA_DIR"] = ARGS.data_dir
for name in ("DATABASE_URL", "REDIS_URL", "DATABASE_REPLICA_URL"):
    os.environ.pop(name, None)

import psutil  # type: ignore[import-untyped]  # noqa: E402

from devserver import embedded, standby  # noqa: E402

os.environ["DATABASE_URL"] = embedded.start_postgres()
os.environ["REDIS_URL"] = embedded.start_redis()
os.environ["DATABASE_REPLICA_URL"] = standby.start_standby()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from consent import services  # noqa: E402
from consent.models import Consent, Subject  # noqa: E402
from core.audit import Actor  # noqa: E402
from tests import factories  # noqa: E402

ACTOR = Actor.system("bench.failover")


class Writer(threading.Thread):
    """Calls `write(item)` for each item until the bench ends; a failed write is not acknowledged (not retried:
    it may have committed, and a retry would then be a second write)."""

    def __init__(self, name, items, write, stop):
        super().__init__(name=name, daemon=True)
        self.items, self.write, self.stop = items, write, stop
        self.acknowledged: list = []
        self.failed_at: list[float] = []  # times of failed attempts
        self.acknowledged_at: list[float] = []

    def run(self) -> None:
        for item in self.items:
            if self.stop.is_set():
                break
            try:
                self.acknowledged.append(self.write(item))
                self.acknowledged_at.append(time.monotonic())
            except Exception:  # the primary is gone: the next write tries a new connection
                self.failed_at.append(time.monotonic())
                connection.close()
                time.sleep(0.05)
        connection.close()


def kill_primary() -> None:
    """SIGKILL the primary's postmaster and every backend of it at once: the machine is lost."""
    pid = int((embedded.data_dir() / "pg" / "postmaster.pid").read_text().split()[0])
    postmaster = psutil.Process(pid)
    for proc in [postmaster, *postmaster.children(recursive=True)]:
        proc.send_signal(signal.SIGKILL)


def main() -> None:
    call_command("migrate", "--no-input", "-v", "0")
    if ARGS.sync_all:
        with connection.cursor() as cursor:
            cursor.execute("ALTER SYSTEM SET synchronous_commit = 'on'")
            cursor.execute("SELECT pg_reload_conf()")
        connection.close()
    tenant = factories.tenant(f"failover-{uuid.uuid4().hex[:6]}")
    consents = [factories.subject(tenant, consented_at=factories.GRANTED).consents.get() for _ in range(ARGS.consents)]
    stop = threading.Event()
    withdrawals = Writer("withdrawals", consents, lambda c: services.consent_withdraw(consent=c, actor=ACTOR).pk, stop)
    subjects = Writer(
        "subjects",
        (f"failover-{i}" for i in range(10**9)),
        lambda ref: services.subject_create(tenant=tenant, external_ref=ref, jurisdiction="GB", actor=ACTOR).pk,
        stop,
    )
    writers = (withdrawals, subjects)
    for writer in writers:
        writer.start()
    time.sleep(ARGS.seconds)
    kill_primary()
    killed_at = time.monotonic()
    host = standby.promote_standby()
    connections.settings["default"]["HOST"] = host  # the stack now points at the promoted standby
    promoted_at = time.monotonic()
    time.sleep(ARGS.after)
    stop.set()
    for writer in writers:
        writer.join(30)
    connection.close()
    missing = {
        "withdrawals": len(withdrawals.acknowledged)
        - Consent.objects.filter(pk__in=withdrawals.acknowledged, withdrawn_at__isnull=False).count(),
        "subjects": len(subjects.acknowledged) - Subject.objects.filter(pk__in=subjects.acknowledged).count(),
    }
    print(f"promote took {promoted_at - killed_at:.2f} s")
    for writer in writers:
        failed = [t for t in writer.failed_at if t >= killed_at]
        back = next((t for t in writer.acknowledged_at if failed and t > failed[0]), None)
        outage = "0 s" if not failed else f"{back - failed[0]:.2f} s" if back else "never back"
        print(
            f"{writer.name:12} acknowledged {len(writer.acknowledged):6}  missing after failover "
            f"{missing[writer.name]:4}  failed attempts {len(failed):4}  writes refused for {outage}"
        )
    standby.pg_ctl(standby.standby_dir(), "-m", "fast", "stop")
    embedded.stop_redis()


if __name__ == "__main__":
    main()
