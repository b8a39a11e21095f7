"""Starts and stops everything Facegate runs on: `python -m devserver run | test [args] | services [--standby]`.

run:      embedded PostgreSQL/Redis (unless DATABASE_URL/REDIS_URL are set), preflight, migrate, first-run
          demo data, then the web server, one Celery worker, Celery beat and the audit sequencer
          (`manage.py audit_sequencer`), each restarted with backoff when it exits. Ctrl-C stops all of it.
test:     the same servers, then pytest with the given arguments; the servers stop afterwards.
services: start the servers, print DATABASE_URL=... and REDIS_URL=..., and leave them running
          (for scripts and benches; stop them with `python -m devserver stop`).
stop:     stop this checkout's embedded servers.

--standby (run, services): also a synchronous hot standby of the embedded PostgreSQL (devserver/standby.py),
          exported as DATABASE_REPLICA_URL; the gated searches read it (docs/replication.md).

The servers start here, before Django: their URLs are exported as DATABASE_URL / REDIS_URL to every
process started from here, so settings only read the environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config import services_env
from devserver import embedded, standby
from devserver.supervisor import Child, Supervisor

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _start_services(*, with_standby: bool = False) -> list:
    """Start what is not configured externally; return the stop functions, last started first."""
    stops = []
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded.start_postgres()
        stops.append(embedded.stop_postgres)
        print(f"facegate: embedded PostgreSQL at {os.environ['DATABASE_URL']}", flush=True)
        if with_standby and not os.environ.get("DATABASE_REPLICA_URL"):
            os.environ["DATABASE_REPLICA_URL"] = standby.start_standby()
            stops.append(standby.stop_standby)
            print(f"facegate: embedded standby at {os.environ['DATABASE_REPLICA_URL']}", flush=True)
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = embedded.start_redis()
        stops.append(embedded.stop_redis)
        print(f"facegate: embedded Redis at {os.environ['REDIS_URL']}", flush=True)
    return list(reversed(stops))


def _stop_services(stops) -> None:
    for stop in stops:
        try:
            stop()
        except Exception as exc:  # keep stopping the rest
            print(f"facegate: while stopping: {exc}", file=sys.stderr, flush=True)


def _manage(*args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def prepare() -> None:
    """What runs once against the database before the processes start."""
    _manage("preflight")
    _manage("migrate", "--no-input", "-v", "0")
    _manage("partition_tenants")  # tenants past the size threshold get their own partition and HNSW index
    _manage("bootstrap")
    for file in services_env.metrics_dir().glob("*.db"):  # the last run's metrics: every process starts afresh
        file.unlink()


def stack_children(port: str, env: dict[str, str] | None = None) -> list[Child]:
    """The processes of the stack (web first: stopped first). `env`: theirs instead of this process's
    (bench/failover.py restarts them on a promoted standby's DATABASE_URL)."""
    # Children get their own process group so a terminal Ctrl-C reaches only the launcher,
    # which then stops them in order (web first, servers last).
    spawn = dict(cwd=ROOT, start_new_session=True, env=env)
    concurrency = (env or os.environ).get("WORKER_CONCURRENCY", "2")
    # fmt: off
    return [
        Child("web", [
            PYTHON, "-m", "gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn_conf",
            "--bind", f"127.0.0.1:{port}",
        ], spawn),
        Child("worker", [
            PYTHON, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO", "-Q", "matches,enrollments,celery",
            "--concurrency", concurrency, "--hostname", "facegate@%h",
        ], spawn),
        Child("beat", [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"], spawn),
        Child("audit_sequencer", [PYTHON, "manage.py", "audit_sequencer"], spawn),
    ]
    # fmt: on


def run(*, with_standby: bool = False) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Local use: webhooks may go to a receiver on this machine (production refuses private addresses).
    os.environ.setdefault("WEBHOOK_ALLOW_PRIVATE_URLS", "true")
    port = os.environ.get("PORT", "8000")
    stops = _start_services(with_standby=with_standby)
    supervisor = Supervisor([])
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        prepare()
        supervisor.children = stack_children(port)
        supervisor.start()
        print(f"facegate: running on http://127.0.0.1:{port}/ (Ctrl-C stops everything)", flush=True)
        # A child that exits (a killed worker, a crashed beat) is restarted with backoff; the others keep running.
        while not stopping:
            supervisor.tick()
            time.sleep(0.5)
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"facegate: start-up failed: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        supervisor.stop()
        _stop_services(stops)
        print("facegate: stopped", flush=True)


def test(args: list[str]) -> int:
    stops = _start_services()
    try:
        return subprocess.run([PYTHON, "-m", "pytest", *args], cwd=ROOT).returncode
    finally:
        _stop_services(stops)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "services", "stop"}:
        print(__doc__)
        return 2
    with_standby = "--standby" in argv[1:]
    if argv[0] != "test" and set(argv[1:]) - {"--standby"}:
        print(__doc__)
        return 2
    if argv[0] == "run":
        return run(with_standby=with_standby)
    if argv[0] == "services":  # start the servers and print their URLs (for scripts and benches)
        _start_services(with_standby=with_standby)
        print(f"DATABASE_URL={os.environ['DATABASE_URL']}\nREDIS_URL={os.environ['REDIS_URL']}")
        if replica := os.environ.get("DATABASE_REPLICA_URL"):
            print(f"DATABASE_REPLICA_URL={replica}")
        return 0
    if argv[0] == "stop":
        _stop_services([embedded.stop_redis, standby.stop_standby, embedded.stop_postgres])
        return 0
    return test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
