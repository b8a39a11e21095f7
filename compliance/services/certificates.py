"""Deletion certificates: what an erasure removed, when, under which audit events, sealed by their own SHA-256."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from compliance.models import DeletionCertificate
from core.audit import Actor, audit_append, audit_head_seq, canonical
from core.enqueue import enqueue
from core.models import AuditEvent
from core.transparency import audit_integrate, inclusion_proofs, latest_signed_head

CERTIFICATE_SEAL_TASK = "compliance.tasks.certificate_seal"


def certificate_payload(cert: DeletionCertificate) -> dict:
    """The fields the certificate's SHA-256 covers, in canonical form."""

    def iso(value: datetime | None):
        return value.isoformat() if value else None

    return {
        "id": str(cert.id),
        "cause": cert.cause,
        "cause_id": cert.cause_id,
        "scope": cert.scope,
        "counts": cert.counts,
        "subjects": sorted(str(s) for s in cert.subjects),
        "started_at": iso(cert.started_at),
        "finished_at": iso(cert.finished_at),
        "audit_seq_from": cert.audit_seq_from,
        "audit_seq_to": cert.audit_seq_to,
        "vacuumed_at": iso(cert.vacuumed_at),
    }


def certificate_sha256(cert: DeletionCertificate) -> str:
    return hashlib.sha256(canonical(certificate_payload(cert)).encode()).hexdigest()


def certificate_issue(
    *, cert_id, cause, cause_id, scope, counts, subjects, started_at, seq_from, vacuumed_at, actor: Actor
) -> DeletionCertificate:
    with transaction.atomic():
        cert = DeletionCertificate(
            id=cert_id,
            cause=cause,
            cause_id=str(cause_id or ""),
            scope=scope,
            counts={k: counts[k] for k in sorted(counts)},
            subjects=sorted(subjects),
            started_at=started_at,
            finished_at=timezone.now(),
            audit_seq_from=seq_from,
            audit_seq_to=audit_head_seq(),
            vacuumed_at=vacuumed_at,
        )
        cert.sha256 = certificate_sha256(cert)
        cert.save()
        audit_append(
            actor=actor,
            action="certificate.issue",
            obj=cert,
            details={"cause": cause, "cause_id": cert.cause_id, "sha256": cert.sha256, "counts": cert.counts},
        )
        enqueue(CERTIFICATE_SEAL_TASK, str(cert.pk))
    return cert


def certificate_seal(*, certificate_id, actor: Actor) -> DeletionCertificate | None:
    """Embed the latest signed tree head and the inclusion proof of each of the certificate's audit events (its
    erasure batches and its issue). Integrates pending events first (the sequencer, inline); None when some are
    still not in a signed tree (another sequencer run holds them: try again shortly)."""
    audit_integrate()
    with transaction.atomic():
        cert = DeletionCertificate.objects.select_for_update().get(pk=certificate_id)
        if cert.transparency:
            return cert
        events = list(
            AuditEvent.objects.filter(object_type=cert._meta.label_lower, object_id=str(cert.pk)).order_by("seq")
        )
        head = latest_signed_head()
        if head is None or any(e.leaf_index is None or e.leaf_index >= head["tree_size"] for e in events):
            return None
        proofs = inclusion_proofs([e.leaf_index for e in events if e.leaf_index is not None], head["tree_size"])
        cert.transparency = {
            "signed_head": head,
            "events": [
                {
                    "action": e.action,
                    "leaf": base64.b64encode(bytes(e.leaf)).decode(),
                    **proof,
                }
                for e, proof in zip(events, proofs, strict=True)
            ],
        }
        cert.save(update_fields=["transparency"])
        audit_append(
            actor=actor,
            action="certificate.seal",
            obj=cert,
            details={"tree_size": head["tree_size"], "root_hash": head["root_hash"], "events": len(events)},
        )
    return cert
