"""The platform's Ed25519 signing keys: the one that signs now and the public halves of the ones it replaced, with
when each was active (the key history). One source for everything Facegate signs (audit tree heads, consent
receipts, evidence manifests, erasure journal lines), and every key of the history as a JWK Set (RFC 7517,
RFC 8037) at a stable public URL. Each key is named by its `kid`, the RFC 7638 thumbprint of its public JWK.

Where the keys are kept (never in the database):
- by default one file, `AUDIT_KEY_RING_FILE` (`$FACEGATE_DATA_DIR/signing_keys.json`, mode 0600): the active key's
  seed and every key's public half and times. `manage.py rotate_signing_key` replaces it atomically and processes
  re-read it when it changes (core/key_rotation.py). A seed file of an earlier release (`audit_signing_key`) is
  adopted as the first key.
- `AUDIT_SIGNING_KEY` set (a secret store, several hosts): the active seed from it, the retired keys' public
  entries from `AUDIT_RETIRED_SIGNING_KEYS` (a JSON list of the file's entries), both set by the operator.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.http import HttpRequest, JsonResponse

RING_FORMAT = "facegate-signing-keys/1"


class KeyRingError(Exception):
    """The key ring can't be read or changed; the message says why."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def thumbprint(public: bytes) -> str:
    """The RFC 7638 thumbprint of the public JWK: derived from the key, so it changes only with the key."""
    required = {"crv": "Ed25519", "kty": "OKP", "x": b64url(public)}
    return b64url(hashlib.sha256(json.dumps(required, sort_keys=True, separators=(",", ":")).encode()).digest())


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class SigningKey:
    """One key of the history. active_from None: since the deployment began (a key adopted from before the
    history); retired_at None: the active key."""

    public: bytes
    active_from: datetime | None
    retired_at: datetime | None

    @property
    def kid(self) -> str:
        return thumbprint(self.public)

    def verifies(self, signature: bytes, message: bytes, *, signed_at: datetime) -> bool:
        """A signature of this key made while it was active: one dated after its retirement is refused (the
        retired seed is destroyed at rotation, so such a signature is a stale signer's or a forger's)."""
        if self.retired_at is not None and signed_at > self.retired_at:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def entry(self) -> dict[str, Any]:
        return {
            "kid": self.kid,
            "x": b64url(self.public),
            "active_from": self.active_from.isoformat() if self.active_from else None,
            "retired_at": self.retired_at.isoformat() if self.retired_at else None,
        }

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> SigningKey:
        key = cls(b64url_decode(entry["x"]), _time(entry.get("active_from")), _time(entry.get("retired_at")))
        if entry.get("kid", key.kid) != key.kid:
            raise KeyRingError(f"key entry {entry['kid']!r}: the kid is not the thumbprint of its public key")
        if key.retired_at is None:
            raise KeyRingError(f"retired key {key.kid!r} has no retired_at")
        return key


@dataclass(frozen=True)
class KeyRing:
    private: Ed25519PrivateKey
    active: SigningKey
    retired: tuple[SigningKey, ...]  # newest first

    @property
    def history(self) -> tuple[SigningKey, ...]:
        return (self.active, *self.retired)

    def get(self, kid: str | None) -> SigningKey | None:
        return next((k for k in self.history if k.kid == kid), None)


def ring_from_document(document: dict[str, Any]) -> KeyRing:
    if document.get("format") != RING_FORMAT:
        raise KeyRingError(f"not a {RING_FORMAT} key ring")
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(document["active"]["seed"]))
    active = SigningKey(raw_public(private), _time(document["active"].get("active_from")), None)
    retired = tuple(SigningKey.from_entry(e) for e in document["retired"])
    return KeyRing(private, active, retired)


def ring_document(seed: bytes, *, active_from: datetime | None, retired: tuple[SigningKey, ...]) -> dict[str, Any]:
    return {
        "format": RING_FORMAT,
        "active": {
            "kid": thumbprint(public := raw_public(Ed25519PrivateKey.from_private_bytes(seed))),
            "x": b64url(public),
            "active_from": active_from.isoformat() if active_from else None,
            "seed": base64.b64encode(seed).decode(),
        },
        "retired": [k.entry() for k in retired],
    }


def write_private(path: Path, document: dict[str, Any]) -> Path:
    """A new 0600 file beside `path` holding the document, fsynced; the caller links or renames it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(document, indent=2) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return temporary


def _ring_file_created(path: Path) -> None:
    """The first ring: the seed of an earlier release's key file, else a new one. Written whole, then linked into
    place (link fails when it exists): two processes starting at once agree on one key."""
    legacy = Path(settings.AUDIT_SIGNING_KEY_FILE)
    seed = base64.b64decode(legacy.read_bytes().strip()) if legacy.exists() else os.urandom(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = write_private(path, ring_document(seed, active_from=None, retired=()))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


_cache: tuple[tuple[object, ...], KeyRing] | None = None


def _source() -> tuple[object, ...]:
    """What the ring is read from, down to the file's identity: a rotation (a new file renamed over the old one)
    changes it, so every process signs with the new key from its next signature on."""
    if settings.AUDIT_SIGNING_KEY:
        return ("env", settings.AUDIT_SIGNING_KEY, settings.AUDIT_RETIRED_SIGNING_KEYS)
    path = Path(settings.AUDIT_KEY_RING_FILE)
    try:
        st = path.stat()
    except FileNotFoundError:
        _ring_file_created(path)
        st = path.stat()
    return ("file", str(path), st.st_ino, st.st_mtime_ns, st.st_size)


def key_ring() -> KeyRing:
    global _cache
    source = _source()
    if _cache is None or _cache[0] != source:
        if source[0] == "env":
            retired = json.loads(settings.AUDIT_RETIRED_SIGNING_KEYS or "[]")
            document = {"format": RING_FORMAT, "active": {"seed": settings.AUDIT_SIGNING_KEY}, "retired": retired}
        else:
            document = json.loads(Path(str(source[1])).read_text())
        try:
            _cache = (source, ring_from_document(document))
        except (KeyError, TypeError, ValueError) as exc:
            raise KeyRingError(f"the signing key ring ({source[0]}) is malformed: {exc!r}") from exc
    return _cache[1]


def signing_key() -> Ed25519PrivateKey:
    return key_ring().private


def public_key_bytes() -> bytes:
    return key_ring().active.public


def key_id() -> str:
    return key_ring().active.kid


def history_key(kid: str | None) -> SigningKey | None:
    """The key of the history with that kid, or None: whatever names another key is not Facegate's."""
    return key_ring().get(kid)


def public_jwk(key: SigningKey | None = None) -> dict[str, Any]:
    """The key as a JWK; the history's times as extra members (RFC 7517 4: a verifier ignores what it does not
    understand), so a verifier can refuse a signature dated after its key's retirement."""
    key = key or key_ring().active
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(key.public),
        "kid": key.kid,
        "alg": "EdDSA",
        "use": "sig",
        "active_from": key.active_from.isoformat() if key.active_from else None,
        "retired_at": key.retired_at.isoformat() if key.retired_at else None,
    }


def jwks_view(request: HttpRequest) -> JsonResponse:
    """GET /.well-known/jwks.json, public: every key of the history, the active one first, so that receipts, heads
    and journal lines signed before a rotation still verify."""
    response = JsonResponse({"keys": [public_jwk(k) for k in key_ring().history]})
    response["Cache-Control"] = "public, max-age=300"
    return response
