"""Compact JWS signed EdDSA with the platform's Ed25519 key (RFC 7515, RFC 8037), for JWTs (RFC 7519)."""

from __future__ import annotations

import json
from typing import Any

from core.keys import b64url, key_ring


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def jwt_sign(claims: dict[str, Any]) -> str:
    """header.payload.signature; the header names the key (`kid`), published with the whole key history at
    /.well-known/jwks.json."""
    ring = key_ring()  # one read: the kid and the key that signs are the same key's
    signing_input = f"{_segment({'alg': 'EdDSA', 'typ': 'JWT', 'kid': ring.active.kid})}.{_segment(claims)}"
    return f"{signing_input}.{b64url(ring.private.sign(signing_input.encode('ascii')))}"
