"""The hot standby (DATABASE_REPLICA_URL): gated searches read it, eligibility never goes stale on it.

Two halves, one rule (docs/replication.md):
- Writes that remove eligibility (a withdrawal, an order, a hold, an erasure, a retention rule) call
  `eligibility_removed()` in their transaction. With a synchronous standby streaming, the commit waits until the
  standby has applied it (`synchronous_commit = remote_apply`), for at most REPLICA_COMMIT_TIMEOUT_SECONDS; with
  none streaming, or past that bound, it commits on the primary alone and *fences* the standby: no search reads it
  until it has replayed the primary's WAL past that commit. Either way the write answers within the bound.
- `on_standby(search)` runs a gated search on the standby when it is in recovery, streaming, within
  REPLICA_MAX_LAG_SECONDS and past the fence, checked in the search's own transaction; otherwise, or when it
  fails, on the primary. A standby found unusable is left alone for REPLICA_RETRY_SECONDS.

So a search on the standby that starts after a withdrawal's API answer never sees the withdrawn consent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REPLICA = "replica"
FENCE_KEY = "replica:fence"  # the primary WAL position (an int) the standby must have replayed to serve searches
FENCE_TTL = 24 * 3600  # longer than any standby outage worth serving searches after: past it, a fresh copy
_reading: ContextVar[str | None] = ContextVar("facegate_search_database", default=None)
_unusable_until = 0.0  # per process: when to try the standby again
T = TypeVar("T")


class SearchRouter:
    """Sends the ORM reads inside `on_standby` to the database chosen for the search; all else to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return _reading.get()

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the standby is a copy: migrating the primary migrates it


def configured() -> bool:
    return REPLICA in settings.DATABASES


def search_connection() -> BaseDatabaseWrapper:
    """The connection the current search runs on (the primary outside `on_standby`)."""
    return connections[_reading.get() or DEFAULT_DB_ALIAS]


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def _lsn_text(lsn: int) -> str:
    return f"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"


# --- Writes -----------------------------------------------------------------------------------------------


def eligibility_removed() -> None:
    """Call inside a transaction that makes templates ineligible: when it commits, no search on the standby that
    starts afterwards can miss it (see the module docstring). Without a standby configured it does nothing."""
    _commit_on_standby(fence=True)


def kept_by_standby() -> None:
    """Call inside a transaction whose commit is published at once and must outlive the primary (a signed tree
    head: a client keeps it, and a failover must not fork the log under it). While a synchronous standby streams,
    the commit returns once the standby has applied it, within the same bound; past the bound, or with none
    streaming, it commits on the primary alone (no fence: searches do not read it). Without a standby configured
    it does nothing."""
    _commit_on_standby(fence=False)


def _commit_on_standby(*, fence: bool) -> None:
    if not configured():
        return
    with connection.cursor() as cursor:
        # A standby still behind the fence is not waited for: each write would pay the whole bound again.
        cursor.execute(
            """SELECT pg_backend_pid(), now(), EXISTS (SELECT 1 FROM pg_stat_replication
                   WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum') AND replay_lsn >= %s::pg_lsn)""",
            [_lsn_text(_fence_read(default=0) or 0)],
        )
        pid, started, streaming = cursor.fetchone()
    waiting = getattr(connection, "facegate_standby_wait", None)
    if waiting is not None and waiting["started"] == started:  # this transaction asked already: one guard
        waiting["fence"] |= fence
        return
    waiting = connection.facegate_standby_wait = {"started": started, "fence": fence}  # type: ignore[attr-defined]
    if streaming:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = remote_apply")
    guard = _CommitGuard(pid, started) if streaming else None
    if guard:
        guard.start()

    def after_commit() -> None:
        cut_short = guard is None or guard.stop()  # not sent to the standby, or its wait was cut short
        if cut_short and waiting["fence"]:
            _fence()

    transaction.on_commit(after_commit)


def _fence_read(*, default: int | None) -> int | None:
    try:
        return int(cache.get(FENCE_KEY, 0))
    except RedisError:
        logger.warning("replica fence unreadable (Redis)")
        return default


def _fence() -> None:
    """The standby serves no search until it has replayed the primary's WAL up to here (past our commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = _lsn(cursor.fetchone()[0])
    # Only ever raised: a lower fence written late by a concurrent writer must not undo a higher one.
    raise_to = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > v then "
    raise_to += "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end"
    try:
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]  # Django's RedisCache
        client.eval(raise_to, 1, cache.make_key(FENCE_KEY), lsn, FENCE_TTL)
    except RedisError:  # committed already: the answer stands; searches find no fence while Redis is down either
        logger.exception("could not fence the standby at %s", _lsn_text(lsn))


class _CommitGuard(threading.Thread):
    """Bounds a remote_apply commit: a standby that dies or stops applying would otherwise hold it forever
    (statement_timeout does not reach a commit's wait). Past the bound it cancels the wait from a second
    connection; the commit, already durable on the primary, then returns with a warning."""

    POLL = 0.2

    def __init__(self, pid: int, transaction_start: datetime):
        super().__init__(daemon=True, name=f"commit-guard-{pid}")
        self.pid, self.transaction_start = pid, transaction_start
        self.done = threading.Event()
        self.cut_short = False

    def stop(self) -> bool:
        """End the guard; True when it had to cut the wait short."""
        self.done.set()
        self.join()
        return self.cut_short

    def run(self) -> None:
        db = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            while not self.done.wait(self.POLL):
                with db.cursor() as cursor:
                    cursor.execute(
                        """SELECT xact_start IS DISTINCT FROM %s,
                                  wait_event = 'SyncRep' AND now() - query_start > %s * interval '1 s'
                           FROM pg_stat_activity WHERE pid = %s""",
                        [self.transaction_start, settings.REPLICA_COMMIT_TIMEOUT_SECONDS, self.pid],
                    )
                    row = cursor.fetchone()
                    if row is None or row[0]:  # our transaction ended (committed, rolled back, or the backend went)
                        return
                    if row[1]:
                        cursor.execute(
                            """SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                               WHERE pid = %s AND xact_start = %s AND wait_event = 'SyncRep'""",
                            [self.pid, self.transaction_start],
                        )
                        self.cut_short = bool(cursor.fetchone())
                        logger.warning("standby did not apply a commit within the bound: fenced (pid %s)", self.pid)
                        return
        except DatabaseError:
            logger.exception("commit guard of pid %s failed; fencing the standby", self.pid)
            self.cut_short = True
        finally:
            db.close()


# --- Searches ---------------------------------------------------------------------------------------------


def _usable(db: BaseDatabaseWrapper) -> bool:
    """In recovery (never a promoted copy), streaming, within the lag bound, and past the fence."""
    fence = _fence_read(default=None)
    if fence is None:
        return False
    with db.cursor() as cursor:
        cursor.execute(
            """SELECT pg_is_in_recovery(),
                      coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false),
                      pg_last_wal_replay_lsn()::text,
                      CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                           ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END"""
        )
        recovering, streaming, replayed, lag = cursor.fetchone()
    return bool(
        recovering
        and streaming
        and replayed
        and _lsn(replayed) >= fence
        and (lag or 0) <= settings.REPLICA_MAX_LAG_SECONDS
    )


def on_standby(search: Callable[[], T]) -> tuple[T, str]:
    """`search()` run on the standby when it is usable, else on the primary; its result, and where it ran."""
    global _unusable_until
    if configured() and time.monotonic() >= _unusable_until:
        token = _reading.set(REPLICA)
        try:
            with transaction.atomic(using=REPLICA):
                if _usable(connections[REPLICA]):
                    return search(), REPLICA
        except DatabaseError as exc:  # down, or gone mid-search: the primary answers
            logger.warning("standby unavailable, searching the primary: %s", exc)
            connections[REPLICA].close()
        finally:
            _reading.reset(token)
        _unusable_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    token = _reading.set(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS, savepoint=False):  # inside a match: its transaction
            return search(), DEFAULT_DB_ALIAS
    finally:
        _reading.reset(token)
