"""The web process's gunicorn settings, shared by the Procfile and `python -m devserver run`
(`gunicorn config.wsgi:application --config python:config.gunicorn_conf --bind ...`).

A request line up to gunicorn's largest (8190 bytes) reaches Django, which refuses a URL over MAX_URL_BYTES with
`414 uri_too_long` in the API's error shape (core.failures). A longer line, or headers over gunicorn's limits
(100 fields, 8190 bytes each), is refused by gunicorn before any request exists, so before the path is known:
JsonErrorWorker gives those refusals (414, 431) the same JSON answer instead of gunicorn's HTML page.
"""

from __future__ import annotations

import json
import os

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = 4
timeout = 60
# No access log: it would print request paths, which carry signed tokens (core.logs logs the route instead).
limit_request_line = 8190  # gunicorn's maximum; 0 would mean no bound at all
worker_class = "config.gunicorn_conf.JsonErrorWorker"


def on_starting(server):
    """The metric files of the processes of an earlier start go (a restart reads as a counter reset); those of
    processes still running (a Celery worker of the same deployment) stay."""
    from config.services_env import metrics_dir, metrics_files_of_dead_processes

    for file in metrics_files_of_dead_processes(metrics_dir()):
        file.unlink(missing_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    from config.services_env import metrics_dir

    multiprocess.mark_process_dead(worker.pid, path=str(metrics_dir()))


REFUSALS = {LimitRequestLine: (414, "URI Too Long"), LimitRequestHeaders: (431, "Request Header Fields Too Large")}


class JsonErrorWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc):
        refusal = REFUSALS.get(type(exc))
        if refusal is None:
            return super().handle_error(req, client, addr, exc)
        from core.failures import GENERIC, error_body  # Django is set up once the worker has loaded the app

        status, reason = refusal
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        body = json.dumps(error_body(*GENERIC[status])).encode()
        head = (
            f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("ascii") + body)
        except OSError:
            self.log.debug("Failed to send error message.")
