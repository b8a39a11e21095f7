"""Officer UI fixtures: rows made directly with the models (the UI only reads them) and officers via officer_create."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.utils import timezone

from compliance.models import DeletionCertificate
from compliance.services.certificates import certificate_sha256
from consent.models import Subject, Tenant
from core.audit import Actor
from core.officers import officer_create
from policy.models import LegalHold, OrderAction, OrderStatus, RegulatorOrder

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _fresh_audit_status():
    """The dashboard keeps the last chain check in the (Redis) cache; each test starts without one."""
    from compliance.selectors.audit import AUDIT_STATUS_KEY

    cache.delete(AUDIT_STATUS_KEY)
    yield
    cache.delete(AUDIT_STATUS_KEY)


@pytest.fixture
def officer(db):
    user, _, _ = officer_create(username="olivia", password=PASSWORD, actor=Actor.system("test"))
    return user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def tenant(db):
    return Tenant.objects.create(slug="acme", name="Acme Bank")


def make_subject(tenant, ref, jurisdiction="GB"):
    return Subject.objects.create(tenant=tenant, external_ref=ref, jurisdiction_id=jurisdiction)


def make_order(
    *, reference, deadline_in, status=OrderStatus.RUNNING, total=10, erased=3, held=(), certificate=None, **fields
):
    """An erase order; `certificate` becomes the certificate of its erasure pass."""
    now = timezone.now()
    order = RegulatorOrder.objects.create(
        regulator=fields.pop("regulator", "UK ICO"),
        reference=reference,
        action=OrderAction.ERASE,
        status=status,
        received_at=now - timedelta(days=20),
        deadline=now + deadline_in,
        subjects_total=total,
        subjects_erased=erased,
        held_subjects=list(held),
        scope_jurisdictions=["GB"],
        **fields,
    )
    if certificate is not None:  # an order finds its certificates by their cause, which the seal covers
        certificate.cause, certificate.cause_id = "order", str(order.pk)
        certificate.sha256 = certificate_sha256(certificate)
        certificate.save()
    return order


def make_certificate(*, subjects, finished_at=None):
    finished_at = finished_at or timezone.now()
    certificate = DeletionCertificate.objects.create(
        cause="order",
        cause_id=str(uuid.uuid4()),
        scope={"jurisdictions": ["GB"]},
        counts={"consent.subject": len(subjects), "matching.facetemplate": 2 * len(subjects)},
        subjects=list(subjects),
        started_at=finished_at - timedelta(minutes=2),
        finished_at=finished_at,
        audit_seq_from=1,
        audit_seq_to=5,
        vacuumed_at=finished_at,
    )
    certificate.sha256 = certificate_sha256(certificate)
    certificate.save(update_fields=["sha256"])
    return certificate


def make_hold(*, subjects, reason="Litigation: Doe v. Acme"):
    return LegalHold.objects.create(scope_subjects=list(subjects), reason=reason, created_by="olivia")


def confirm_form(html: str) -> dict[str, list[str]]:
    """The inputs of a confirmation page's Confirm form (compliance.officer.confirmation), as posted back."""
    form = html[html.index('id="confirm-form"') :]
    form = form[: form.index("</form>")]
    inputs: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        inputs.setdefault(name, []).append(unescape(value))
    return inputs


def post_confirmed(client, url: str, data: dict | None = None, **kwargs):
    """POST as an officer clicking twice: the preview (which must change nothing), then its Confirm."""
    preview = client.post(url, data or {})
    assert preview.status_code == 200 and 'id="confirm-form"' in preview.content.decode()
    return client.post(url, confirm_form(preview.content.decode()), **kwargs)
