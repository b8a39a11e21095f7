"""Start-up and health checks, in one registry used by `manage.py preflight` and GET /healthz.

A check is a function returning {"ok": bool, ...}; when it is not ok, "problems" lists one human sentence
per fault (what preflight prints) and "error" may carry the raw exception text. The database, Redis and
Celery checks live here; an app registers its own from its AppConfig.ready() (matching registers
"weights"), so core never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis as redis_client
from celery import current_app
from django.conf import settings
from django.db import connection

MIN_POSTGRES = 15
MIN_PGVECTOR = (0, 8)

# What a check returns: {"ok": bool, "problems": [str], ...}.
Report = dict[str, Any]


@dataclass(frozen=True)
class Check:
    name: str
    fn: Callable[[], Report]
    preflight: bool  # also run before start-up (`manage.py preflight`), not only by /healthz


_registry: dict[str, Check] = {}


def register(name: str, fn: Callable[[], Report], *, preflight: bool = True) -> None:
    """Add (or replace) a check; the registration order is the order of the report."""
    _registry[name] = Check(name, fn, preflight)


def names(*, preflight_only: bool = False) -> list[str]:
    return [c.name for c in _registry.values() if c.preflight or not preflight_only]


def run(*, preflight_only: bool = False) -> dict[str, Report]:
    """Run the checks; a check that raises is reported as not ok, never propagated."""
    results: dict[str, Report] = {}
    for check in list(_registry.values()):
        if preflight_only and not check.preflight:
            continue
        try:
            result = dict(check.fn())
        except Exception as exc:
            result = {"ok": False, "error": str(exc)[:200], "problems": [f"{check.name} check failed: {exc}"]}
        result["ok"] = bool(result.get("ok"))
        results[check.name] = result
    return results


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2])


# --- the checks core owns ---------------------------------------------------


def database() -> Report:
    """PostgreSQL >= 15 with pgvector >= 0.8 available (installed by the first migration)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
            cursor.execute("SHOW server_version_num")
            server_num = int(cursor.fetchone()[0])
            cursor.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
            row = cursor.fetchone()
            available = row[0] if row else None
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
            installed = row[0] if row else None
    except Exception as exc:
        return {
            "ok": False,
            "error": str(exc)[:200],
            "problems": [f"PostgreSQL is not reachable at DATABASE_URL: {exc}"],
        }
    problems = []
    if server_num < MIN_POSTGRES * 10000:
        problems.append(f"PostgreSQL {server_num // 10000} is too old; Facegate needs PostgreSQL >= {MIN_POSTGRES}.")
    if available is None:
        problems.append("The pgvector extension is not installed on this PostgreSQL; Facegate needs pgvector >= 0.8.")
    elif _version(available) < MIN_PGVECTOR:
        problems.append(f"pgvector {available} is too old; Facegate needs pgvector >= 0.8.")
    elif installed is not None and _version(installed) < MIN_PGVECTOR:
        problems.append(
            f"pgvector {installed} is too old; Facegate needs pgvector >= 0.8 (ALTER EXTENSION vector UPDATE)."
        )
    return {
        "ok": not problems,
        "server_version": server_version,
        "pgvector": installed,
        "pgvector_available": available,
        "problems": problems,
    }


def redis() -> Report:
    try:
        ok = bool(redis_client.Redis.from_url(settings.REDIS_URL, socket_timeout=3).ping())
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200], "problems": [f"Redis is not reachable at REDIS_URL: {exc}"]}
    return {"ok": ok, "problems": [] if ok else ["Redis at REDIS_URL did not answer PING."]}


def celery() -> Report:
    """At least one worker answers a ping on the broker (not a start-up check: workers start afterwards)."""
    try:
        replies = current_app.control.ping(timeout=1.0)
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200], "problems": [f"The Celery broker is not reachable: {exc}"]}
    workers = sorted(name for reply in replies for name in reply)
    return {"ok": bool(workers), "workers": workers, "problems": [] if workers else ["No Celery worker answers."]}


register("database", database)
register("redis", redis)
register("celery", celery, preflight=False)
