"""Who decides a data subject request (erasure or access): the confirmed requester alone, or an officer. Knowing a
reference or holding a photo of someone proves nothing by itself."""

from __future__ import annotations

from django.conf import settings

from compliance.models import ErasureRequest
from consent.models import Consent, Purpose, Subject
from core.emails import email_canonical
from matching.models import JobStatus


def requester_is_the_subject(erasure_request: ErasureRequest) -> bool:
    """A selfie proves a likeness, not an identity: see selfie_needs_an_officer."""
    if erasure_request.lookup_status or not erasure_request.external_ref:
        return True
    return reference_is_the_requesters(
        tenant_id=erasure_request.tenant_id, external_ref=erasure_request.external_ref, email=erasure_request.email
    )


def reference_is_the_requesters(*, tenant_id, external_ref: str, email: str) -> bool:
    """Knowing a reference proves nothing: the confirmed email must be the one the tenant holds for the subject,
    otherwise an officer checks the identity. A reference that names nobody (or an organisation code that names no
    tenant: tenant_id None) waits for an officer too, so the requester cannot tell it from one held under another
    address."""
    subject = Subject.objects.filter(tenant_id=tenant_id, external_ref=external_ref, erased_at__isnull=True).first()
    return subject is not None and bool(subject.email_canonical) and subject.email_canonical == email_canonical(email)


def subjects_of_confirmed_email(*, email: str) -> list:
    """The live subjects, at any tenant, whose tenant holds this confirmed address: the same proof as above, in the
    canonical form of core.emails (a database case fold would let a look-alike address in)."""
    canonical = email_canonical(email)
    if not canonical:
        return []
    return list(Subject.objects.filter(email_canonical=canonical, erased_at__isnull=True).values_list("pk", flat=True))


def selfie_needs_an_officer(erasure_request: ErasureRequest) -> bool:
    """A selfie names people in organisations the requester need not know, so an officer decides, unless the lookup
    has ended and every face it found is as near as a duplicate enrolment and held only for purposes the settings
    relax (never fraud_prevention)."""
    if not erasure_request.lookup_status:
        return False
    if erasure_request.lookup_status != JobStatus.DONE:
        return True
    relaxed = set(settings.SELFIE_ERASURE_WITHOUT_OFFICER_PURPOSES) - {Purpose.FRAUD_PREVENTION}
    if not relaxed:
        return True
    # The lookup's threshold is looser, for recall: it finds a stranger's face for one selfie in ten at ~1,900
    # people, more at platform scale (docs/accuracy.md). Only faces as near as a duplicate enrolment
    # (DUPLICATE_THRESHOLD, the distance alone for FPIR 1 %) are erased without an officer; 1:N matching's
    # threshold is no bound here, its rule also needs the ratio to the people after.
    scores = erasure_request.candidate_scores
    limit = settings.DUPLICATE_THRESHOLD
    if any(scores.get(str(c), {}).get("distance", 2.0) > limit for c in erasure_request.candidates):
        return True
    held_for = Consent.objects.filter(subject_id__in=erasure_request.candidates).values_list("purpose", flat=True)
    return not set(held_for) <= relaxed
