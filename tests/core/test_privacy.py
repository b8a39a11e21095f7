"""What is shown and kept about people: audit events never hold evidence keys; /healthz details only to officers;
an API key acts only within its purposes."""

import pytest
from rest_framework.test import APIClient

from core.audit import Actor
from core.officers import officer_create
from tests import factories
from tests.helpers import rows_mentioning

pytestmark = pytest.mark.django_db


def test_evidence_keys_never_reach_the_audit_log():
    tenant = factories.tenant_created("acme")
    subject = factories.subject_created(tenant, email="")
    factories.consent_granted(subject, evidence={"signed_name": "A", "victim.email@example.org": "x"})
    assert "core_auditevent" not in rows_mentioning("victim.email@example.org")


def test_healthz_tells_anyone_only_healthy_or_unhealthy_per_part(client):
    body = client.get("/healthz").json()
    assert body["parts"]["database"] == "healthy" and body["parts"]["celery"] == "unhealthy"
    assert "database" not in body and "server_version" not in str(body) and "sock" not in str(body)


def test_healthz_gives_an_officer_the_details():
    _, _, token = officer_create(username="olivia", actor=Actor.system("test"))
    client = APIClient()
    body = client.get("/healthz", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert body["database"]["server_version"] and body["database"]["pgvector"]


def test_a_key_cannot_publish_a_notice_for_a_purpose_it_lacks(client):
    tenant = factories.tenant_created("acme")
    raw = factories.api_key_created(tenant, ["identity_verification"])[1]
    body = {"purpose": "fraud_prevention", "version": "1", "text": "t"}
    response = client.post("/api/v1/notices", body, content_type="application/json", **factories.auth(raw))
    assert response.status_code == 403 and response.json()["error"]["code"] == "purpose_not_allowed"


def test_a_key_cannot_enrol_a_subject_consented_only_for_a_purpose_it_lacks(client, faces_dir):
    tenant = factories.tenant_created("acme")
    raw = factories.api_key_created(tenant, ["identity_verification"])[1]
    subject = factories.subject_created(tenant)
    factories.consent_granted(subject, purpose="fraud_prevention")
    with open(faces_dir / "people/df-01/img1.jpg", "rb") as image:
        response = client.post(f"/api/v1/subjects/{subject.id}/faces", {"image": image}, **factories.auth(raw))
    assert response.status_code == 409 and response.json()["error"]["code"] == "consent_required"
    allowed = factories.api_key_created(tenant, ["fraud_prevention"])[1]
    with open(faces_dir / "people/df-01/img1.jpg", "rb") as image:
        assert (
            client.post(f"/api/v1/subjects/{subject.id}/faces", {"image": image}, **factories.auth(allowed)).status_code
            == 202
        )
