"""The person keeps their own receipts: from the consent page (signed link), each consent's receipt as a signed JWT,
as JSON and as the DPV consent record; another person's consent or a tampered link gets nothing."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from consent.links import CONSENT_PAGE_LINK
from tests import factories

pytestmark = pytest.mark.django_db


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_consent_page_offers_each_receipt_and_the_jwt_verifies(client):
    subject = factories.subject_created(factories.tenant_created("acme"), "GB", email="ada@example.org")
    consent = factories.consent_granted(subject)
    page_path = _path(CONSENT_PAGE_LINK.url(subject.id))
    page = client.get(page_path).content.decode()
    for form in ("jwt", "json", "jsonld"):
        assert f'href="{page_path}receipt/{consent.id}.{form}"' in page

    token = client.get(f"{page_path}receipt/{consent.id}.jwt")
    assert token["Content-Type"] == "application/jwt" and "attachment" in token["Content-Disposition"]
    assert token["X-Robots-Tag"] == "noindex, nofollow"
    header, payload, signature = token.content.decode().split(".")
    key = next(
        k for k in client.get("/.well-known/jwks.json").json()["keys"] if k["kid"] == json.loads(_b64url(header))["kid"]
    )
    Ed25519PublicKey.from_public_bytes(_b64url(key["x"])).verify(_b64url(signature), f"{header}.{payload}".encode())
    assert json.loads(_b64url(payload))["consentReceiptID"] == str(consent.id)

    record = json.loads(client.get(f"{page_path}receipt/{consent.id}.jsonld").content)
    receipt = json.loads(client.get(f"{page_path}receipt/{consent.id}.json").content)
    assert record["@type"] == "dpv:ConsentRecord" and record["dct:identifier"] == receipt["consentReceiptID"]


def test_no_receipt_of_someone_else_nor_through_a_tampered_link(client):
    tenant = factories.tenant_created("acme")
    ada, bob = factories.subject_created(tenant, "GB"), factories.subject_created(tenant, "GB")
    bobs = factories.consent_granted(bob)
    adas_page = _path(CONSENT_PAGE_LINK.url(ada.id))
    assert client.get(f"{adas_page}receipt/{bobs.id}.jwt").status_code == 404
    assert client.get(f"{adas_page}receipt/{factories.consent_granted(ada).id}.pdf").status_code == 404
    tampered = adas_page.replace("/c/", "/c/x", 1)
    assert client.get(f"{tampered}receipt/{bobs.id}.json").status_code == 400
