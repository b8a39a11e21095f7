"""Helpers shared by the tests: waiting for work done by a real Celery worker, and searching the whole database."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType

from django.db import connection

UNFINISHED = ("queued", "running")


def wait_for(fetch, done, timeout: float = 60.0, interval: float = 0.2):
    """Call fetch() until done(value) is true and return that value; fail with the last value after timeout s."""
    deadline = time.monotonic() + timeout
    while not done(value := fetch()):
        assert time.monotonic() < deadline, f"timed out after {timeout}s; last value: {value!r}"
        time.sleep(interval)
    return value


def wait_finished(model, pk, timeout: float = 90.0):
    """Wait until the job row (an Enrollment or a MatchJob) is neither queued nor running; return it."""
    return wait_for(lambda: model.objects.get(pk=pk), lambda job: job.status not in UNFINISHED, timeout)


def rows_mentioning(needle: str) -> dict:
    """Every table of the database, every row as text: where does `needle` still appear? {table: row count}"""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', [f"%{needle}%"])
            if n := cursor.fetchone()[0]:
                found[table] = n
    return found


def load_tool(name: str) -> ModuleType:
    """tools/<name>.py, the standalone verifiers a regulator runs without Facegate installed, loaded from its file."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
