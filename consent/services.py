"""Writes of the consent ledger. Each runs in one transaction and appends its audit event."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from consent.auth import hash_key
from consent.links import PortalLink, portal_link, portal_link_send
from consent.models import ApiKey, Consent, ConsentMethod, Jurisdiction, Notice, Purpose, Subject, Tenant
from consent.purposes import purpose_check
from core.audit import Actor, audit_append
from core.emails import email_canonical
from core.enqueue import enqueue
from core.errors import Conflict, DomainError, PurposeNotAllowed, SubjectErased, UnknownJurisdiction
from core.replica import eligibility_removed
from core.retry import retrying

CONSENT_WITHDRAWN_NOTIFY_TASK = "compliance.tasks.consent_withdrawn_notify"

logger = logging.getLogger(__name__)


class UnknownPurpose(DomainError):
    code = "unknown_purpose"


class SubjectExists(Conflict):
    code = "subject_exists"
    default_message = "A subject with this external_ref already exists in this tenant."


class NoticeExists(Conflict):
    code = "notice_exists"
    default_message = "This notice version already exists; publish a change as a new version."


class NoticeMismatch(DomainError):
    code = "notice_mismatch"
    default_message = "The notice is not a notice of this tenant for this purpose."


class ConsentEvidenceRequired(DomainError):
    code = "consent_evidence_required"
    default_message = (
        "This jurisdiction requires a written release: method written_release, "
        "or electronic_signature with evidence naming the signer (signed_name)."
    )


class InvalidExpiry(DomainError):
    code = "validation_error"
    default_message = "expires_at must be later than the moment of consent."


CONTROLLER_FIELDS = ("contact", "address", "email", "phone", "url")


def _controller_value(field: str, value: object) -> object:
    """A controller field's value, checked as its column checks it (an e-mail, a URL)."""
    column = Tenant._meta.get_field(field)
    assert isinstance(column, models.Field)  # CONTROLLER_FIELDS are Tenant's own columns
    return column.clean(value, None)


@transaction.atomic
def tenant_create(*, slug: str, name: str = "", controller: dict | None = None, actor: Actor) -> tuple[Tenant, bool]:
    """`controller`: the privacy contact its consent receipts name (CONTROLLER_FIELDS, each checked as its column
    would: an e-mail, a URL); given for an existing tenant, the fields given are updated."""
    controller = {
        field: _controller_value(field, value)
        for field, value in (controller or {}).items()
        if field in CONTROLLER_FIELDS and value is not None
    }
    tenant, created = Tenant.objects.get_or_create(slug=slug, defaults={"name": name or slug, **controller})
    if created:
        audit_append(actor=actor, action="tenant.create", obj=tenant, details={"slug": slug})
    elif controller:
        Tenant.objects.filter(pk=tenant.pk).update(**controller)
        tenant.refresh_from_db()
        audit_append(actor=actor, action="tenant.controller_update", obj=tenant, details={"fields": sorted(controller)})
    return tenant, created


def _validate_purposes(purposes: list[str]) -> list[str]:
    unknown = [p for p in purposes if p not in Purpose.values]
    if unknown or not purposes:
        raise UnknownPurpose(f"Unknown purposes: {unknown}", allowed=Purpose.values)
    return sorted(set(purposes))


@transaction.atomic
def api_key_create(*, tenant: Tenant, purposes: list[str], name: str = "", actor: Actor) -> tuple[ApiKey, str]:
    """Returns the key and its secret; the secret is never stored, only its SHA-256."""
    prefix = secrets.token_hex(4)
    raw = f"fg_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        tenant=tenant, prefix=prefix, key_hash=hash_key(raw), purposes=_validate_purposes(purposes), name=name
    )
    audit_append(actor=actor, action="api_key.create", obj=key, details={"prefix": prefix, "purposes": key.purposes})
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: Actor) -> ApiKey:
    """From this commit on the key authenticates nothing. Idempotent: a revoked key keeps its first revocation time."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_append(actor=actor, action="api_key.revoke", obj=key, details={"prefix": key.prefix})
    return key


@retrying
@transaction.atomic
def subject_create(
    *, tenant: Tenant, external_ref: str | None, jurisdiction: str, email: str = "", actor: Actor
) -> Subject:
    jurisdiction = jurisdiction.strip().upper()  # "us-il" and "US-IL" name one law
    jurisdiction_obj = Jurisdiction.objects.filter(code=jurisdiction).first()
    if jurisdiction_obj is None:
        raise UnknownJurisdiction(f"Unknown jurisdiction {jurisdiction!r}.", jurisdiction=jurisdiction)
    canonical = email_canonical(email)
    try:
        # Savepoint: a concurrent duplicate hits the unique constraint instead of a pre-check race.
        with transaction.atomic():
            subject = Subject.objects.create(
                tenant=tenant,
                external_ref=external_ref or None,
                jurisdiction=jurisdiction_obj,
                email=email,
                email_canonical=canonical,
            )
    except IntegrityError:
        raise SubjectExists(external_ref=external_ref) from None
    # The email is personal data; the audit log keeps only whether one was given.
    audit_append(
        actor=actor,
        action="subject.create",
        obj=subject,
        details={"tenant": str(tenant.id), "jurisdiction": jurisdiction, "email_given": bool(email)},
    )
    return subject


@transaction.atomic
def subject_portal_link_issue(*, subject: Subject, actor: Actor) -> PortalLink:
    """A fresh signed link to the subject's consent page, for the tenant to hand to the person (in its own app, on
    paper) when no e-mail is on file. Audited: whoever holds the link sees and may withdraw the consents."""
    link = portal_link(subject)
    audit_append(actor=actor, action="subject.portal_link_issue", obj=subject, details={"expires_at": link.expires_at})
    return link


def notice_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@retrying
@transaction.atomic
def notice_create(
    *,
    tenant: Tenant,
    purpose: str,
    version: str,
    text: str,
    retention_days: int | None = None,
    allowed_purposes: list[str] | None = None,
    actor: Actor,
) -> Notice:
    """Publish a notice. `allowed_purposes` is the calling key's scope (None: platform)."""
    if purpose not in Purpose.values:
        raise PurposeNotAllowed(f"No notice can be published for {purpose!r}.", purpose=purpose)
    purpose_check(purpose, allowed=allowed_purposes)
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                tenant=tenant,
                purpose=purpose,
                version=version,
                text=text,
                sha256=notice_sha256(text),
                retention_days=retention_days,
                published_at=timezone.now(),
            )
    except IntegrityError:
        raise NoticeExists(purpose=purpose, version=version) from None
    audit_append(
        actor=actor,
        action="notice.create",
        obj=notice,
        details={"tenant": str(tenant.id), "purpose": purpose, "version": version, "sha256": notice.sha256},
    )
    return notice


def _has_signature_evidence(evidence: dict) -> bool:
    return isinstance(evidence, dict) and bool(str(evidence.get("signed_name") or "").strip())


def _check_consent_rules(
    *,
    subject: Subject,
    purpose: str,
    notice: Notice | None,
    method: str,
    evidence: dict,
    expires_at: datetime | None,
    allowed_purposes: list[str] | None,
    at: datetime,
) -> Notice:
    """The notice, once the consent is found lawful under it; else the refusal."""
    allowed = [p for p in Purpose.values if allowed_purposes is None or p in allowed_purposes]
    if purpose not in allowed:
        raise PurposeNotAllowed(purpose=purpose, allowed=allowed)
    if subject.erased_at is not None:
        raise SubjectErased()
    # One answer for an unknown notice and another tenant's notice: no oracle on other tenants' ids.
    if notice is None or notice.tenant_id != subject.tenant_id or notice.purpose != purpose:
        raise NoticeMismatch(purpose=purpose)
    if subject.jurisdiction.written_release_required and not (
        method == ConsentMethod.WRITTEN_RELEASE
        or (method == ConsentMethod.ELECTRONIC_SIGNATURE and _has_signature_evidence(evidence))
    ):
        raise ConsentEvidenceRequired(
            jurisdiction=subject.jurisdiction_id, law=subject.jurisdiction.law, citation=subject.jurisdiction.citation
        )
    if expires_at is not None and expires_at <= at:
        raise InvalidExpiry(expires_at=expires_at.isoformat())
    return notice


@retrying
@transaction.atomic
def consent_grant(
    *,
    subject: Subject,
    purpose: str,
    notice: Notice | None,
    method: str,
    evidence: dict | None = None,
    expires_at: datetime | None = None,
    allowed_purposes: list[str] | None = None,
    actor: Actor,
) -> Consent:
    """Record a consent under the exact notice text. `allowed_purposes` is the calling key's scope (None: platform).

    The subject is emailed a signed link to their consent page once the consent has committed.
    """
    evidence = evidence or {}
    now = timezone.now()
    # Row lock: a consent and an erasure of the same subject never interleave. The subject's row alone (not its
    # tenant's or jurisdiction's), and NO KEY UPDATE, so inserts referencing it (enrolments) are not blocked.
    subject = (
        Subject.objects.select_for_update(no_key=True, of=("self",))
        .select_related("jurisdiction", "tenant")
        .get(pk=subject.pk)
    )
    notice = _check_consent_rules(
        subject=subject,
        purpose=purpose,
        notice=notice,
        method=method,
        evidence=evidence,
        expires_at=expires_at,
        allowed_purposes=allowed_purposes,
        at=now,
    )
    consent = Consent.objects.create(
        tenant_id=subject.tenant_id,
        subject=subject,
        purpose=purpose,
        notice=notice,
        notice_sha256=notice.sha256,
        method=method,
        evidence=evidence,
        granted_at=now,
        expires_at=expires_at,
    )
    # Evidence may hold a name and an IP address: the audit event records that it exists, not what it says.
    audit_append(
        actor=actor,
        action="consent.grant",
        obj=consent,
        details={
            "subject": str(subject.id),
            "purpose": purpose,
            "notice": str(notice.id),
            "notice_sha256": notice.sha256,
            "method": method,
            "evidence_keys": len(evidence),
            "expires_at": expires_at,
        },
    )
    if subject.email:
        transaction.on_commit(lambda: _portal_link_send_logged(subject=subject, consent=consent))
    return consent


def _portal_link_send_logged(*, subject: Subject, consent: Consent) -> None:
    # The consent is already committed: a mail server that is down must not turn its 201 into a 500 (the client
    # would retry and record it twice). The link can be sent again; the failure is logged for operators.
    try:
        portal_link_send(subject=subject, consent=consent)
    except Exception:
        logger.exception("consent %s: could not email the portal link to subject %s", consent.id, subject.id)


@retrying
@transaction.atomic
def consent_withdraw(*, consent: Consent, actor: Actor) -> Consent:
    """Idempotent: a second withdrawal returns the first one's time and writes nothing.

    Commits before the caller answers; the policy gate reads withdrawn_at in SQL when a match starts.
    """
    # The subject first, as every writer of its consents (docs/concurrency.md): the hint of its templates follows.
    list(Subject.objects.select_for_update(no_key=True, of=("self",)).filter(pk=consent.subject_id).values("pk"))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    eligibility_removed()  # applied on the standby before this answers (core.replica)
    audit_append(
        actor=actor,
        action="consent.withdraw",
        obj=consent,
        details={"subject": str(consent.subject_id), "purpose": consent.purpose},
    )
    # The client app is told by compliance's webhooks (named, not imported: compliance is a higher layer).
    enqueue(CONSENT_WITHDRAWN_NOTIFY_TASK, str(consent.pk))
    return consent
