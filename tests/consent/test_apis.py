import hashlib
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from consent.models import Consent, Notice, Subject
from core.models import AuditEvent
from policy.selectors import consents_in_force
from tests import factories

pytestmark = pytest.mark.django_db

EVIDENCE = {"signed_name": "Ada Lovelace", "ip": "203.0.113.7", "user_agent": "Mozilla/5.0"}


@pytest.fixture
def tenant():
    return factories.tenant_created("acme")


@pytest.fixture
def raw_key(tenant):
    return factories.api_key_created(tenant, ["fraud_prevention", "access_control"])[1]


@pytest.fixture
def api(client, raw_key):
    """POST/GET as the acme client app; JSON bodies."""

    class Api:
        def post(self, path, data=None, key=raw_key):
            return client.post(path, data or {}, content_type="application/json", **factories.auth(key))

        def get(self, path, key=raw_key, **params):
            return client.get(path, params, **factories.auth(key))

    return Api()


def _code(response):
    return response.json()["error"]["code"]


def test_requests_without_an_api_key_are_refused(client):
    response = client.get("/api/v1/subjects")
    assert response.status_code == 401 and _code(response) == "not_authenticated"
    response = client.get("/api/v1/subjects", HTTP_AUTHORIZATION="Api-Key fg_nope_nope")
    assert response.status_code == 401 and _code(response) == "authentication_failed"


def test_subject_create_get_and_find_by_external_ref(api, tenant):
    response = api.post("/api/v1/subjects", {"external_ref": "c-123", "jurisdiction": "GB", "email": "a@example.org"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["external_ref"] == "c-123" and body["jurisdiction"] == "GB" and body["created_at"]
    assert Subject.objects.get(pk=body["id"]).tenant == tenant

    detail = api.get(f"/api/v1/subjects/{body['id']}").json()
    assert detail["consents"] == [] and detail["templates"] == 0

    found = api.get("/api/v1/subjects", external_ref="c-123").json()
    assert [s["id"] for s in found["results"]] == [body["id"]]
    assert api.get("/api/v1/subjects", external_ref="nobody").json()["results"] == []
    assert AuditEvent.objects.filter(action="subject.create", object_id=body["id"]).count() == 1


def test_subject_exists_is_409_within_a_tenant_but_not_across(api, tenant):
    assert api.post("/api/v1/subjects", {"external_ref": "c-1", "jurisdiction": "GB"}).status_code == 201
    again = api.post("/api/v1/subjects", {"external_ref": "c-1", "jurisdiction": "IT"})
    assert again.status_code == 409 and _code(again) == "subject_exists"
    other_raw = factories.api_key_created(factories.tenant_created("globex"))[1]
    assert api.post("/api/v1/subjects", {"external_ref": "c-1", "jurisdiction": "GB"}, key=other_raw).status_code == 201


def test_jurisdiction_code_is_case_insensitive(api):
    response = api.post("/api/v1/subjects", {"external_ref": "c-9", "jurisdiction": "us-il"})
    assert response.status_code == 201 and response.json()["jurisdiction"] == "US-IL"


def test_unknown_jurisdiction_is_400(api):
    response = api.post("/api/v1/subjects", {"external_ref": "c-2", "jurisdiction": "XX"})
    assert response.status_code == 400 and _code(response) == "unknown_jurisdiction"
    assert not Subject.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"external_ref": "c-3"},
        {"external_ref": "c-3", "jurisdiction": "GB", "email": "not-an-email"},
        {"external_ref": "x" * 201, "jurisdiction": "GB"},
    ],
)
def test_malformed_subject_is_validation_error(api, body):
    response = api.post("/api/v1/subjects", body)
    assert response.status_code == 400 and _code(response) == "validation_error"


def test_notice_hashes_its_exact_text_and_lists_per_tenant(api):
    text = "We keep your face template for fraud checks.\n  Retention: 1 year.  "
    response = api.post(
        "/api/v1/notices", {"purpose": "fraud_prevention", "version": "1", "text": text, "retention_days": 365}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(text.encode()).hexdigest() and body["text"] == text
    factories.notice_created(factories.tenant_created("globex"))  # another tenant's notice is not listed
    listed = api.get("/api/v1/notices").json()["results"]
    assert [n["id"] for n in listed] == [body["id"]]
    assert AuditEvent.objects.filter(action="notice.create", object_id=body["id"]).exists()


def test_notice_versions_are_immutable(api):
    first = {"purpose": "fraud_prevention", "version": "1", "text": "one"}
    assert api.post("/api/v1/notices", first).status_code == 201
    again = api.post("/api/v1/notices", {**first, "text": "changed"})
    assert again.status_code == 409 and _code(again) == "notice_exists"
    assert api.post("/api/v1/notices", {**first, "version": "2", "text": "changed"}).status_code == 201
    assert Notice.objects.get(version="1").text == "one"
    # The database refuses an in-place edit too.
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        Notice.objects.filter(version="1").update(text="rewritten")


def test_notice_for_the_platforms_erasure_lookup_is_refused(api):
    # Finding a person's faces to erase them is the platform's own work, not a purpose anyone consents to.
    response = api.post("/api/v1/notices", {"purpose": "erasure_lookup", "version": "1", "text": "t"})
    assert response.status_code == 400 and _code(response) == "validation_error"


def _consent_body(notice, **overrides):
    return {
        "purpose": notice.purpose,
        "notice": str(notice.id),
        "method": "electronic_signature",
        "evidence": EVIDENCE,
        "expires_at": None,
        **overrides,
    }


def test_consent_grant_returns_receipt_and_shows_on_subject(api, tenant):
    subject, notice = factories.subject_created(tenant, "US-IL"), factories.notice_created(tenant)
    response = api.post(f"/api/v1/subjects/{subject.id}/consents", _consent_body(notice))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["purpose"] == "fraud_prevention" and body["withdrawn_at"] is None and body["expires_at"] is None
    assert body["granted_at"] and body["receipt"]["consentReceiptID"] == body["id"]
    consent = Consent.objects.get(pk=body["id"])
    assert consent.notice_sha256 == notice.sha256 and consent.evidence == EVIDENCE
    detail = api.get(f"/api/v1/subjects/{subject.id}").json()
    assert [c["id"] for c in detail["consents"]] == [body["id"]]
    event = AuditEvent.objects.get(action="consent.grant", object_id=body["id"])
    assert "Ada Lovelace" not in str(event.details)  # evidence stays out of the audit log


def test_subject_detail_counts_face_templates(api, tenant):
    from matching.models import FaceTemplate

    subject = factories.subject_created(tenant)
    FaceTemplate.objects.create(
        tenant=tenant,
        subject=subject,
        model_name="Dlib",
        detector="dlib",
        embedding=[0.1] * 128,
        source_sha256="0" * 64,
    )
    assert api.get(f"/api/v1/subjects/{subject.id}").json()["templates"] == 1


def test_notice_mismatch_for_other_purpose_other_tenant_or_unknown_notice(api, tenant):
    subject = factories.subject_created(tenant)
    cases = [
        factories.notice_created(tenant, purpose="access_control"),
        factories.notice_created(factories.tenant_created("globex")),
    ]
    for notice in cases:
        response = api.post(
            f"/api/v1/subjects/{subject.id}/consents", _consent_body(notice, purpose="fraud_prevention")
        )
        assert response.status_code == 400 and _code(response) == "notice_mismatch"
    response = api.post(
        f"/api/v1/subjects/{subject.id}/consents",
        {**_consent_body(cases[0], purpose="fraud_prevention"), "notice": str(uuid.uuid4())},
    )
    assert response.status_code == 400 and _code(response) == "notice_mismatch"
    assert not Consent.objects.exists()


@pytest.mark.parametrize("jurisdiction", ["US-IL", "US-TX", "US-WA"])
@pytest.mark.parametrize(
    "method,evidence",
    [
        ("explicit_opt_in", EVIDENCE),
        ("electronic_signature", {}),
        ("electronic_signature", {"ip": "203.0.113.7"}),
    ],
)
def test_written_release_jurisdictions_need_a_release_or_signed_evidence(api, tenant, jurisdiction, method, evidence):
    subject, notice = factories.subject_created(tenant, jurisdiction), factories.notice_created(tenant)
    response = api.post(
        f"/api/v1/subjects/{subject.id}/consents", _consent_body(notice, method=method, evidence=evidence)
    )
    assert response.status_code == 400 and _code(response) == "consent_evidence_required"
    ok = api.post(
        f"/api/v1/subjects/{subject.id}/consents", _consent_body(notice, method="written_release", evidence={})
    )
    assert ok.status_code == 201


def test_gdpr_jurisdiction_accepts_explicit_opt_in(api, tenant):
    subject, notice = factories.subject_created(tenant, "IT"), factories.notice_created(tenant)
    response = api.post(
        f"/api/v1/subjects/{subject.id}/consents", _consent_body(notice, method="explicit_opt_in", evidence={})
    )
    assert response.status_code == 201


def test_purpose_not_allowed_for_the_key_or_erasure_lookup(api, tenant):
    subject = factories.subject_created(tenant)
    notice = factories.notice_created(tenant, purpose="identity_verification")  # the key lacks identity_verification
    response = api.post(f"/api/v1/subjects/{subject.id}/consents", _consent_body(notice))
    assert response.status_code == 403 and _code(response) == "purpose_not_allowed"
    response = api.post(
        f"/api/v1/subjects/{subject.id}/consents",
        _consent_body(factories.notice_created(tenant), purpose="erasure_lookup"),
    )
    assert response.status_code == 400 and _code(response) == "validation_error"  # no such purpose
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    "override",
    [
        {"purpose": "sunbathing"},
        {"method": "handshake"},
        {"notice": "not-a-uuid"},
        {"evidence": "a string"},
        {"expires_at": "tomorrow"},
    ],
)
def test_malformed_consent_is_validation_error(api, tenant, override):
    subject = factories.subject_created(tenant)
    response = api.post(
        f"/api/v1/subjects/{subject.id}/consents", {**_consent_body(factories.notice_created(tenant)), **override}
    )
    assert response.status_code == 400 and _code(response) == "validation_error"


def test_expiry_in_the_past_is_validation_error(api, tenant):
    subject = factories.subject_created(tenant)
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = api.post(
        f"/api/v1/subjects/{subject.id}/consents", _consent_body(factories.notice_created(tenant), expires_at=past)
    )
    assert response.status_code == 400 and _code(response) == "validation_error"


def test_withdraw_is_idempotent_and_audited_once(api, tenant):
    consent = factories.consent_granted(factories.subject_created(tenant))
    first = api.post(f"/api/v1/consents/{consent.id}/withdraw")
    assert first.status_code == 200 and first.json()["withdrawn_at"]
    second = api.post(f"/api/v1/consents/{consent.id}/withdraw")
    assert second.status_code == 200 and second.json()["withdrawn_at"] == first.json()["withdrawn_at"]
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not consents_in_force(at=timezone.now()).filter(pk=consent.pk).exists()
    assert AuditEvent.objects.filter(action="consent.withdraw", object_id=str(consent.id)).count() == 1


def test_receipt_has_kantara_fields_and_notice_hash(api, tenant):
    subject = factories.subject_created(tenant, "US-IL")
    consent = factories.consent_granted(subject, expires_at=timezone.now() + timedelta(days=30))
    receipt = api.get(f"/api/v1/consents/{consent.id}/receipt").json()
    assert receipt["version"] == "KI-CR-v1.1.0"
    assert receipt["jurisdiction"] == "US-IL"
    assert receipt["consentTimestamp"] == int(consent.granted_at.timestamp())
    assert receipt["collectionMethod"] == "Written release"
    assert receipt["consentReceiptID"] == str(consent.id)
    assert receipt["piiPrincipalId"] == str(subject.id)
    assert receipt["piiControllers"][0]["piiController"] == tenant.name
    purpose = receipt["services"][0]["purposes"][0]
    assert purpose["purpose"] == "fraud_prevention" and purpose["consentType"] == "EXPLICIT"
    assert "expiry" in purpose["termination"] and "Withdrawal" in purpose["termination"]
    assert receipt["sensitive"] is True and receipt["spiCat"] == ["biometric"]
    assert receipt["notice"]["sha256"] == consent.notice.sha256


def test_policy_url_of_a_receipt_shows_the_notice(api, client, tenant):
    consent = factories.consent_granted(factories.subject_created(tenant))
    url = api.get(f"/api/v1/consents/{consent.id}/receipt").json()["policyUrl"]
    page = client.get("/" + url.split("/", 3)[3])
    assert page.status_code == 200 and consent.notice.text in page.content.decode()


def test_another_tenants_ids_answer_404(api):
    other = factories.tenant_created("globex")
    subject = factories.subject_created(other)
    consent = factories.consent_granted(subject)
    notice = factories.notice_created(other, purpose="access_control")
    for path in [
        f"/api/v1/subjects/{subject.id}",
        f"/api/v1/consents/{consent.id}/receipt",
        f"/api/v1/consents/{consent.id}",
        f"/api/v1/notices/{notice.id}",
    ]:
        response = api.get(path)
        assert response.status_code == 404 and _code(response) == "not_found", path
    for path in [f"/api/v1/subjects/{subject.id}/consents", f"/api/v1/consents/{consent.id}/withdraw"]:
        response = api.post(path, _consent_body(notice))
        assert response.status_code == 404 and _code(response) == "not_found", path
    assert api.get("/api/v1/subjects").json()["results"] == []
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert not Consent.objects.filter(subject=subject, purpose="access_control").exists()


def test_malformed_ids_answer_404_not_500(api):
    for path in ["/api/v1/subjects/nope", "/api/v1/consents/nope/receipt"]:
        response = api.get(path)
        assert response.status_code == 404 and _code(response) == "not_found"


def test_officer_token_cannot_use_the_client_api(client):
    from core.audit import Actor
    from core.officers import officer_create

    _, _, token = officer_create(username="olivia", actor=Actor.system("tests"))
    response = client.get("/api/v1/subjects", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 403 and _code(response) == "permission_denied"


@pytest.mark.django_db(transaction=True)
def test_withdrawal_is_committed_when_the_api_answers(client):
    """Another connection (a match starting now) already sees the withdrawal."""
    import threading

    from django.db import connection

    tenant = factories.tenant_created("acme")
    raw = factories.api_key_created(tenant)[1]
    consent = factories.consent_granted(factories.subject_created(tenant))
    response = client.post(f"/api/v1/consents/{consent.id}/withdraw", **factories.auth(raw))
    assert response.status_code == 200
    seen = {}

    def read_from_another_connection():
        seen["withdrawn_at"] = Consent.objects.get(pk=consent.id).withdrawn_at
        connection.close()

    thread = threading.Thread(target=read_from_another_connection)
    thread.start()
    thread.join()
    assert seen["withdrawn_at"] is not None
    assert seen["withdrawn_at"].isoformat().replace("+00:00", "Z") == response.json()["withdrawn_at"]
