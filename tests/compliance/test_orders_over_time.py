"""Orders over time, end to end with the real worker: after an erase order is done, a subject of its scope that
arrives later is enrolled and matched like any other (the order reaches what was held, not the future)."""

from __future__ import annotations

import io

import pytest
from rest_framework.test import APIClient

from consent.models import Purpose
from consent.services import api_key_create
from core.audit import Actor
from matching.models import FaceTemplate
from tests import factories
from tests.helpers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("test")


def test_order_done_then_a_new_subject_of_its_scope_is_enrolled_and_matched(
    celery_worker, api, faces_dir, tenant, notice
):
    before = factories.consented_subject(tenant, notice, "GB")
    created = api.post(
        "/api/v1/orders",
        {
            "regulator": "UK ICO",
            "reference": "ENF-GB-1",
            "action": "erase",
            "scope": {"jurisdictions": ["GB"]},
            "received_at": "2026-11-20T09:00:00Z",
        },
        format="json",
    ).json()
    order = wait_for(lambda: api.get(f"/api/v1/orders/{created['id']}").json(), lambda o: o["status"] == "done")
    assert order["subjects_erased"] == 1 and not FaceTemplate.objects.filter(subject=before).exists()

    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    photos = sorted((faces_dir / "people" / "amy").iterdir())
    later = factories.subject(tenant, "GB")
    factories.consent(later, notice)
    enrollment = client.post(
        f"/api/v1/subjects/{later.pk}/faces", {"image": io.BytesIO(photos[0].read_bytes())}, format="multipart"
    )
    assert enrollment.status_code == 202, enrollment.content
    enrollment_id = enrollment.json()["id"]
    wait_for(
        lambda: client.get(f"/api/v1/enrollments/{enrollment_id}").json(), lambda b: b["status"] == "done", timeout=120
    )
    match = client.post(
        "/api/v1/matches",
        {"image": io.BytesIO(photos[1].read_bytes()), "purpose": Purpose.FRAUD_PREVENTION, "wait": 30},
        format="multipart",
    )
    body = match.json()
    assert match.status_code == 200 and body["status"] == "done", body
    assert [r["subject_id"] for r in body["results"]] == [str(later.pk)]
