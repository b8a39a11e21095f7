"""An erase order recorded in the officer UI, carried out by a real Celery worker, blocked by a legal hold,
resumed by releasing the hold from the order page, and proved on the certificate page."""

import re

import pytest

from compliance.models import DeletionCertificate
from consent.models import Subject
from matching.models import FaceTemplate
from policy.models import LegalHold, OrderStatus, RegulatorOrder
from tests.helpers import wait_for

from .conftest import make_hold, make_subject, post_confirmed

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_erase_order_blocked_by_hold_then_released_from_the_ui(officer_client, tenant, celery_worker):
    subjects = [make_subject(tenant, f"c-{i}") for i in range(3)]
    for subject in subjects:
        FaceTemplate.objects.create(
            tenant=tenant,
            subject=subject,
            model_name="Dlib",
            detector="dlib",
            embedding=[0.1] * 128,
            source_sha256="d" * 64,
        )
    held = subjects[0]
    hold = make_hold(subjects=[held.pk], reason="Preserve for Doe v. Acme")

    response = post_confirmed(
        officer_client,
        "/officer/orders/new/",
        {
            "regulator": "UK ICO",
            "reference": "ENF-E2E",
            "action": "erase",
            "tenants": "acme",
            "jurisdictions": "",
            "subjects": "",
            "received_at": "2026-11-20T09:30",
            "deadline": "2026-12-20T09:30",
        },
    )
    order = RegulatorOrder.objects.get(reference="ENF-E2E")
    assert response["Location"] == f"/officer/orders/{order.pk}/"

    order = wait_for(lambda: RegulatorOrder.objects.get(pk=order.pk), lambda o: o.status == OrderStatus.BLOCKED_BY_HOLD)
    assert order.held_subjects == [held.pk] and order.subjects_erased == 2
    page = officer_client.get(f"/officer/orders/{order.pk}/").content.decode()
    assert 'id="held-subjects"' in page and "c-0" in page and "Preserve for Doe v. Acme" in page
    assert f"/officer/holds/{hold.pk}/release/" in page
    assert FaceTemplate.objects.filter(subject=held).exists()

    post_confirmed(officer_client, f"/officer/holds/{hold.pk}/release/", {"next": f"/officer/orders/{order.pk}/"})
    order = wait_for(lambda: RegulatorOrder.objects.get(pk=order.pk), lambda o: o.status == OrderStatus.DONE)
    assert not FaceTemplate.objects.filter(tenant=tenant).exists()
    assert Subject.objects.filter(tenant=tenant, erased_at__isnull=True).count() == 0
    assert LegalHold.objects.get(pk=hold.pk).released_at is not None

    page = officer_client.get(f"/officer/orders/{order.pk}/").content.decode()
    certificate_ids = re.findall(r'href="/officer/certificates/([0-9a-f-]{36})/"', page)
    assert set(certificate_ids) == {str(c) for c in DeletionCertificate.objects.values_list("pk", flat=True)}
    for certificate_id in set(certificate_ids):
        assert "matches its content" in officer_client.get(f"/officer/certificates/{certificate_id}/").content.decode()

    dashboard = officer_client.get("/officer/").content.decode()
    bars = re.findall(r'<rect class="bar"[^>]*data-value="(\d+)"', dashboard)
    assert bars[-1] == "3"
    assert "ENF-E2E" in dashboard.split("Recently completed orders", 1)[1]
