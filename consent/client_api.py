"""Base of the client-app endpoints, and who a request acts as (kept apart from consent.auth, which DRF imports
while it starts)."""

from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from consent.models import ApiKey
from core.audit import Actor
from core.idempotency import HEADER, idempotency_claim, idempotency_record, request_fingerprint


def request_actor(request) -> Actor:
    """The audit actor of an API request: the client app's key, or the officer."""
    if isinstance(request.auth, ApiKey):
        return Actor.api_key(request.auth)
    return Actor.user(request.user)


def idempotency_scope(api_key: ApiKey) -> str:
    """Whose Idempotency-Keys these are: one credential's. Two keys of a tenant hold different purposes, so a key
    must never be answered another key's kept response (a fraud_prevention match replayed to an access_control key)."""
    return f"api_key:{api_key.pk}"


class IsClientApp(BasePermission):
    """Officer tokens and sessions authenticate too, but only an API key carries a tenant."""

    message = "This endpoint needs an API key (Authorization: Api-Key <key>)."

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)


class _Replay(Exception):
    def __init__(self, claim):
        self.claim = claim


class ClientApi(APIView):
    """Base of every client-app endpoint: API key required, request.auth.tenant scopes everything. Every POST
    honours an Idempotency-Key header (core/idempotency.py): the first response is kept and replayed."""

    permission_classes = [IsClientApp]
    _claim = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if request.method == "POST" and key is not None:
            fingerprint = request_fingerprint(request.method, request.path, request.data, request.FILES)
            claim = idempotency_claim(scope=idempotency_scope(request.auth), key=key, fingerprint=fingerprint)
            if claim.status is not None:  # the first request's answer
                raise _Replay(claim)
            self._claim = claim

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return Response(exc.claim.body, status=exc.claim.status, headers={"Idempotent-Replayed": "true"})
        try:
            return super().handle_exception(exc)
        except Exception:
            if self._claim is not None:  # an unexpected error (a 500): not kept, the client may retry the key
                idempotency_record(claim=self._claim, status=500, body=None)
                self._claim = None
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        if self._claim is not None:
            idempotency_record(claim=self._claim, status=response.status_code, body=response.data)
            self._claim = None
        return super().finalize_response(request, response, *args, **kwargs)
