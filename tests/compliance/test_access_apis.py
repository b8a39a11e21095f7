"""The officer API of access requests: officers only, paged, JSON errors, the clock's extension."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from compliance.models import AccessRequest
from compliance.services import access_requests
from consent.models import Purpose
from consent.services import api_key_create
from core.audit import Actor
from tests import factories

ACTOR = Actor.system("test")
pytestmark = pytest.mark.django_db


def _ask(**fields) -> AccessRequest:
    return access_requests.access_request_create(
        email="me@example.org", jurisdiction=fields.pop("jurisdiction", "FR"), source="portal", actor=ACTOR, **fields
    )


def test_officers_only_and_every_refusal_is_json(tenant):
    request = _ask()
    anonymous = APIClient()
    for path in ("/api/v1/access-requests", f"/api/v1/access-requests/{request.pk}"):
        response = anonymous.get(path)
        assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    response = client.get("/api/v1/access-requests")
    assert response.status_code in (401, 403) and "error" in response.json()


def test_list_is_paged_newest_receipt_first(api):
    now = datetime.now(UTC)
    made = [_ask(received_at=now - timedelta(days=d)) for d in (3, 1, 2)]
    first = api.get("/api/v1/access-requests?limit=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert ids == [str(made[i].pk) for i in (1, 2, 0)]
    assert first["results"][0]["overdue"] is False and first["results"][0]["status"] == "awaiting_verification"


def test_detail_and_missing_ones(api):
    request = _ask()
    body = api.get(f"/api/v1/access-requests/{request.pk}").json()
    assert body["id"] == str(request.pk) and body["jurisdiction"] == "FR" and body["due_at"]
    assert [c["event"] for c in body["clock"]] == ["received"]
    for path in (f"/api/v1/access-requests/{uuid.uuid4()}", "/api/v1/access-requests/not-a-uuid"):
        response = api.get(path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = api.delete(f"/api/v1/access-requests/{request.pk}")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_an_officer_records_a_letter_with_its_real_receipt(api, tenant):
    entered, received = datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    payload = {"email": "me@example.org", "jurisdiction": "FR", "received_at": received.isoformat()}
    with time_machine.travel(entered, tick=False):
        response = api.post("/api/v1/access-requests", payload, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["source"] == "api" and body["due_at"] == "2026-02-28T09:30:00Z" and body["overdue"] is False
        future = api.post(
            "/api/v1/access-requests", {**payload, "received_at": (entered + timedelta(hours=1)).isoformat()}
        )
        half = api.post("/api/v1/access-requests", {**payload, "tenant": "acme"}, format="json")
        unknown = api.post("/api/v1/access-requests", {**payload, "jurisdiction": "XX"}, format="json")
        invalid = api.post("/api/v1/access-requests", {"email": "nope"}, format="json")
    assert future.status_code == 400 and future.json()["error"]["code"] == "received_in_future"
    assert half.status_code == 400 and half.json()["error"]["code"] == "tenant_and_reference_together"
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_jurisdiction"
    assert invalid.status_code == 400 and set(invalid.json()["error"]["details"]["fields"]) == {"email", "jurisdiction"}
    assert AccessRequest.objects.count() == 1


def test_confirm_and_extend_refusals_have_their_codes(api, tenant):
    factories.subject(tenant, "FR", email="holder@acme.test", ref="r-1")
    request = _ask(tenant="acme", external_ref="r-1")
    response = api.post(f"/api/v1/access-requests/{request.pk}/confirm")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_awaiting_officer"
    access_requests.access_request_verify(access_request=request, actor=ACTOR)
    response = api.post(f"/api/v1/access-requests/{request.pk}/extend", {"reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    response = api.post(f"/api/v1/access-requests/{request.pk}/extend", {"reason": "Archives"}, format="json")
    assert response.status_code == 200 and response.json()["extension_reason"] == "Archives"
    response = api.post(f"/api/v1/access-requests/{request.pk}/confirm")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert len(response.json()["subjects"]) == 1
    response = api.post(f"/api/v1/access-requests/{request.pk}/extend", {"reason": "More"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "request_not_open"
