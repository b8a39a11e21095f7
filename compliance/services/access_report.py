"""The access report: what Facegate holds about the subjects an answered access request covers, per organisation.

It reads only (through the selectors) and holds only the subject's own data: never a face vector, never another
person's entry of a match, never the reason of a legal hold (written for officers, it may name proceedings the law
lets the organisation keep confidential: GDPR Art. 23(1)(d) and (j)); the report says that a hold keeps the data,
and since and until when.
"""

from __future__ import annotations

from datetime import datetime

from compliance.models import AccessRequest
from compliance.selectors import certificates as certificate_selectors
from compliance.selectors import requests as request_selectors
from consent import selectors as consent_selectors
from consent.models import Subject
from matching import selectors as matching_selectors
from policy import selectors as policy_selectors

REPORT_FORMAT = "facegate.access-report/1"
ERASURE_LOOKUP = "facegate (erasure lookup by selfie)"  # a match job with no tenant is the platform's own lookup


def _consents(subject: Subject) -> list[dict]:
    return [
        {
            "id": c.pk,
            "purpose": c.purpose,
            "method": c.method,
            "granted_at": c.granted_at,
            "expires_at": c.expires_at,
            "withdrawn_at": c.withdrawn_at,
            "purpose_ended_at": c.purpose_ended_at,
            "evidence": c.evidence,
            "notice": {
                "version": c.notice.version,
                "published_at": c.notice.published_at,
                "sha256": c.notice.sha256,
                "text": c.notice.text,
            },
            "notice_sha256_at_consent": c.notice_sha256,
        }
        for c in consent_selectors.subject_consents(subject=subject)
    ]


def _matches(subject: Subject) -> list[dict]:
    """Each search that returned the subject, with the subject's own entry only."""
    found = []
    for job in matching_selectors.match_jobs_returning(subject=subject):
        own = next(r for r in job.results if r.get("subject_id") == str(subject.pk))
        found.append(
            {
                "id": job.pk,
                "organisation": job.tenant.slug if job.tenant_id else ERASURE_LOOKUP,
                "purpose": job.purpose,
                "at": job.created_at,
                "distance": own.get("distance"),
                "score": own.get("score"),
            }
        )
    return found


def _erasures(subject: Subject) -> dict:
    return {
        "erased_at": subject.erased_at,
        "cause": subject.erasure_cause,
        "requests": [
            {
                "id": r.pk,
                "source": r.source,
                "status": r.status,
                "received_at": r.received_at,
                "completed_at": r.completed_at,
                "refused_for_you": subject.pk in r.refused_subjects,
                "refusal_basis": r.refusal_basis if subject.pk in r.refused_subjects else "",
            }
            for r in request_selectors.erasure_requests_concerning(subject_id=subject.pk)
        ],
        "certificates": [
            {
                "id": c.pk,
                "cause": c.cause,
                "started_at": c.started_at,
                "finished_at": c.finished_at,
                "storage_cleaned_at": c.vacuumed_at,
                "sha256": c.sha256,
            }
            for c in certificate_selectors.certificates_naming(subject_id=subject.pk)
        ],
    }


def _subject_entry(subject: Subject, *, at: datetime) -> dict:
    templates = matching_selectors.templates_described(subject=subject)
    return {
        "subject": {
            "id": subject.pk,
            "reference": subject.external_ref,
            "jurisdiction": subject.jurisdiction_id,
            "law": subject.jurisdiction.law,
            "email": subject.email,
            "created_at": subject.created_at,
            "last_interaction_at": subject.last_interaction_at,
        },
        "consents": _consents(subject),
        "face_templates": {"count": len(templates), "templates": templates},
        "matches": _matches(subject),
        "verifications": [
            {"id": v.pk, "purpose": "identity_verification", "at": v.created_at, "status": v.status, "match": v.match}
            for v in matching_selectors.verifications_of(subject=subject)
        ],
        "erasure": _erasures(subject),
        "regulator_orders": [
            {
                "regulator": o.regulator,
                "reference": o.reference,
                "action": o.action,
                "received_at": o.received_at,
                "status": o.status,
                "lifted_at": o.lifted_at,
            }
            for o in policy_selectors.orders_covering(subject=subject)
        ],
        "legal_holds": [
            {"since": h.created_at, "until": h.expires_at}
            for h in policy_selectors.holds_covering_subject(subject=subject, at=at)
        ],
    }


def access_report_build(*, access_request: AccessRequest, at: datetime) -> dict:
    """The report as a dict of JSON-ready values (dates and ids are encoded by the caller)."""
    organisations: dict = {}
    for subject in consent_selectors.subjects_with_tenant(ids=access_request.subjects):
        heading = organisations.setdefault(
            subject.tenant.slug,
            {"organisation": {"code": subject.tenant.slug, "name": subject.tenant.name}, "subjects": []},
        )
        heading["subjects"].append(_subject_entry(subject, at=at))
    return {
        "format": REPORT_FORMAT,
        "generated_at": at,
        "access_request": {
            "id": access_request.pk,
            "received_at": access_request.received_at,
            "answered_at": access_request.completed_at,
            "jurisdiction": access_request.jurisdiction_id,
        },
        "organisations": list(organisations.values()),
        "notes": [
            "Face templates are numbers computed from a photo; the numbers themselves are never disclosed.",
            "Photos are not kept: each is deleted once its enrolment or search ends.",
            "A legal hold's reason is not shown: it may concern proceedings that must stay confidential.",
        ],
    }
