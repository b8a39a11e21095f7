"""The officer's "find anything": one typed text matched against every kind of record an officer can open.
Officers see every tenant's records (core.officers: no per-tenant scope), so the search reads the same rows the
lists show. A typed e-mail address is compared in its canonical form (core.emails) and never kept; a 64-hex text
is also tried as the SHA-256 of a canonical address."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db.models import F, Func, QuerySet, TextField, Value

from compliance.models import AccessRequest, DeletionCertificate, ErasureRequest
from consent.models import Subject
from core.emails import EmailUndeliverable, email_canonical
from policy.models import RegulatorOrder

RESULTS_PER_KIND = 50
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _email_sha256() -> Func:
    """SHA-256 (hex) of a subject's canonical address, computed by PostgreSQL."""
    digest = Func(Func(F("email_canonical"), Value("UTF8"), function="convert_to"), function="sha256")
    return Func(digest, Value("hex"), function="encode", output_field=TextField())


def _subjects(text: str, found_id: uuid.UUID | None) -> QuerySet[Subject]:
    rows = Subject.objects.select_related("tenant")
    if found_id:
        return rows.filter(pk=found_id)
    if "@" in text:
        try:
            canonical = email_canonical(text)
        except EmailUndeliverable:
            return rows.none()
        return rows.filter(email_canonical=canonical) if canonical else rows.none()
    if _SHA256.fullmatch(text.lower()):
        return rows.exclude(email_canonical="").annotate(email_hash=_email_sha256()).filter(email_hash=text.lower())
    return rows.filter(external_ref=text)


def _requests(model, text: str, found_id: uuid.UUID | None) -> list:
    """Erasure or access requests by id, or by the subject reference they name (an address names none here)."""
    if not found_id and "@" in text:
        return []
    rows = model.objects.select_related("tenant").filter(**({"pk": found_id} if found_id else {"external_ref": text}))
    return list(rows.order_by("-received_at")[:RESULTS_PER_KIND])


def search(*, text: str) -> dict[str, list]:
    """{kind: [rows]} for subjects, orders, erasure requests, access requests and certificates (each kind capped
    at RESULTS_PER_KIND). Ids and references match exactly (references are codes, not prose; an order's reference
    ignores case, as regulators write it either way)."""
    text = text.strip()
    if not text:
        return {}
    found_id = _uuid(text)
    orders = RegulatorOrder.objects.filter(**({"pk": found_id} if found_id else {"reference__iexact": text}))
    certificates = DeletionCertificate.objects.filter(pk=found_id) if found_id else DeletionCertificate.objects.none()
    return {
        "subjects": list(_subjects(text, found_id).order_by("tenant__slug", "external_ref")[:RESULTS_PER_KIND]),
        "orders": list(orders.order_by("-received_at")[:RESULTS_PER_KIND]),
        "erasure_requests": _requests(ErasureRequest, text, found_id),
        "access_requests": _requests(AccessRequest, text, found_id),
        "certificates": list(certificates),
    }


def only_match(results: dict[str, list]) -> tuple[str, Any] | None:
    """(kind, row) when exactly one record matched, else None."""
    rows = [(kind, row) for kind, found in results.items() for row in found]
    return rows[0] if len(rows) == 1 else None
