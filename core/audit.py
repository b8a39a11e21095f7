"""The audit log's append: every service write adds one event in its own transaction, without any lock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from core import logs
from core.models import AuditEvent


class _KeyLike(Protocol):
    """An API key (consent.models.ApiKey, which core may not import)."""

    @property
    def prefix(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    """Who did it: 'user:<name>', 'key:<prefix>', 'subject:<id>' (portal) or 'system:<task>'."""

    label: str

    @classmethod
    def user(cls, user: AbstractBaseUser | AnonymousUser) -> Actor:
        return cls(f"user:{user.get_username()}")

    @classmethod
    def api_key(cls, key: _KeyLike) -> Actor:
        return cls(f"key:{key.prefix}")

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(f"system:{name}")

    @classmethod
    def subject(cls, subject_id: object) -> Actor:
        return cls(f"subject:{subject_id}")


def canonical(event: dict[str, Any]) -> str:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def leaf_fields(
    seq: int, at: datetime, actor: str, action: str, object_type: str, object_id: str, details: dict[str, Any]
) -> dict[str, Any]:
    """What an event's leaf bytes hold: canonical JSON of these fields (docs/audit.md)."""
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
    *,
    actor: Actor,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (both commit or neither). No lock: the sequencer gives it its
    place in the Merkle tree after it has committed (core/transparency.py)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    details = json.loads(canonical(details or {}))
    if rid := logs.request_id():
        details.setdefault("request_id", rid)  # the request (or the task it queued) that made the change
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('core_auditevent', 'seq'))")
        seq = cursor.fetchone()[0]
    at = timezone.now()
    leaf = canonical(leaf_fields(seq, at, actor.label, action, object_type, str(object_id), details)).encode()
    return AuditEvent.objects.create(
        seq=seq,
        at=at,
        actor=actor.label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
        leaf=leaf,
    )


def audit_head_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
