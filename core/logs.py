"""Logs an operator can use: one JSON object per line, a request id from the HTTP request through its Celery
tasks into its audit events, one line per request and per task, and no personal or biometric data.

What never enters a line: request paths (portal and confirmation links carry signed tokens; the route pattern
is logged instead), query strings, bodies, task arguments beyond the job's id, and the values a database error
quotes in its DETAIL and CONTEXT (an e-mail address in a unique key). Log messages in the code name ids, never addresses or
external references (`tests/core/test_logs.py` scans a whole flow's lines for them).
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

from celery import Task
from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_task_fields: ContextVar[dict[str, Any] | None] = ContextVar("task_fields", default=None)

REQUEST_ID_HEADER = "X-Request-Id"
# A caller's own id is kept (so one id spans its logs and ours) when it is short and plain; otherwise a new one.
_CALLER_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The lines of a PostgreSQL error that quote values.
_QUOTING = ("DETAIL:", "CONTEXT:")
# Attributes every LogRecord has: anything else on a record came from `extra=` and is a field of the line.
_RECORD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

log = logging.getLogger("facegate.requests")
task_log = logging.getLogger("facegate.tasks")


def request_id() -> str:
    """The id of the request (or of the request that queued this task); '' outside both."""
    return _request_id.get()


def annotate(**fields: object) -> None:
    """Add fields (timings, an outcome) to the running task's end line; nothing outside a task."""
    found = _task_fields.get()
    if found is not None:
        found.update(fields)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if rid := request_id():
            line["request_id"] = rid
        line.update({k: v for k, v in vars(record).items() if k not in _RECORD_ATTRS and k not in line})
        if record.exc_info and record.exc_info[1] is not None:
            line["exception"] = _exception_text(record.exc_info[1])
        return json.dumps(line, default=str, ensure_ascii=False)


def _exception_text(exc: BaseException) -> str:
    """The traceback without PostgreSQL's DETAIL and CONTEXT lines, which quote the row's values (an e-mail
    address in a unique key); a line of code in the traceback starts with spaces, never with those words."""
    lines = "".join(traceback.format_exception(exc)).splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(_QUOTING))


class RequestLogMiddleware:
    """First in the chain: gives the request its id (answered in X-Request-Id) and logs one line when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        token = _request_id.set(given if _CALLER_ID.fullmatch(given) else uuid.uuid4().hex)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id()
            match = getattr(request, "resolver_match", None)
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.route if match else "(unresolved)",
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """An unhandled error outside /api/ (core.failures logs those under it): its traceback, by route."""
        match = getattr(request, "resolver_match", None)
        log.error("unhandled error", exc_info=exception, extra={"route": match.route if match else "(unresolved)"})


def task_headers(queued_by: str) -> dict[str, object]:
    """What a message carries besides its ids: the id of the request that queued it and when it was sent."""
    return {"request_id": queued_by, "sent_at": time.time()}


def _task_ids(task: Task) -> dict[str, object]:
    """The task, its message and the row it works on (messages carry ids only: a job's id is its one argument)."""
    ids: dict[str, object] = {"task": task.name, "task_id": task.request.id}
    args: Sequence[object] = task.request.args or ()
    if len(args) == 1 and isinstance(args[0], str | int):
        ids["job"] = args[0]
    return ids


def task_started(task: Task) -> None:
    """Celery's task_prerun: the message's request id becomes this task's; a line with its time in the queue."""
    _request_id.set(getattr(task.request, "request_id", None) or "")
    _task_fields.set({"started": time.perf_counter()})
    sent_at = getattr(task.request, "sent_at", None)
    queued = {"queued_ms": round((time.time() - sent_at) * 1000, 1)} if sent_at else {}
    task_log.info("task started", extra={**_task_ids(task), **queued})


def task_ended(task: Task, state: str | None) -> None:
    """Celery's task_postrun: one line with the task's outcome, its run time and what the service annotated."""
    fields = _task_fields.get() or {}
    started = fields.pop("started", None)
    run = {"run_ms": round((time.perf_counter() - started) * 1000, 1)} if started else {}
    task_log.info("task ended", extra={**_task_ids(task), "state": state, **run, **fields})
    _task_fields.set(None)
    _request_id.set("")
