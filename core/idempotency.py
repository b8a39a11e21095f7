"""Idempotency keys, as Stripe has them: a client that sends `Idempotency-Key` with a POST may send it again
(after a timeout, say); the same key with the same body within 24 h gets the first response back and the work is
not done twice; the same key with another body is refused (422 idempotency_key_reused); a retry while the first
request still runs is 409 idempotency_key_in_use. 5xx answers are not kept, so such a request can be retried.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import Conflict, DomainError
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEPT = timedelta(hours=24)
ABANDONED = timedelta(minutes=5)  # longer than any request may run (gunicorn's timeout is 60 s)
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    kind = "unprocessable"
    default_message = "This Idempotency-Key was used with another request; use a new key for a new request."


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"
    default_message = "A request with this Idempotency-Key is still running; retry shortly."


class InvalidIdempotencyKey(DomainError):
    code = "invalid_idempotency_key"
    default_message = f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} characters."


def request_fingerprint(method: str, path: str, data: Any, files: Mapping[str, UploadedFile[bytes]]) -> str:
    """Over the parsed body, so a multipart upload sent again with another boundary still matches; files by hash."""
    if isinstance(data, dict):  # a QueryDict too
        fields = {k: data.getlist(k) if hasattr(data, "getlist") else data[k] for k in data if k not in files}
    else:  # a JSON body that is not an object (the view refuses it; the fingerprint must not crash first)
        fields = data
    uploads = {}
    for name in files:
        upload = files[name]
        upload.seek(0)
        uploads[name] = hashlib.sha256(upload.read()).hexdigest()
        upload.seek(0)
    canonical = json.dumps([method, path, fields, uploads], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_claim(*, scope: str, key: str, fingerprint: str) -> IdempotencyKey:
    """The key's row: new (status None, this request does the work) or the first request's (replay it)."""
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise InvalidIdempotencyKey()
    now = timezone.now()
    # Expired, or abandoned mid-request (a killed process): the key starts afresh.
    stale = Q(created_at__lt=now - KEPT) | Q(status__isnull=True, created_at__lt=now - ABANDONED)
    IdempotencyKey.objects.filter(stale, scope=scope, key=key).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=fingerprint, created_at=now)
    except IntegrityError:
        pass
    first = IdempotencyKey.objects.filter(scope=scope, key=key).first()
    if first is None:  # expired and removed by a concurrent request just now
        raise IdempotencyKeyInUse()
    if first.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if first.status is None:
        raise IdempotencyKeyInUse()
    return first


def idempotency_record(*, claim: IdempotencyKey, status: int, body: Any) -> None:
    """Keep the first response (or drop the claim after a 5xx, so the request may be retried)."""
    if status >= 500:
        claim.delete()
        return
    claim.status, claim.body = status, body
    claim.save(update_fields=["status", "body"])
