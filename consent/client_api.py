"""Base of the client-app endpoints, and who a request acts as (kept apart from consent.auth, which DRF imports
while it starts)."""

from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from consent.models import ApiKey
from core.audit import Actor


def request_actor(request) -> Actor:
    """The audit actor of an API request: the client app's key, or the officer."""
    if isinstance(request.auth, ApiKey):
        return Actor.api_key(request.auth)
    return Actor.user(request.user)


class IsClientApp(BasePermission):
    """Officer tokens and sessions authenticate too, but only an API key carries a tenant."""

    message = "This endpoint needs an API key (Authorization: Api-Key <key>)."

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)


class ClientApi(APIView):
    """Base of every client-app endpoint: API key required, request.auth.tenant scopes everything."""

    permission_classes = [IsClientApp]
