"""Reads of the consent ledger. Client-facing reads are always scoped to the caller's tenant."""

from __future__ import annotations

import uuid

from django.db.models import Count, QuerySet

from consent.models import Consent, Notice, Subject, Tenant
from consent.purposes import purpose_check
from core.errors import NotFound


def _uuid_or_404(value, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None


def subject_list(*, tenant: Tenant, external_ref: str | None = None) -> QuerySet[Subject]:
    qs = Subject.objects.filter(tenant=tenant).order_by("created_at", "id")
    if external_ref is not None:
        qs = qs.filter(external_ref=external_ref)
    return qs


def subject_get(*, tenant: Tenant, subject_id) -> Subject:
    """Another tenant's subject is indistinguishable from a missing one."""
    subject = (
        Subject.objects.filter(tenant=tenant, pk=_uuid_or_404(subject_id, "subject"))
        .select_related("jurisdiction", "tenant")
        .annotate(template_count=Count("templates"))
        .first()
    )
    if subject is None:
        raise NotFound("No such subject.")
    return subject


def subject_consents(*, subject: Subject) -> QuerySet[Consent]:
    return subject.consents.select_related("notice").order_by("granted_at", "id")


def notice_list(*, tenant: Tenant, purpose: str | None = None) -> QuerySet[Notice]:
    qs = Notice.objects.filter(tenant=tenant).order_by("purpose", "published_at", "id")
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    return qs


def notice_get(*, tenant: Tenant, notice_id) -> Notice:
    notice = Notice.objects.filter(tenant=tenant, pk=_uuid_or_404(notice_id, "notice")).first()
    if notice is None:
        raise NotFound("No such notice.")
    return notice


def notice_for_consent(*, notice_id) -> Notice | None:
    """Unscoped on purpose: the consent service answers notice_mismatch for unknown and foreign notices alike."""
    return Notice.objects.filter(pk=notice_id).first()


def consent_get(*, tenant: Tenant, consent_id, purposes: list[str]) -> Consent:
    """`purposes`: the calling key's (consent.purposes): a consent of another purpose is 403, not 404 (why there)."""
    consent = (
        Consent.objects.filter(subject__tenant=tenant, pk=_uuid_or_404(consent_id, "consent"))
        .select_related("subject__tenant", "subject__jurisdiction", "notice")
        .first()
    )
    if consent is None:
        raise NotFound("No such consent.")
    purpose_check(consent.purpose, allowed=purposes)
    return consent


def portal_subject(*, subject_id) -> Subject | None:
    """The subject a valid portal link names; an erased subject has nothing left to show."""
    try:
        subject_id = uuid.UUID(str(subject_id))
    except ValueError:
        return None
    return (
        Subject.objects.filter(pk=subject_id, erased_at__isnull=True).select_related("tenant", "jurisdiction").first()
    )


def portal_consent(*, subject: Subject, consent_id) -> Consent | None:
    try:
        consent_id = uuid.UUID(str(consent_id))
    except ValueError:
        return None
    return subject.consents.select_related("notice").filter(pk=consent_id).first()


def public_notice(*, notice_id) -> Notice | None:
    """Notices are published texts: anyone holding the id (from a receipt) may read them."""
    try:
        notice_id = uuid.UUID(str(notice_id))
    except ValueError:
        return None
    return Notice.objects.select_related("tenant").filter(pk=notice_id).first()


def subjects_with_tenant(*, ids) -> QuerySet[Subject]:
    """Subjects by id (erased ones too: their tombstones), with tenant and jurisdiction, grouped by tenant."""
    return Subject.objects.filter(pk__in=list(ids)).select_related("tenant", "jurisdiction").order_by("tenant__slug")
