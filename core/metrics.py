"""GET /metrics: what an operator scrapes (Prometheus text format), behind a bearer token (METRICS_TOKEN).

Two sources, chosen per metric (docs/operations.md#metrics):
- Events that happen in a process (a job's step times, the search path, a gate refusal, a failed webhook attempt)
  are counted where they happen, in prometheus_client's multiprocess mode: every web and worker process writes its
  own file under PROMETHEUS_MULTIPROC_DIR (config/settings.py) and a scrape sums them.
- What already lives in rows (waiting jobs, pending webhook deliveries, the audit events no signed head covers yet)
  is read from the database when scraped, by the collectors the apps register here from their AppConfig.ready()
  (as they register their start-up checks with core.checks): a count in a row is never double-kept in a file.

Labels name a tenant by its slug, a queue, a step, a path or a reason: never a subject, an e-mail or a secret.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

# Step latencies from 5 ms (a search) to 2 min (a queue behind a flood).
STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
# A job's timings (its `timings` row field, also its log line's) and the step each one is.
STEPS = {
    "queued_ms": "queue",
    "decode_ms": "decode",
    "detect_embed_ms": "detect_embed",
    "search_ms": "search",
    "total_ms": "total",
}

job_step_seconds = Histogram(
    "facegate_job_step_seconds",
    "Time of one step of a job, by job kind and step",
    ["kind", "step"],
    buckets=STEP_BUCKETS,
)
searches = Counter(
    "facegate_searches", "Gated vector searches, by the path chosen and the database", ["path", "database"]
)
search_ef_search = Histogram(
    "facegate_search_ef_search",
    "hnsw.ef_search of a search, when the search reports it, by path",
    ["path"],
    buckets=(40, 64, 100, 200, 400, 800, 1000),
)
gate_refusals = Counter("facegate_gate_refusals", "Faces the policy gate refused or dropped, by reason", ["reason"])
webhook_failures = Counter(
    "facegate_webhook_failures",
    "Webhook delivery attempts that failed; final=true when the delivery gave up",
    ["final"],
)

RowCollector = Callable[[], Iterable[Metric]]
_row_collectors: list[RowCollector] = []


def collector_register(collect: RowCollector) -> None:
    """An app's scrape-time reader of its rows (from its AppConfig.ready())."""
    if collect not in _row_collectors:
        _row_collectors.append(collect)


def gauge(name: str, documentation: str, labels: list[str], samples: Iterable[tuple[list[str], float]]) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for values, value in samples:
        family.add_metric(values, value)
    return family


def job_timings_observe(kind: str, timings: Mapping[str, object]) -> None:
    """Count a job's step times (and its search path) once its transaction commits: a retried run counts once."""

    def observe() -> None:
        for key, step in STEPS.items():
            value = timings.get(key)
            if isinstance(value, int | float):
                job_step_seconds.labels(kind=kind, step=step).observe(value / 1000)
        path = timings.get("search_path")
        if isinstance(path, str):
            name, _, database = path.partition("@")
            searches.labels(path=name, database=database or "primary").inc()
            ef_search = timings.get("ef_search")
            if isinstance(ef_search, int):
                search_ef_search.labels(path=name).observe(ef_search)

    transaction.on_commit(observe)


class _RowsCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        for collect in _row_collectors:
            yield from collect()


def _authorized(request: HttpRequest) -> bool:
    expected = f"Bearer {settings.METRICS_TOKEN}"
    return hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode())


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Unset METRICS_TOKEN: no endpoint at all (404). Set: the token as a bearer, else 401."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorized(request):
        answer = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
        answer["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return answer
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)  # type: ignore[no-untyped-call]
    registry.register(_RowsCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def process_dead(pid: int) -> None:
    """A web or worker process ended: its live gauges go (its counters stay in the sums)."""
    multiprocess.mark_process_dead(pid, path=settings.PROMETHEUS_MULTIPROC_DIR)  # type: ignore[no-untyped-call]
