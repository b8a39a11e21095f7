"""`Authorization: Api-Key <key>` for client apps. The key's tenant and purposes travel on request.auth."""

from __future__ import annotations

import hashlib

from rest_framework import authentication, exceptions

from consent.models import ApiKey

KEYWORD = "Api-Key"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _, raw = header.partition(" ")
        if scheme != KEYWORD:
            return None
        raw = raw.strip()
        if not raw:
            raise exceptions.AuthenticationFailed("Empty API key.")
        key = ApiKey.objects.select_related("tenant").filter(key_hash=hash_key(raw)).first()
        if key is None or key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        return (key, key)

    def authenticate_header(self, request):
        return KEYWORD
