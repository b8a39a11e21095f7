"""Consent receipts that travel: the Kantara receipt as a JWT signed with the published key, and the ISO/IEC TS
27560 consent record in W3C DPV (JSON-LD), both saying what the JSON receipt says."""

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import jwt
import pytest
from django.test import Client
from django.utils import timezone

from consent.services import consent_withdraw
from core.audit import Actor
from tests import factories

pytestmark = pytest.mark.django_db


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verify(token: str, jwks: dict) -> dict:
    """What any client does, with PyJWT: pick the key by `kid` from the JWK Set, check the EdDSA signature."""
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "JWT"
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    assert key.key_type == "OKP" and key.algorithm_name == "EdDSA"
    return jwt.decode(token, key=key, algorithms=["EdDSA"], options={"require": ["iss", "iat"]})


@pytest.fixture
def tenant():
    return factories.tenant_created("acme")


@pytest.fixture
def auth(tenant):
    return factories.auth(factories.api_key_created(tenant, ["fraud_prevention"])[1])


@pytest.fixture
def consent(tenant):
    return factories.consent_granted(
        factories.subject_created(tenant, "US-IL"), expires_at=timezone.now() + timedelta(days=30)
    )


def test_jwt_receipt_verifies_with_the_published_key_and_carries_the_json_receipt(client, auth, consent):
    receipt = client.get(f"/api/v1/consents/{consent.id}/receipt", **auth).json()
    response = client.get(f"/api/v1/consents/{consent.id}/receipt", {"format": "jwt"}, **auth)
    assert response.status_code == 200 and response["Content-Type"] == "application/jwt"
    jwks = client.get("/.well-known/jwks.json")
    assert jwks.status_code == 200  # public: no credentials

    claims = _verify(response.content.decode(), jwks.json())
    assert {k: v for k, v in claims.items() if k not in ("iss", "iat")} == receipt
    assert claims["iss"].startswith("http") and abs(claims["iat"] - timezone.now().timestamp()) < 60

    by_accept = client.get(f"/api/v1/consents/{consent.id}/receipt", HTTP_ACCEPT="application/jwt", **auth)
    assert _verify(by_accept.content.decode(), jwks.json())["consentReceiptID"] == str(consent.id)


def test_the_published_key_is_the_one_that_signs_tree_heads(client):
    from django.db import transaction

    from core.audit import audit_append
    from core.transparency import audit_integrate

    with transaction.atomic():
        audit_append(actor=Actor.system("test"), action="test.key", object_type="test", object_id="1")
    head = audit_integrate()
    jwk = client.get("/.well-known/jwks.json").json()["keys"][0]
    assert _b64url_decode(jwk["x"]) == bytes(head.public_key)


def test_a_tampered_jwt_fails_verification(client, auth, consent):
    token = client.get(f"/api/v1/consents/{consent.id}/receipt", {"format": "jwt"}, **auth).content.decode()
    jwks = client.get("/.well-known/jwks.json").json()
    header_b64, payload_b64, signature_b64 = token.split(".")
    claims = json.loads(_b64url_decode(payload_b64))
    claims["services"][0]["purposes"][0]["purpose"] = "access_control"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(f"{header_b64}.{forged}.{signature_b64}", jwks)
    signature = _b64url_decode(signature_b64)
    flipped = base64.urlsafe_b64encode(bytes([signature[0] ^ 1]) + signature[1:]).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(f"{header_b64}.{payload_b64}.{flipped}", jwks)


def test_jsonld_record_uses_dpv_terms_and_says_what_the_receipt_says(client, auth, consent):
    receipt = client.get(f"/api/v1/consents/{consent.id}/receipt", **auth).json()
    response = client.get(f"/api/v1/consents/{consent.id}/receipt", {"format": "jsonld"}, **auth)
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    record = response.json()

    assert record["@context"]["dpv"] == "https://w3id.org/dpv#"
    assert record["@type"] == "dpv:ConsentRecord" and record["dct:conformsTo"] == "ISO/IEC TS 27560:2023"
    assert record["dct:identifier"] == receipt["consentReceiptID"]
    assert record["dpv:hasDataSubject"]["@id"] == f"urn:uuid:{receipt['piiPrincipalId']}"
    controller = record["dpv:hasDataController"][0]
    assert controller["@id"] == f"urn:uuid:{receipt['piiControllers'][0]['piiControllerId']}"
    assert controller["dpv:hasName"] == receipt["piiControllers"][0]["piiController"]
    assert record["dpv:hasJurisdiction"] == receipt["jurisdiction"] == "US-IL"
    assert record["dpv:hasPurpose"]["@type"] == "dpv:FraudPreventionAndDetection"
    assert record["dpv:hasPurpose"]["dct:identifier"] == receipt["services"][0]["purposes"][0]["purpose"]
    assert record["dpv:hasPersonalData"]["@id"] == "pd:FacialPrint"
    assert record["dpv:hasLegalBasis"]["@id"] == "dpv:ExplicitlyExpressedConsent"
    assert record["dpv:hasNotice"]["@id"] == receipt["policyUrl"]
    assert record["dpv:hasNotice"]["spdx:checksum"]["spdx:checksumValue"] == receipt["notice"]["sha256"]
    given = record["dct:hasPart"][0]
    assert given["@type"] == "dpv:ConsentGiven"
    assert datetime.fromisoformat(given["dpv:isIndicatedAtTime"]["@value"]) == datetime.fromtimestamp(
        receipt["consentTimestamp"], tz=UTC
    )
    assert record["dpv:hasConsentStatus"]["@id"] == "dpv:ConsentGiven"
    assert record["dct:valid"]["@value"] == f"end={receipt['expiresAt']};"


def test_jsonld_record_follows_a_withdrawal(client, auth, consent):
    consent_withdraw(consent=consent, actor=Actor.system("test"))
    receipt = client.get(f"/api/v1/consents/{consent.id}/receipt", **auth).json()
    record = client.get(f"/api/v1/consents/{consent.id}/receipt", HTTP_ACCEPT="application/ld+json", **auth).json()
    assert record["dpv:hasConsentStatus"]["@id"] == "dpv:ConsentWithdrawn"
    assert record["dct:hasPart"][1]["@type"] == "dpv:ConsentWithdrawn"
    assert record["dct:hasPart"][1]["dpv:isIndicatedAtTime"]["@value"] == receipt["withdrawnAt"]


def test_errors_stay_json_whatever_form_was_asked(client, auth):
    missing = "00000000-0000-0000-0000-000000000001"
    for params in ({"format": "jwt"}, {"format": "jsonld"}):
        response = client.get(f"/api/v1/consents/{missing}/receipt", params, **auth)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"
    unknown = client.get(f"/api/v1/consents/{missing}/receipt", {"format": "pdf"}, **auth)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"]


def test_receipts_name_the_controllers_privacy_contact_set_by_create_tenant(client, auth, consent, tenant):
    from django.core.management import call_command

    call_command(
        "create_tenant",
        "acme",
        "--contact",
        "Data Protection Officer",
        "--address",
        "1 Bank St, London",
        "--email",
        "dpo@acme.example",
        "--phone",
        "+44 20 7946 0000",
        "--url",
        "https://acme.example/privacy",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    receipt = client.get(f"/api/v1/consents/{consent.id}/receipt", **auth).json()
    controller = receipt["piiControllers"][0]
    assert (controller["contact"], controller["address"], controller["email"]) == (
        "Data Protection Officer",
        "1 Bank St, London",
        "dpo@acme.example",
    )
    assert (
        controller["phone"] == "+44 20 7946 0000" and controller["piiControllerUrl"] == "https://acme.example/privacy"
    )
    record = client.get(f"/api/v1/consents/{consent.id}/receipt", {"format": "jsonld"}, **auth).json()
    node = record["dpv:hasDataController"][0]
    assert node["dpv:hasContact"] == ["mailto:dpo@acme.example", "+44 20 7946 0000"]
    assert node["dpv:hasAddress"] == "1 Bank St, London"


def test_a_malformed_controller_email_is_refused():
    from django.core.exceptions import ValidationError

    from consent.services import tenant_create

    with pytest.raises(ValidationError):
        tenant_create(slug="acme", controller={"email": "not an e-mail"}, actor=Actor.system("test"))


def _status_path(receipt: dict) -> str:
    return urlsplit(receipt["statusUrl"]).path


def test_a_receipt_issued_before_a_withdrawal_is_shown_withdrawn_by_its_status_link(client, auth, consent):
    """The attack: keep a receipt (JSON or JWT, signed and valid forever) from before the withdrawal and show it as
    proof of consent. Its signed `statusUrl` answers, without credentials, whether the consent is in force now."""
    token = client.get(f"/api/v1/consents/{consent.id}/receipt", {"format": "jwt"}, **auth).content.decode()
    jwks = client.get("/.well-known/jwks.json").json()
    receipt = _verify(token, jwks)  # what the verifier holds
    assert receipt["statusUrl"].startswith("http") and receipt["withdrawnAt"] is None
    anyone = Client()  # no Api-Key, no session

    before = anyone.get(_status_path(receipt))
    assert before.status_code == 200, before.content
    assert before.json()["status"] == "in_force" and before.json()["in_force"] is True
    assert before.json()["consent"] == receipt["consentReceiptID"]

    withdrawn = client.post(f"/api/v1/consents/{consent.id}/withdraw", **auth)
    assert withdrawn.status_code == 200
    after = anyone.get(_status_path(receipt)).json()
    assert after["status"] == "withdrawn" and after["in_force"] is False
    assert datetime.fromisoformat(after["since"]) == datetime.fromisoformat(withdrawn.json()["withdrawn_at"])
    signed = _verify(after["jwt"], jwks)  # the answer itself is signed with the published key
    assert {k: v for k, v in signed.items() if k not in ("iss", "iat")} == {
        k: v for k, v in after.items() if k != "jwt"
    }


def test_the_status_link_cannot_be_guessed_or_edited(client, auth, consent):
    receipt = client.get(f"/api/v1/consents/{consent.id}/receipt", **auth).json()
    other = factories.consent_granted(factories.subject_created(consent.subject.tenant, "US-IL"))
    consent_id, signature = _status_path(receipt).split("/")[-2].split(":")
    for token in (str(consent.id), f"{other.id}:{signature}", f"{consent_id}:{signature[:-1]}A"):
        response = Client().get(f"/api/v1/receipts/{token}/status")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert json.loads(Client().get(_status_path(receipt)).content)["status"] == "in_force"


def test_the_status_of_an_erased_persons_consent_is_erased(client, auth, consent):
    from compliance.services.eraser import subjects_erase

    receipt = client.get(f"/api/v1/consents/{consent.id}/receipt", **auth).json()
    subjects_erase(
        subject_ids=[consent.subject_id],
        cause="order",
        cause_id="test",
        scope={"test": True},
        actor=Actor.system("test"),
    )
    status = Client().get(_status_path(receipt)).json()
    assert (status["status"], status["in_force"], status["since"]) == ("erased", False, None)
