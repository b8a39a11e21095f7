"""The platform's Ed25519 signing key, one source for everything Facegate signs (audit tree heads, consent
receipts), and its public half as a JWK Set (RFC 7517, RFC 8037) at a stable public URL."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.http import HttpRequest, JsonResponse


@lru_cache(maxsize=1)
def signing_key() -> Ed25519PrivateKey:
    """AUDIT_SIGNING_KEY (base64 of the 32-byte seed), else a seed generated once into the data directory."""
    if settings.AUDIT_SIGNING_KEY:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.AUDIT_SIGNING_KEY))
    path = settings.AUDIT_SIGNING_KEY_FILE
    try:
        # O_EXCL: two processes starting at once agree on one key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(base64.b64encode(os.urandom(32)))
    except FileExistsError:
        pass
    for _ in range(50):  # the other process may still be writing it
        if seed := path.read_bytes().strip():
            return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))
        time.sleep(0.01)
    raise RuntimeError(f"empty audit signing key file {path}")


def public_key_bytes() -> bytes:
    return signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_id() -> str:
    """The RFC 7638 thumbprint of the public JWK: derived from the key, so it changes only with the key."""
    required = {"crv": "Ed25519", "kty": "OKP", "x": b64url(public_key_bytes())}
    return b64url(hashlib.sha256(json.dumps(required, sort_keys=True, separators=(",", ":")).encode()).digest())


def public_jwk() -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(public_key_bytes()),
        "kid": key_id(),
        "alg": "EdDSA",
        "use": "sig",
    }


def jwks_view(request: HttpRequest) -> JsonResponse:
    """GET /.well-known/jwks.json, public: the key that signs consent receipts and the audit log's tree heads."""
    response = JsonResponse({"keys": [public_jwk()]})
    response["Cache-Control"] = "public, max-age=300"
    return response
