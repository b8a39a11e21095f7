"""API throttles: per API key (or officer token) and per client IP, fixed windows counted in the cache.

The credential throttle is DRF's (after authentication); the IP throttle is a middleware in front of every
/api/ request, so that failed authentications count too. REMOTE_ADDR is the client behind no proxy; behind
one, the proxy must set it (gunicorn's --forwarded-allow-ips).

A window counter is one INCR per request (DRF's own SimpleRateThrottle re-writes a list of every timestamp in
the window). Rates come from API_THROTTLE_RATES ("<n>/<s|min|h>"); a throttled request answers 429 in the
error shape with Retry-After (core.api). The cache is Redis: when it is unreachable the API keeps answering
(the request is let through) rather than refusing everyone. Identities are hashed in the keys (an e-mail
address or a user name never sits in Redis). over_budget() also serves the officer login lockout and the
portal's per-address budget; over_cost_budget() counts units other than requests (the pixels a tenant's uploads
will cost the workers to decode, matching/admission.py).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from rest_framework.throttling import BaseThrottle

from core.failures import API_PREFIX, GENERIC, OUTAGES, json_error

if TYPE_CHECKING:  # DRF's APIView imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.request import Request
    from rest_framework.views import APIView

PERIODS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "100/min" -> (100, 60); "5/15m" -> (5, 900)."""
    count, period = rate.split("/")
    digits = "".join(ch for ch in period if ch.isdigit())
    return int(count), int(digits or 1) * PERIODS[period[len(digits)]]


def _key(scope: str, ident: str, window: int) -> str:
    return f"throttle:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}:{window}"


def _window(scope: str, ident: str) -> tuple[int, str, float] | None:
    """The budget of API_THROTTLE_RATES[scope], the cache key of `ident`'s current window and the seconds left in
    it; None when the scope has no rate."""
    rate = settings.API_THROTTLE_RATES.get(scope)
    if not rate:
        return None
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    return limit, _key(scope, ident, window), (window + 1) * period - now


def over_budget(scope: str, ident: str, *, count: bool = True) -> float | None:
    """Count one event of `ident` in `scope` (or only look, count=False); the seconds until the window ends
    when the budget of API_THROTTLE_RATES[scope] is spent, else None. Unreachable cache: never over budget."""
    if (found := _window(scope, ident)) is None:
        return None
    limit, key, left = found
    try:
        if count:
            cache.add(key, 0, timeout=int(left) + 2)
            used = cache.incr(key)
        else:
            used = (cache.get(key) or 0) + 1
    except OUTAGES:
        return None
    return left if used > limit else None


def over_cost_budget(scope: str, ident: str, cost: int) -> float | None:
    """Spend `cost` units of `ident`'s budget in `scope` (API_THROTTLE_RATES[scope]: units per period); the seconds
    until the window ends when that would overspend it (nothing is spent then), else None. Unreachable cache: never
    over budget."""
    if (found := _window(scope, ident)) is None:
        return None
    limit, key, left = found
    try:
        cache.add(key, 0, timeout=int(left) + 2)
        if cache.incr(key, cost) <= limit:
            return None
        cache.decr(key, cost)  # refused: a refused upload costs the tenant nothing
    except OUTAGES:
        return None
    return left


def clear(scope: str, ident: str) -> None:
    """Forget the current window of `ident` (a successful sign-in ends its run of failures)."""
    _, period = parse_rate(settings.API_THROTTLE_RATES[scope])
    try:
        cache.delete(_key(scope, ident, int(time.time() // period)))
    except OUTAGES:
        pass


def retry_after(wait: float) -> str:
    return str(max(1, math.ceil(wait)))


class WindowThrottle(BaseThrottle):
    scope = ""

    def ident(self, request: Request | HttpRequest) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request | HttpRequest, view: APIView | None) -> bool:
        ident = self.ident(request)
        self._wait = over_budget(self.scope, ident) if ident is not None else None
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class CredentialThrottle(WindowThrottle):
    """One budget per API key, and per officer token or session user."""

    scope = "credential"

    def ident(self, request: Request | HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)  # a DRF Request's
        if auth is not None and hasattr(auth, "pk"):
            return f"{type(auth).__name__}:{auth.pk}"
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return f"user:{user.pk}"
        return None


class IpThrottle(WindowThrottle):
    """One budget per client address, authenticated or not."""

    scope = "ip"

    def ident(self, request: Request | HttpRequest) -> str | None:
        return request.META.get("REMOTE_ADDR") or None


class IpThrottleMiddleware:
    """The per-IP budget of /api/, applied before authentication so that guessing keys is throttled too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            throttle = IpThrottle()
            if not throttle.allow_request(request, None):
                response = json_error(429, *GENERIC[429])
                response["Retry-After"] = retry_after(throttle.wait() or 0)  # refused: wait() is set
                return response
        return self.get_response(request)
