"""The evidence pack of a regulator order: one ZIP a regulator can check offline (tools/verify_evidence.py).

It holds the order, its timeline, its deletion certificates, the audit events concerning it (the order's and its
certificates') with their RFC 9162 inclusion proofs, the signed tree head those proofs are against, the public
key, a printable summary, and a manifest of every file's SHA-256 signed with the platform key (a JWT), so that
no file can be changed without the verifier noticing.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from compliance.models import DeletionCertificate
from compliance.selectors.certificates import certificate_document, order_certificates
from compliance.services.scopes import scope_describe
from core.audit import Actor, audit_append
from core.jws import jwt_sign
from core.keys import key_id, public_jwk, public_key_bytes
from core.models import AuditEvent
from core.transparency import audit_integrate, inclusion_proofs, latest_signed_head
from policy.models import RegulatorOrder

PACK_FORMAT = "facegate-evidence-pack-v1"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _order_document(order: RegulatorOrder) -> dict:
    return {
        "id": str(order.pk),
        "regulator": order.regulator,
        "reference": order.reference,
        "action": order.action,
        "status": order.status,
        "scope": scope_describe(order),
        "received_at": _iso(order.received_at),
        "issued_at": _iso(order.issued_at),
        "deadline": _iso(order.deadline),
        "recorded_at": _iso(order.created_at),
        "completed_at": _iso(order.completed_at),
        "lifted_at": _iso(order.lifted_at),
        "subjects_total": order.subjects_total,
        "subjects_erased": order.subjects_erased,
        "held_subjects": [str(s) for s in order.held_subjects],
        "exceptions": order.exceptions,
    }


def _timeline(order: RegulatorOrder, events: list[AuditEvent]) -> list[dict]:
    """What happened to the order, in time order: its own dates and every audit event concerning it."""
    marks = [
        (order.issued_at, "issued by the regulator", "order"),
        (order.received_at, "received", "order"),
        (order.deadline, "deadline", "order"),
        (order.completed_at, "completed", "order"),
        (order.lifted_at, "lifted", "order"),
    ]
    entries = [(at, {"what": what, "source": source}) for at, what, source in marks if at]
    entries += [(e.at, {"what": e.action, "source": f"audit event seq {e.seq}", "actor": e.actor}) for e in events]
    entries.sort(key=lambda entry: entry[0])
    return [{"at": at.isoformat(), **entry} for at, entry in entries]


def _event_json(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "leaf": base64.b64encode(bytes(event.leaf)).decode(),
    }


def _events_with_proofs(events: list[AuditEvent], head: dict | None) -> dict:
    """Events in the signed head carry their index and audit path; the others are listed as not yet in it."""
    size = head["tree_size"] if head else 0
    included = [e for e in events if e.leaf_index is not None and e.leaf_index < size]
    pending = [e for e in events if e.leaf_index is None or e.leaf_index >= size]
    indexes = [e.leaf_index for e in included if e.leaf_index is not None]
    proofs = inclusion_proofs(indexes, size) if included else []
    return {
        "tree_size": size,
        "events": [
            {**_event_json(e), "index": p["index"], "audit_path": p["audit_path"]}
            for e, p in zip(included, proofs, strict=True)
        ],
        "not_yet_in_signed_head": [_event_json(e) for e in pending],
    }


def _dump(value) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True).encode()


def evidence_pack_build(*, order: RegulatorOrder, actor: Actor) -> bytes:
    """The ZIP's bytes. Integrates pending audit events first (the sequencer, inline), so what happened so far is
    in the signed head; events another sequencer run still holds are listed under not_yet_in_signed_head."""
    audit_integrate()
    certificates = list(order_certificates(order=order))
    events = list(
        AuditEvent.objects.filter(
            Q(object_type=RegulatorOrder._meta.label_lower, object_id=str(order.pk))
            | Q(object_type=DeletionCertificate._meta.label_lower, object_id__in=[str(c.pk) for c in certificates])
        ).order_by("seq")
    )
    head = latest_signed_head()
    proven = _events_with_proofs(events, head)
    public_key = {
        "jwk": public_jwk(),
        "raw_base64": base64.b64encode(public_key_bytes()).decode(),
        "published_at": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("jwks"),
    }
    documents = {f"certificates/{c.pk}.json": certificate_document(certificate=c) for c in certificates}
    order_document, timeline = _order_document(order), _timeline(order, events)
    files = {
        "order.json": _dump(order_document),
        "timeline.json": _dump(timeline),
        "events.json": _dump(proven),
        "signed_head.json": _dump(head),
        "public_key.json": _dump(public_key),
        **{name: _dump(document) for name, document in documents.items()},
    }
    created = timezone.now()
    files["summary.html"] = render_to_string(
        "officer/evidence_summary.html",
        {
            "order": order_document,
            "timeline": timeline,
            "certificates": documents.values(),
            "head": head,
            "head_time": datetime.fromtimestamp(head["timestamp"] / 1000, tz=UTC) if head else None,
            "proven": proven,
            "key_id": key_id(),
            "public_key": public_key,
            "created": created,
        },
    ).encode()
    manifest = {
        "format": PACK_FORMAT,
        "order": str(order.pk),
        "created": created.isoformat(),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    files["manifest.json"] = _dump(manifest)
    files["manifest.jwt"] = jwt_sign(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        for name, data in files.items():
            pack.writestr(f"evidence-{order.pk}/{name}", data)
    with transaction.atomic():
        audit_append(
            actor=actor,
            action="order.evidence_export",
            obj=order,
            details={
                "tree_size": proven["tree_size"],
                "events": len(proven["events"]),
                "not_yet_in_signed_head": len(proven["not_yet_in_signed_head"]),
                "manifest_sha256": hashlib.sha256(files["manifest.json"]).hexdigest(),
            },
        )
    return buffer.getvalue()
