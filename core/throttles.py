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

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from core.failures import API_PREFIX, GENERIC, OUTAGES, json_error

PERIODS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "100/min" -> (100, 60); "5/15m" -> (5, 900)."""
    count, period = rate.split("/")
    digits = "".join(ch for ch in period if ch.isdigit())
    return int(count), int(digits or 1) * PERIODS[period[len(digits)]]


def _key(scope: str, ident: str, window: int) -> str:
    return f"throttle:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}:{window}"


def over_budget(scope: str, ident: str, *, count: bool = True) -> float | None:
    """Count one event of `ident` in `scope` (or only look, count=False); the seconds until the window ends
    when the budget of API_THROTTLE_RATES[scope] is spent, else None. Unreachable cache: never over budget."""
    rate = settings.API_THROTTLE_RATES.get(scope)
    if not rate:
        return None
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = _key(scope, ident, window)
    try:
        if count:
            cache.add(key, 0, timeout=period + 1)
            used = cache.incr(key)
        else:
            used = (cache.get(key) or 0) + 1
    except OUTAGES:
        return None
    return (window + 1) * period - now if used > limit else None


def over_cost_budget(scope: str, ident: str, cost: int) -> float | None:
    """Spend `cost` units of `ident`'s budget in `scope` (API_THROTTLE_RATES[scope]: units per period); the seconds
    until the window ends when that would overspend it (nothing is spent then), else None. Unreachable cache: never
    over budget."""
    rate = settings.API_THROTTLE_RATES.get(scope)
    if not rate:
        return None
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = _key(scope, ident, window)
    try:
        cache.add(key, 0, timeout=period + 1)
        if cache.incr(key, cost) <= limit:
            return None
        cache.decr(key, cost)  # refused: a refused upload costs the tenant nothing
    except OUTAGES:
        return None
    return (window + 1) * period - now


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

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        ident = self.ident(request)
        self._wait = over_budget(self.scope, ident) if ident is not None else None
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class CredentialThrottle(WindowThrottle):
    """One budget per API key, and per officer token or session user."""

    scope = "credential"

    def ident(self, request) -> str | None:
        if request.auth is not None and hasattr(request.auth, "pk"):
            return f"{type(request.auth).__name__}:{request.auth.pk}"
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return f"user:{user.pk}"
        return None


class IpThrottle(WindowThrottle):
    """One budget per client address, authenticated or not."""

    scope = "ip"

    def ident(self, request) -> str | None:
        return request.META.get("REMOTE_ADDR") or None


class IpThrottleMiddleware:
    """The per-IP budget of /api/, applied before authentication so that guessing keys is throttled too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            throttle = IpThrottle()
            if not throttle.allow_request(request, None):
                response = json_error(429, *GENERIC[429])
                response["Retry-After"] = retry_after(throttle.wait())
                return response
        return self.get_response(request)
