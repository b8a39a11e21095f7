"""What any failure becomes under /api/: JSON in the one error shape, never an HTML page.

DRF's exception handler (core.api) covers the views; Django's handler400/403/404/500 (named in config.urls)
and ApiErrorMiddleware cover what happens before or outside a view: routing, the URL's length, request parsing
limits, query parameters, and a database or broker that is down (503 with Retry-After, never 500). What gunicorn
refuses before Django runs (a request line or headers over its limits) is config/gunicorn_conf.py's.
"""

from __future__ import annotations

import logging
import sys

import kombu.exceptions
import redis.exceptions
from django import db
from django.conf import settings
from django.core import exceptions as django_exceptions
from django.http import HttpResponse, JsonResponse
from django.views import defaults

from core import inputs

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5

# A dependency that is down or unreachable: the request may succeed later.
OUTAGES = (
    db.OperationalError,
    db.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    ConnectionError,
)

GENERIC = {
    400: ("bad_request", "The request is not valid."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    413: ("body_too_large", "The request body is too large."),
    414: ("uri_too_long", "The request URL is too long."),
    429: ("throttled", "Too many requests."),
    431: ("headers_too_large", "The request headers are too large."),
    500: ("internal_error", "The server failed to answer this request."),
    503: ("service_unavailable", "A service Facegate depends on is unavailable; retry later."),
}


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def classify(exc: BaseException) -> tuple[int, str, str] | None:
    """(status, code, message) for the failures that are not a view's own refusal; None for a real bug."""
    if isinstance(exc, OUTAGES):
        return 503, *GENERIC[503]
    if isinstance(exc, django_exceptions.RequestDataTooBig):
        return 413, *GENERIC[413]
    if isinstance(exc, (django_exceptions.TooManyFieldsSent, django_exceptions.TooManyFilesSent)):
        return 400, "too_many_fields", "The request has too many fields or files."
    if isinstance(exc, django_exceptions.SuspiciousOperation):
        return 400, *GENERIC[400]
    if isinstance(exc, RecursionError):
        return 400, "parse_error", "The request is nested too deeply."
    if isinstance(exc, db.DataError):
        # A value the database cannot hold (too long, out of range): the input's fault, whatever let it through.
        return 400, "invalid_value", "A value in the request is out of range."
    return None


def headers_for(status: int) -> dict:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else {}


def json_error(status: int, code: str, message: str, details: dict | None = None) -> JsonResponse:
    response = JsonResponse(error_body(code, message, details), status=status)
    for name, value in headers_for(status).items():
        response[name] = value
    return response


def response_for(exc: BaseException | None) -> JsonResponse:
    known = classify(exc) if exc is not None else None
    if known is None:
        return json_error(500, *GENERIC[500])
    return json_error(*known)


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def handler400(request, exception=None):
    if is_api(request):
        return response_for(exception) if exception is not None else json_error(400, *GENERIC[400])
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if is_api(request):
        return json_error(403, *GENERIC[403])
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if is_api(request):
        return json_error(404, *GENERIC[404])
    return defaults.page_not_found(request, exception)


def handler500(request):
    exc = sys.exc_info()[1]
    if is_api(request):
        return response_for(exc)
    if isinstance(exc, OUTAGES):
        return _page_unavailable()
    return defaults.server_error(request)


def _page_unavailable() -> HttpResponse:
    response = HttpResponse(
        "<!doctype html><title>Unavailable</title><p>Facegate is briefly unavailable. Please retry in a moment.",
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ApiErrorMiddleware:
    """Refuses over-long URLs and unstorable query parameters up front and turns any non-JSON error under /api/ into
    JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.get_full_path()) > settings.MAX_URL_BYTES:
            if is_api(request):
                return json_error(414, *GENERIC[414])
            return HttpResponse("URI Too Long", status=414, content_type="text/plain")
        if not is_api(request):
            return self.get_response(request)
        if found := inputs.query_problems(request.GET):
            return json_error(
                400, "validation_error", "The request is not valid.", {"fields": {k: [v] for k, v in found.items()}}
            )
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            code, message = GENERIC.get(response.status_code, ("error", "The request failed."))
            replaced = json_error(response.status_code, code, message)
            for name in ("Retry-After", "Allow"):
                if name in response:
                    replaced[name] = response[name]
            return replaced
        return response

    def process_exception(self, request, exception):
        if not is_api(request):
            return None
        if classify(exception) is None:
            match = request.resolver_match
            log.error("unhandled error", exc_info=exception, extra={"route": match.route if match else "(unresolved)"})
        return response_for(exception)
