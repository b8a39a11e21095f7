"""Rows for compliance tests, made directly (random unit vectors instead of faces where no photo is needed)."""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

import numpy as np
from django.utils import timezone

from consent.models import Consent, ConsentMethod, Notice, Purpose, Subject, Tenant
from matching.models import Enrollment, FaceTemplate, JobStatus, MatchJob

MODEL = "Dlib"
_rng = np.random.default_rng(7)


def vector() -> list[float]:
    v = _rng.normal(size=128)
    return (v / np.linalg.norm(v)).tolist()


def tenant(slug: str | None = None) -> Tenant:
    slug = slug or f"t-{uuid.uuid4().hex[:8]}"
    return Tenant.objects.create(slug=slug, name=slug)


def notice(t: Tenant, purpose: str = Purpose.FRAUD_PREVENTION, retention_days: int | None = None,
           published_at: datetime | None = None) -> Notice:
    text = f"Notice {uuid.uuid4()}"
    return Notice.objects.create(tenant=t, purpose=purpose, version=uuid.uuid4().hex[:8], text=text,
                                 sha256=hashlib.sha256(text.encode()).hexdigest(), retention_days=retention_days,
                                 published_at=published_at or timezone.now() - timedelta(days=3650))


def subject(t: Tenant, jurisdiction: str = "GB", email: str = "", ref: str | None = None) -> Subject:
    return Subject.objects.create(tenant=t, jurisdiction_id=jurisdiction, email=email or f"{uuid.uuid4().hex[:6]}@x.test",
                                  external_ref=ref or uuid.uuid4().hex[:10])


def consent(s: Subject, n: Notice, granted_at: datetime | None = None, **dates) -> Consent:
    return Consent.objects.create(subject=s, purpose=n.purpose, notice=n, notice_sha256=n.sha256,
                                  method=ConsentMethod.ELECTRONIC_SIGNATURE, evidence={"ip": "192.0.2.1"},
                                  granted_at=granted_at or timezone.now() - timedelta(days=1), **dates)


def template(s: Subject, enrolled: bool = True) -> FaceTemplate:
    enrollment = None
    if enrolled:
        enrollment = Enrollment.objects.create(tenant_id=s.tenant_id, subject=s, status=JobStatus.DONE,
                                               image=b"\xff\xd8 leftover", image_sha256="0" * 64)
    return FaceTemplate.objects.create(tenant_id=s.tenant_id, subject=s, enrollment=enrollment, model_name=MODEL,
                                       detector="dlib", embedding=vector(), source_sha256="1" * 64)


def consented_subject(t: Tenant, n: Notice, jurisdiction: str = "GB", templates: int = 2) -> Subject:
    s = subject(t, jurisdiction)
    consent(s, n)
    for _ in range(templates):
        template(s)
    return s


def match_job_naming(subjects: list[Subject], t: Tenant | None = None, purpose=Purpose.FRAUD_PREVENTION,
                     probe: bytes | None = None) -> MatchJob:
    return MatchJob.objects.create(
        tenant=t, purpose=purpose, status=JobStatus.DONE, model_name=MODEL, threshold=0.07, probe=probe,
        probe_sha256="2" * 64,
        results=[{"subject_id": str(s.pk), "external_ref": s.external_ref, "distance": 0.01, "score": 0.99}
                 for s in subjects],
    )
