"""Rows for matching tests, made directly (the consent and compliance services are other apps' concern)."""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone as dt_timezone

import numpy as np

from compliance.models import OrderAction, RegulatorOrder
from consent.models import Consent, ConsentMethod, Notice, Purpose, Subject, Tenant
from matching.models import FaceTemplate

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=dt_timezone.utc)
FRAUD = Purpose.FRAUD_PREVENTION
ACCESS = Purpose.ACCESS_CONTROL
MODEL = "Dlib"
_rng = np.random.default_rng(7)


def make_tenant(slug=None) -> Tenant:
    slug = slug or f"t-{uuid.uuid4().hex[:8]}"
    return Tenant.objects.create(slug=slug, name=slug)


def make_notice(tenant, purpose=FRAUD, published_at=NOW - timedelta(days=400), retention_days=None) -> Notice:
    text = f"notice {uuid.uuid4()}"
    return Notice.objects.create(
        tenant=tenant, purpose=purpose, version=uuid.uuid4().hex[:8], text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(), retention_days=retention_days, published_at=published_at,
    )


def make_consent(subject, purpose=FRAUD, granted_at=NOW - timedelta(days=30), notice=None, **dates) -> Consent:
    notice = notice or make_notice(subject.tenant, purpose)
    return Consent.objects.create(
        subject=subject, purpose=purpose, notice=notice, notice_sha256=notice.sha256,
        method=ConsentMethod.EXPLICIT_OPT_IN, granted_at=granted_at, **dates,
    )


def make_subject(tenant, jurisdiction="GB", consent=True, **fields) -> Subject:
    subject = Subject.objects.create(
        tenant=tenant, external_ref=uuid.uuid4().hex[:10], jurisdiction_id=jurisdiction, **fields
    )
    if consent:
        make_consent(subject)
    return subject


def make_template(subject, model=MODEL) -> FaceTemplate:
    vector = _rng.normal(size=128)
    return FaceTemplate.objects.create(
        tenant=subject.tenant, subject=subject, model_name=model, detector="dlib",
        embedding=(vector / np.linalg.norm(vector)).tolist(), source_sha256="0" * 64,
    )


def make_order(action=OrderAction.ERASE, lifted_at=None, **scope) -> RegulatorOrder:
    return RegulatorOrder.objects.create(
        regulator="UK ICO", reference=uuid.uuid4().hex[:8], action=action, received_at=NOW - timedelta(days=1),
        lifted_at=lifted_at, **scope,
    )
