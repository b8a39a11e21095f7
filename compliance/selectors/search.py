"""The officer's "find anything": one typed text matched against every kind of record an officer can open.
Officers see every tenant's records (core.officers: no per-tenant scope), so the search reads the same rows the
lists show. A typed e-mail address is compared in its canonical form (core.emails) and never kept; a 64-hex text
is also tried as the SHA-256 of a canonical address."""

from __future__ import annotations

import re
import uuid

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


def search(*, text: str) -> dict[str, list]:
    """{kind: [rows]} for subjects, orders, erasure requests, access requests and certificates (each kind capped
    at RESULTS_PER_KIND). An id matches exactly; a subject reference or order reference matches exactly too
    (references are codes, not prose)."""
    text = text.strip()
    if not text:
        return {}
    found_id = _uuid(text)
    by_id = {"pk": found_id} if found_id else None
    return {
        "subjects": list(_subjects(text, found_id).order_by("tenant__slug", "external_ref")[:RESULTS_PER_KIND]),
        "orders": list(
            RegulatorOrder.objects.filter(**(by_id or {"reference__iexact": text})).order_by("-received_at")[
                :RESULTS_PER_KIND
            ]
        ),
        "erasure_requests": list(
            ErasureRequest.objects.select_related("tenant")
            .filter(**(by_id or {"external_ref": text}))
            .order_by("-received_at")[:RESULTS_PER_KIND]
        )
        if by_id or "@" not in text
        else [],
        "access_requests": list(
            AccessRequest.objects.select_related("tenant")
            .filter(**(by_id or {"external_ref": text}))
            .order_by("-received_at")[:RESULTS_PER_KIND]
        )
        if by_id or "@" not in text
        else [],
        "certificates": list(
            DeletionCertificate.objects.filter(pk=found_id).order_by("-finished_at") if found_id else []
        ),
    }


def only_match(results: dict[str, list]) -> tuple[str, object] | None:
    """(kind, row) when exactly one record matched, else None."""
    rows = [(kind, row) for kind, found in results.items() for row in found]
    return rows[0] if len(rows) == 1 else None
