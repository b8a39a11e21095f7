"""Rows for the tests, one plain function each, called as `factories.x(...)` (`from tests import factories`).

Two kinds, told apart by the name:
- a noun (`tenant`, `notice`, `subject`, `consent`, `template`, `order`, ...) writes the row straight to the model:
  any date or state, no audit trail, random unit vectors instead of faces where no photo is needed;
- a noun with the service's verb (`tenant_created`, `subject_created`, `notice_created`, `consent_granted`,
  `api_key_created`) goes through that consent service, so the row is one the product could have written, with its
  audit events.
Dates default to the wall clock; the fixed-clock tests pass `NOW`-based dates (e.g. `consented_at=GRANTED`).
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
GRANTED = NOW - timedelta(days=30)  # when the subjects of the fixed-clock tests consented
FRAUD = Purpose.FRAUD_PREVENTION
ACCESS = Purpose.ACCESS_CONTROL
MODEL = "Dlib"
SYSTEM = Actor.system("tests")
# One seeded stream for every embedding. A test whose outcome depends on the exact vectors passes its own
# generator to vector() instead of relying on how many the tests before it drew.
_rng = np.random.default_rng(7)
_seq = itertools.count()


def vector(rng: np.random.Generator = _rng) -> list[float]:
    """A random 128-d unit vector: a stand-in for a face embedding."""
    v = rng.normal(size=128)
    return (v / np.linalg.norm(v)).tolist()


# --- made directly with the models ---------------------------------------------------------------------------


def tenant(slug: str | None = None) -> Tenant:
    slug = slug or f"t-{uuid.uuid4().hex[:8]}"
    return Tenant.objects.create(slug=slug, name=slug)


def notice(
    t: Tenant, purpose: str = FRAUD, retention_days: int | None = None, published_at: datetime | None = None
) -> Notice:
    """A notice published ten years ago unless published_at."""
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


def subject(
    t: Tenant,
    jurisdiction: str = "GB",
    email: str | None = None,
    ref: str | None = None,
    *,
    consented_at: datetime | None = None,
    **fields,
) -> Subject:
    """A subject with a random email unless email ("" for none); consenting to fraud prevention at consented_at."""
    email = f"{uuid.uuid4().hex[:6]}@x.test" if email is None else email
    s = Subject.objects.create(
        tenant=t,
        jurisdiction_id=jurisdiction,
        email=email,
        email_canonical=email_canonical(email),
        external_ref=ref or uuid.uuid4().hex[:10],
        **fields,
    )
    if consented_at is not None:
        consent(s, granted_at=consented_at)
    return s


def consent(
    s: Subject, n: Notice | None = None, *, purpose: str = FRAUD, granted_at: datetime | None = None, **dates
) -> Consent:
    """A consent under notice n (a new notice for `purpose` when None), granted a day ago unless granted_at."""
    n = n or notice(s.tenant, purpose)
    return Consent.objects.create(
        tenant_id=s.tenant_id,
        subject=s,
        purpose=n.purpose,
        notice=n,
        notice_sha256=n.sha256,
        method=ConsentMethod.ELECTRONIC_SIGNATURE,
        granted_at=granted_at or timezone.now() - timedelta(days=1),
        evidence={"ip": "192.0.2.1"},
        **dates,
    )


def template(s: Subject, enrolled: bool = False, model: str = MODEL) -> FaceTemplate:
    """A template with a random embedding; with its (finished) enrolment when enrolled."""
    enrollment = None
    if enrolled:
        enrollment = Enrollment.objects.create(
            tenant_id=s.tenant_id, subject=s, status=JobStatus.DONE, image=b"\xff\xd8 leftover", image_sha256="0" * 64
        )
    return FaceTemplate.objects.create(
        tenant_id=s.tenant_id,
        subject=s,
        enrollment=enrollment,
        model_name=model,
        detector="dlib",
        embedding=vector(),
        source_sha256="1" * 64,
    )


def consented_subject(t: Tenant, n: Notice, jurisdiction: str = "GB", templates: int = 2) -> Subject:
    """A subject consenting under n a day ago, with `templates` enrolled templates."""
    s = subject(t, jurisdiction)
    consent(s, n)
    for _ in range(templates):
        template(s, enrolled=True)
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


def order(action=OrderAction.ERASE, lifted_at=None, **scope) -> RegulatorOrder:
    """A regulator order received the day before NOW."""
    return RegulatorOrder.objects.create(
        regulator="UK ICO",
        reference=uuid.uuid4().hex[:8],
        action=action,
        received_at=NOW - timedelta(days=1),
        lifted_at=lifted_at,
        **scope,
    )


# --- made through the consent services ------------------------------------------------------------------------


def tenant_created(slug: str | None = None) -> Tenant:
    slug = slug or f"tenant-{next(_seq)}"
    return services.tenant_create(slug=slug, name=slug.title(), actor=SYSTEM)[0]


def api_key_created(t: Tenant, purposes=None):
    """Returns (key, raw secret)."""
    return services.api_key_create(tenant=t, purposes=purposes or list(Purpose.values), actor=SYSTEM)


def auth(raw: str) -> dict:
    """The request headers of a client holding the raw API key."""
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def subject_created(t: Tenant, jurisdiction="GB", email="person@example.org", external_ref=None) -> Subject:
    return services.subject_create(
        tenant=t,
        external_ref=external_ref or f"ref-{next(_seq)}",
        jurisdiction=jurisdiction,
        email=email,
        actor=SYSTEM,
    )


def notice_created(t: Tenant, purpose=FRAUD, version=None, text="We compare your face to stop fraud.") -> Notice:
    return services.notice_create(
        tenant=t,
        purpose=purpose,
        version=version or f"v{next(_seq)}",
        text=text,
        retention_days=365,
        actor=SYSTEM,
    )


def consent_granted(
    s: Subject, purpose=FRAUD, notice_obj=None, method="written_release", evidence=None, expires_at=None
) -> Consent:
    """A consent granted through services.consent_grant, under a new notice for `purpose` unless notice_obj."""
    notice_obj = notice_obj or notice_created(s.tenant, purpose=purpose)
    return services.consent_grant(
        subject=s,
        purpose=purpose,
        notice=notice_obj,
        method=method,
        evidence=evidence or {},
        expires_at=expires_at,
        actor=SYSTEM,
    )
