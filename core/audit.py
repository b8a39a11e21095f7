"""The hash-chained audit log: every service write appends one event in its own transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core.models import AuditEvent

GENESIS_HASH = "0" * 64
_CHAIN_LOCK = 0x46414345  # pg advisory lock id: one writer extends the chain at a time


@dataclass(frozen=True)
class Actor:
    """Who did it: 'user:<name>', 'key:<prefix>', 'subject:<id>' (portal) or 'system:<task>'."""

    label: str

    @classmethod
    def user(cls, user) -> Actor:
        return cls(f"user:{user.get_username()}")

    @classmethod
    def api_key(cls, key) -> Actor:
        return cls(f"key:{key.prefix}")

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(f"system:{name}")

    @classmethod
    def subject(cls, subject_id) -> Actor:
        return cls(f"subject:{subject_id}")


def canonical(event: dict) -> str:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode()).hexdigest()


def _hashed_fields(seq: int, at, actor: str, action: str, object_type: str, object_id: str, details: dict) -> dict:
    return {
        "seq": seq,
        "at": at.isoformat(),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
    }


def audit_append(
    *, actor: Actor, action: str, obj=None, object_type: str = "", object_id="", details=None
) -> AuditEvent:
    """Append one event; must run inside the caller's transaction so both commit or neither."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    details = json.loads(canonical(details or {}))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
            cursor.execute("SELECT nextval(pg_get_serial_sequence('core_auditevent', 'seq'))")
            seq = cursor.fetchone()[0]
        last = AuditEvent.objects.order_by("-seq").values_list("hash", flat=True).first()
        prev_hash = last or GENESIS_HASH
        at = timezone.now()
        fields = _hashed_fields(seq, at, actor.label, action, object_type, str(object_id), details)
        return AuditEvent.objects.create(
            seq=seq,
            at=at,
            actor=actor.label,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details,
            prev_hash=prev_hash,
            hash=event_hash(prev_hash, fields),
        )


def audit_verify() -> dict:
    """Recompute the chain. {"valid": true, "events": N, "head": h} or the first broken sequence number."""
    prev_hash = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        fields = _hashed_fields(
            event.seq, event.at, event.actor, event.action, event.object_type, event.object_id, event.details
        )
        if event.prev_hash != prev_hash or event.hash != event_hash(prev_hash, fields):
            return {"valid": False, "events": count, "broken_seq": event.seq, "head": prev_hash}
        prev_hash = event.hash
        count += 1
    return {"valid": True, "events": count, "head": prev_hash}


def audit_head_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
