"""Idempotency-Key on every client POST (Stripe's semantics), through the real API."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from consent.client_api import idempotency_scope
from consent.models import Subject
from core.idempotency import idempotency_claim
from core.models import AuditEvent, IdempotencyKey
from matching.models import Enrollment
from tests import factories

pytestmark = pytest.mark.django_db
PHOTO = "tests/faces/people/amy/amy1.png"


@pytest.fixture
def tenant():
    return factories.tenant_created("acme")


@pytest.fixture
def api_key(tenant):
    return factories.api_key_created(tenant, ["fraud_prevention"])


@pytest.fixture
def auth(api_key):
    return factories.auth(api_key[1])


def _post(client, auth, path, body, key):
    return client.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **auth)


def test_the_same_key_and_body_replays_the_first_response_without_doing_it_again(client, auth):
    body = {"external_ref": "c-1", "jurisdiction": "GB"}
    first = _post(client, auth, "/api/v1/subjects", body, "k-1")
    again = _post(client, auth, "/api/v1/subjects", body, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Subject.objects.count() == 1 and AuditEvent.objects.filter(action="subject.create").count() == 1

    other = _post(client, auth, "/api/v1/subjects", {**body, "external_ref": "c-2"}, "k-1")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert Subject.objects.count() == 1

    refused = _post(client, auth, "/api/v1/subjects", {"external_ref": "c-3", "jurisdiction": "XX"}, "k-2")
    assert _post(client, auth, "/api/v1/subjects", {"external_ref": "c-3", "jurisdiction": "XX"}, "k-2").json() == (
        refused.json()
    )  # a 4xx is an answer too: replayed
    assert _post(client, auth, "/api/v1/subjects", {**body, "external_ref": "c-4"}, "k-3").status_code == 201
    assert Subject.objects.count() == 2


def test_a_multipart_upload_sent_again_is_one_enrollment(client, auth, tenant):
    subject = factories.subject_created(tenant)
    factories.consent_granted(subject)

    def enrol():
        image = io.BytesIO(open(PHOTO, "rb").read())  # noqa: SIM115 - closed with the BytesIO
        image.name = "amy1.png"
        return client.post(
            f"/api/v1/subjects/{subject.id}/faces", {"image": image}, HTTP_IDEMPOTENCY_KEY="enrol-1", **auth
        )

    first, again = enrol(), enrol()
    assert first.status_code == again.status_code == 202 and first.json()["id"] == again.json()["id"]
    assert Enrollment.objects.count() == 1


def test_a_key_still_running_is_409_and_an_expired_key_starts_afresh(client, auth, api_key):
    body = {"external_ref": "c-1", "jurisdiction": "GB"}
    scope = idempotency_scope(api_key[0])
    claim = idempotency_claim(scope=scope, key="busy", fingerprint="x" * 64)
    response = _post(client, auth, "/api/v1/subjects", body, "busy")
    assert response.status_code == 422  # another body's key
    IdempotencyKey.objects.filter(pk=claim.pk).delete()
    first = _post(client, auth, "/api/v1/subjects", body, "k")
    IdempotencyKey.objects.filter(key="k").update(status=None)  # as if the first request were still running
    assert _post(client, auth, "/api/v1/subjects", body, "k").json()["error"]["code"] == "idempotency_key_in_use"
    IdempotencyKey.objects.filter(key="k").update(created_at=timezone.now() - timedelta(minutes=6))
    assert _post(client, auth, "/api/v1/subjects", body, "k").json()["error"]["code"] == "subject_exists"  # abandoned
    IdempotencyKey.objects.filter(key="k").update(status=201, created_at=timezone.now() - timedelta(hours=25))
    assert first.status_code == 201
    assert _post(client, auth, "/api/v1/subjects", body, "k").json()["error"]["code"] == "subject_exists"
    assert _post(client, auth, "/api/v1/subjects", body, "x" * 256).json()["error"]["code"] == (
        "invalid_idempotency_key"
    )


def test_a_json_body_that_is_not_an_object_with_a_key_is_a_400_not_a_500(client, auth):
    """Found by the schema fuzzer once JSON was the only body the schema offered: `[null, null]` with a key."""
    response = client.post(
        "/api/v1/notices", "[null, null]", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-list", **auth
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
