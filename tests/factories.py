"""Rows for the tests, in two kinds.

Module functions make rows directly with the models: any date or state, no audit trail, random unit vectors
instead of faces where no photo is needed. The `make_*` names (matching's tests) default to the fixed `NOW`
and give every subject a consent; the plain names (compliance's tests) default to the wall clock.

`ledger` builds consent-ledger rows through the consent services, so every row is one the product could have
written (with its audit events); the consent tests use it as `from tests.factories import ledger as f`.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
from django.utils import timezone

from consent import services
from consent.models import Consent, ConsentMethod, Notice, Purpose, Subject, Tenant
from core.audit import Actor
from core.emails import email_canonical
from matching.models import Enrollment, FaceTemplate, JobStatus, MatchJob
from policy.models import OrderAction, RegulatorOrder

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FRAUD = Purpose.FRAUD_PREVENTION
ACCESS = Purpose.ACCESS_CONTROL
MODEL = "Dlib"
# Two seeded streams, as before the factories were merged: the make_* templates draw only from their own, so the
# vectors matching's tests get do not depend on how many the compliance tests (some of them Hypothesis tests)
# drew before them. test_gate's ordering test searches the HNSW index without an iterative scan, where the
# result can depend on the vectors.
_rng = np.random.default_rng(7)
_make_rng = np.random.default_rng(7)


def vector(rng: np.random.Generator = _rng) -> list[float]:
    """A random 128-d unit vector: a stand-in for a face embedding."""
    v = rng.normal(size=128)
    return (v / np.linalg.norm(v)).tolist()


# Made directly with the models.


def tenant(slug: str | None = None) -> Tenant:
    slug = slug or f"t-{uuid.uuid4().hex[:8]}"
    return Tenant.objects.create(slug=slug, name=slug)


make_tenant = tenant


def notice(
    t: Tenant, purpose: str = FRAUD, retention_days: int | None = None, published_at: datetime | None = None
) -> Notice:
    text = f"Notice {uuid.uuid4()}"
    return Notice.objects.create(
        tenant=t,
        purpose=purpose,
        version=uuid.uuid4().hex[:8],
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        retention_days=retention_days,
        published_at=published_at or timezone.now() - timedelta(days=3650),
    )


def make_notice(tenant, purpose=FRAUD, published_at=NOW - timedelta(days=400), retention_days=None) -> Notice:
    return notice(tenant, purpose, retention_days=retention_days, published_at=published_at)


def subject(t: Tenant, jurisdiction: str = "GB", email: str = "", ref: str | None = None) -> Subject:
    email = email or f"{uuid.uuid4().hex[:6]}@x.test"
    return Subject.objects.create(
        tenant=t,
        jurisdiction_id=jurisdiction,
        email=email,
        email_canonical=email_canonical(email),
        external_ref=ref or uuid.uuid4().hex[:10],
    )


def make_subject(tenant, jurisdiction="GB", consent=True, **fields) -> Subject:
    """A subject without an email, consenting to fraud prevention unless consent=False."""
    fields.setdefault("email_canonical", email_canonical(fields.get("email", "")))
    s = Subject.objects.create(
        tenant=tenant, external_ref=uuid.uuid4().hex[:10], jurisdiction_id=jurisdiction, **fields
    )
    if consent:
        make_consent(s)
    return s


def _consent_row(
    s: Subject, n: Notice, method: str, granted_at: datetime, evidence: dict | None = None, **dates
) -> Consent:
    return Consent.objects.create(
        tenant_id=s.tenant_id,
        subject=s,
        purpose=n.purpose,
        notice=n,
        notice_sha256=n.sha256,
        method=method,
        granted_at=granted_at,
        **({"evidence": evidence} if evidence else {}),
        **dates,
    )


def consent(s: Subject, n: Notice, granted_at: datetime | None = None, **dates) -> Consent:
    return _consent_row(
        s,
        n,
        ConsentMethod.ELECTRONIC_SIGNATURE,
        granted_at or timezone.now() - timedelta(days=1),
        evidence={"ip": "192.0.2.1"},
        **dates,
    )


def make_consent(subject, purpose=FRAUD, granted_at=NOW - timedelta(days=30), notice=None, **dates) -> Consent:
    notice = notice or make_notice(subject.tenant, purpose)
    return _consent_row(subject, notice, ConsentMethod.EXPLICIT_OPT_IN, granted_at, **dates)


def template(s: Subject, enrolled: bool = True) -> FaceTemplate:
    """A template with a random embedding; with its (finished) enrolment unless enrolled=False."""
    enrollment = None
    if enrolled:
        enrollment = Enrollment.objects.create(
            tenant_id=s.tenant_id, subject=s, status=JobStatus.DONE, image=b"\xff\xd8 leftover", image_sha256="0" * 64
        )
    return FaceTemplate.objects.create(
        tenant_id=s.tenant_id,
        subject=s,
        enrollment=enrollment,
        model_name=MODEL,
        detector="dlib",
        embedding=vector(),
        source_sha256="1" * 64,
    )


def make_template(subject, model=MODEL) -> FaceTemplate:
    """A template with a random embedding and no enrolment, for any model name."""
    return FaceTemplate.objects.create(
        tenant=subject.tenant,
        subject=subject,
        model_name=model,
        detector="dlib",
        embedding=vector(_make_rng),
        source_sha256="0" * 64,
    )


def consented_subject(t: Tenant, n: Notice, jurisdiction: str = "GB", templates: int = 2) -> Subject:
    s = subject(t, jurisdiction)
    consent(s, n)
    for _ in range(templates):
        template(s)
    return s


def match_job_naming(
    subjects: list[Subject], t: Tenant | None = None, purpose=FRAUD, probe: bytes | None = None
) -> MatchJob:
    return MatchJob.objects.create(
        tenant=t,
        purpose=purpose,
        status=JobStatus.DONE,
        model_name=MODEL,
        threshold=0.07,
        probe=probe,
        probe_sha256="2" * 64,
        results=[
            {"subject_id": str(s.pk), "external_ref": s.external_ref, "distance": 0.01, "score": 0.99} for s in subjects
        ],
    )


def make_order(action=OrderAction.ERASE, lifted_at=None, **scope) -> RegulatorOrder:
    return RegulatorOrder.objects.create(
        regulator="UK ICO",
        reference=uuid.uuid4().hex[:8],
        action=action,
        received_at=NOW - timedelta(days=1),
        lifted_at=lifted_at,
        **scope,
    )


# Built through the consent services.


class ledger:  # noqa: N801 - a namespace, used like a module: `from tests.factories import ledger as f`
    """Consent-ledger rows built through the services, so every row is one the product could have written."""

    SYSTEM = Actor.system("tests")
    _seq = itertools.count()

    @staticmethod
    def tenant(slug: str | None = None):
        slug = slug or f"tenant-{next(ledger._seq)}"
        return services.tenant_create(slug=slug, name=slug.title(), actor=ledger.SYSTEM)[0]

    @staticmethod
    def api_key(tenant_obj, purposes=None):
        """Returns (key, raw secret)."""
        return services.api_key_create(
            tenant=tenant_obj, purposes=purposes or list(Purpose.values), actor=ledger.SYSTEM
        )

    @staticmethod
    def auth(raw: str) -> dict:
        return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}

    @staticmethod
    def subject(tenant_obj, jurisdiction="GB", email="person@example.org", external_ref=None):
        return services.subject_create(
            tenant=tenant_obj,
            external_ref=external_ref or f"ref-{next(ledger._seq)}",
            jurisdiction=jurisdiction,
            email=email,
            actor=ledger.SYSTEM,
        )

    @staticmethod
    def notice(tenant_obj, purpose="fraud_prevention", version=None, text="We compare your face to stop fraud."):
        return services.notice_create(
            tenant=tenant_obj,
            purpose=purpose,
            version=version or f"v{next(ledger._seq)}",
            text=text,
            retention_days=365,
            actor=ledger.SYSTEM,
        )

    @staticmethod
    def consent(
        subject_obj,
        purpose="fraud_prevention",
        notice_obj=None,
        method="written_release",
        evidence=None,
        expires_at=None,
    ):
        notice_obj = notice_obj or ledger.notice(subject_obj.tenant, purpose=purpose)
        return services.consent_grant(
            subject=subject_obj,
            purpose=purpose,
            notice=notice_obj,
            method=method,
            evidence=evidence or {},
            expires_at=expires_at,
            actor=ledger.SYSTEM,
        )
