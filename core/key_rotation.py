"""Rotating the signing key (`manage.py rotate_signing_key`, docs/operations.md): a new key becomes active, the
old one is retired (its public half kept in the history with the time it stopped signing, its seed destroyed)."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import Actor, audit_append
from core.keys import (
    KeyRingError,
    SigningKey,
    key_ring,
    raw_public,
    ring_document,
    ring_from_document,
    thumbprint,
    write_private,
)

ROTATED = "signing_key.rotated"


def _replace_ring(path: Path, seed: bytes, *, expect_kid: str, now: datetime) -> SigningKey:
    """Write the rotated ring over the old one (rename: a reader sees the old file or the new, whole). Under a
    lock beside the file, and only if the key that signs is still `expect_kid`: two rotations at once don't
    retire a key nobody saw."""
    with open(path.with_name(f"{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ring = ring_from_document(json.loads(path.read_text()))
        if ring.active.kid != expect_kid:
            raise KeyRingError(f"the active key is {ring.active.kid!r} now, not {expect_kid!r}: rotated meanwhile")
        retired = SigningKey(ring.active.public, ring.active.active_from, now)
        temporary = write_private(path, ring_document(seed, active_from=now, retired=(retired, *ring.retired)))
        os.replace(temporary, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    # The seed file of an earlier release held the key just retired: it must not outlive it.
    Path(settings.AUDIT_SIGNING_KEY_FILE).unlink(missing_ok=True)
    return retired


def signing_key_rotate(*, actor: Actor) -> dict[str, object]:
    """Rotate the file ring and audit it (`signing_key.rotated` with both kids), in one step: the event commits
    only if the new ring is in place, and a failed write leaves both the ring and the log as they were."""
    if settings.AUDIT_SIGNING_KEY:
        raise KeyRingError(
            "the key comes from AUDIT_SIGNING_KEY: rotate it in your secret store (docs/operations.md,"
            " 'Rotate the signing key'); this command rotates the key ring file"
        )
    old = key_ring().active
    seed = os.urandom(32)
    new_kid = thumbprint(raw_public(Ed25519PrivateKey.from_private_bytes(seed)))
    now = timezone.now()
    with transaction.atomic():
        audit_append(
            actor=actor,
            action=ROTATED,
            object_type="signing_key",
            object_id=new_kid,
            details={"retired_kid": old.kid, "active_kid": new_kid, "at": now.isoformat()},
        )
        _replace_ring(Path(settings.AUDIT_KEY_RING_FILE), seed, expect_kid=old.kid, now=now)
    return {"retired_kid": old.kid, "active_kid": new_kid, "at": now.isoformat()}
