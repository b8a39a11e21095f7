"""What every API endpoint shares: the one error handler, the one page shape, the one create shape.

Error body: {"error": {"code": "...", "message": "...", "details": {...}}}
Page body:  {"count": n, "next": url | null, "previous": url | null, "results": [...]}
Create:     201 with the created resource exactly as its detail endpoint shows it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core import failures
from core.errors import DomainError
from core.retry import RETRY_AFTER_S, Busy, is_retryable

STATUS_OF_KIND = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "not_found": status.HTTP_404_NOT_FOUND,
    "conflict": status.HTTP_409_CONFLICT,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "unprocessable": status.HTTP_422_UNPROCESSABLE_ENTITY,
    "gone": status.HTTP_410_GONE,
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "unsupported_media": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    "busy": status.HTTP_503_SERVICE_UNAVAILABLE,
    "throttled": status.HTTP_429_TOO_MANY_REQUESTS,  # details.retry_after: seconds, also sent as Retry-After
}

_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "parse_error",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "validation_error",
}


def http_status(error: DomainError) -> int:
    return STATUS_OF_KIND[error.kind]


error_body = failures.error_body


def exception_handler(exc, context):
    if is_retryable(exc):  # a write path without `retrying` that lost a race: still 503 busy, never a 500
        exc = Busy(retry_after=RETRY_AFTER_S)
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.code, exc.message, exc.details), status=http_status(exc))
        if exc.kind == "busy":
            response["Retry-After"] = str(RETRY_AFTER_S)
        elif exc.kind == "throttled":
            response["Retry-After"] = str(exc.details["retry_after"])
        return response
    if known := failures.classify(exc):
        status_code, code, message = known
        response = Response(error_body(code, message), status=status_code, headers=failures.headers_for(status_code))
        set_rollback()
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(code, "The request is not valid.", {"fields": response.data})
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        body = error_body(code, str(detail))
    response.data = body
    return response


class Pagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000
    max_offset = 10_000_000  # far past any real list, far below what PostgreSQL's bigint OFFSET refuses

    def get_offset(self, request):
        offset = super().get_offset(request)
        if offset > self.max_offset:
            raise exceptions.ValidationError({self.offset_query_param: [f"Must be at most {self.max_offset}."]})
        return offset


def paginated(request, view, items, serializer_class) -> Response:
    """A page of `items` (a QuerySet or list) in the one page shape."""
    paginator = Pagination()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context={"request": request}).data)


def page_of(serializer_class, name: str):
    """The OpenAPI shape of a page of `serializer_class`."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


class JsonErrors:
    """For a view that also answers in another form (a JWT, a ZIP): its errors stay JSON in the one error shape."""

    def handle_exception(self, exc):
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)
