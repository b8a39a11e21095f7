"""GET /healthz: every registered check (database, pgvector, Redis, a Celery worker, the model weights), each named.

Anyone sees only healthy/unhealthy per part; versions, worker host names, socket paths and error texts go to a
compliance officer (session or `Authorization: Token`) alone.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from core import checks
from core.officers import is_officer


def _officer(request: HttpRequest) -> bool:
    if is_officer(getattr(request, "user", None)):
        return True
    try:
        found = TokenAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        return False
    return found is not None and is_officer(found[0])


def healthz(request: HttpRequest) -> JsonResponse:
    parts = checks.run()
    failing = [name for name, part in parts.items() if not part["ok"]]
    body: dict[str, Any] = {"status": "ok" if not failing else "unavailable", "failing": failing}
    if _officer(request):
        body.update(parts)
    else:
        body["parts"] = {name: "healthy" if part["ok"] else "unhealthy" for name, part in parts.items()}
    return JsonResponse(body, status=200 if not failing else 503)
