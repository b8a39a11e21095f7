"""Rotating the signing key keeps everything signed before verifiable: the key history (core/keys.py)."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.utils import timezone

from compliance.services.erasure_journal import JournalError, body_hash, journal_append, journal_verify
from core.audit import Actor, audit_append, canonical
from core.jws import jwt_sign
from core.keys import b64url, key_ring, public_jwk, raw_public, thumbprint
from core.models import AuditEvent
from core.transparency import audit_integrate, audit_verify, head_json, head_signature_valid, signed_bytes
from tests import factories
from tests.helpers import load_tool

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def journal(settings, tmp_path):
    settings.ERASURE_JOURNAL_DIR = tmp_path / "journal"
    return settings.ERASURE_JOURNAL_DIR / "erasures.jsonl"


def _rotate() -> dict:
    out = io.StringIO()
    call_command("rotate_signing_key", stdout=out)
    return json.loads(out.getvalue())


def _signed_head():
    audit_append(actor=ACTOR, action="test.event", details={"n": AuditEvent.objects.count()})
    head = audit_integrate()
    assert head is not None
    return head_json(head)


def _line() -> None:
    journal_append(kind="subjects", certificate_id="c", cause="order", subjects=[("s", "t")])


def _verify_receipt(token: str, jwks: dict) -> dict:
    """As a relying party does, with PyJWT: the key by the header's kid from the published JWK Set."""
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(token, key=key, algorithms=["EdDSA"])


def _receipt(client, auth, consent) -> str:
    response = client.get(f"/api/v1/consents/{consent.id}/receipt", {"format": "jwt"}, **auth)
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_after_a_rotation_heads_receipts_and_journal_lines_signed_before_still_verify(
    client, signing_key_ring, journal
):
    tenant = factories.tenant_created("acme")
    auth = factories.auth(factories.api_key_created(tenant, ["fraud_prevention"])[1])
    consent = factories.consent_granted(
        factories.subject_created(tenant, "US-IL"), expires_at=timezone.now() + timedelta(days=30)
    )
    old_kid = key_ring().active.kid
    old_head, old_receipt = _signed_head(), _receipt(client, auth, consent)
    _line()

    rotated = _rotate()

    new_kid = key_ring().active.kid
    assert rotated["retired_kid"] == old_kid and rotated["active_kid"] == new_kid != old_kid
    event = AuditEvent.objects.get(action="signing_key.rotated")
    assert (event.details["retired_kid"], event.details["active_kid"]) == (old_kid, new_kid)
    new_head, new_receipt = _signed_head(), _receipt(client, auth, consent)
    _line()

    jwks = client.get("/.well-known/jwks.json").json()
    assert [k["kid"] for k in jwks["keys"]] == [new_kid, old_kid]  # the active key first
    assert jwks["keys"][1]["retired_at"] == rotated["at"] and jwks["keys"][0]["retired_at"] is None
    assert jwt.get_unverified_header(old_receipt)["kid"] == old_kid
    assert jwt.get_unverified_header(new_receipt)["kid"] == new_kid
    assert _verify_receipt(old_receipt, jwks)["consentReceiptID"] == str(consent.id)
    assert _verify_receipt(new_receipt, jwks)["consentReceiptID"] == str(consent.id)
    assert (old_head["key_id"], new_head["key_id"]) == (old_kid, new_kid)
    assert head_signature_valid(old_head) and head_signature_valid(new_head)
    verifier = load_tool("verify_audit")  # offline, with the published history only
    assert all(verifier.head_valid(h, verifier.jwks_key(h, jwks)) for h in (old_head, new_head))
    assert audit_verify()["valid"]
    assert [line["kid"] for line in journal_verify()] == [old_kid, new_kid]
    # The retired seed is gone from the ring: only its public half is kept.
    document = json.loads(signing_key_ring.read_text())
    assert [k["kid"] for k in document["retired"]] == [old_kid] and "seed" not in document["retired"][0]
    assert signing_key_ring.stat().st_mode & 0o777 == 0o600


def _foreign_line(journal, private: Ed25519PrivateKey, *, at) -> None:
    """A line chained correctly to the journal, signed by `private`, as a forger holding that key writes it."""
    lines = journal.read_text().splitlines()
    last = json.loads(lines[-1])
    last.pop("sig")
    body = {**last, "seq": last["seq"] + 1, "prev": body_hash(last), "at": at.isoformat(), "subjects": []}
    body["kid"] = thumbprint(raw_public(private))
    signature = base64.b64encode(private.sign(canonical(body).encode())).decode()
    journal.write_text("\n".join([*lines, canonical({**body, "sig": signature})]) + "\n")


def test_a_head_a_line_or_a_receipt_signed_by_a_key_outside_the_history_is_refused(client, signing_key_ring, journal):
    _line()
    head = _signed_head()
    stranger = Ed25519PrivateKey.generate()
    forged = {
        **head,
        "signature": base64.b64encode(
            stranger.sign(signed_bytes(head["tree_size"], head["timestamp"], bytes.fromhex(head["root_hash"])))
        ).decode(),
        "public_key": base64.b64encode(raw_public(stranger)).decode(),
        "key_id": thumbprint(raw_public(stranger)),
    }
    assert not head_signature_valid(forged)
    assert not head_signature_valid({**forged, "key_id": head["key_id"]})  # naming our key: its check fails

    _foreign_line(journal, stranger, at=timezone.now())
    with pytest.raises(JournalError, match="line 2: signed by key .*, not a key of the history"):
        journal_verify()

    segment = b64url(json.dumps({"alg": "EdDSA", "typ": "JWT", "kid": thumbprint(raw_public(stranger))}).encode())
    signing_input = f"{segment}.{b64url(b'{}')}"
    token = f"{signing_input}.{b64url(stranger.sign(signing_input.encode()))}"
    with pytest.raises(KeyError):
        _verify_receipt(token, client.get("/.well-known/jwks.json").json())


def test_a_retired_key_signing_after_its_retirement_is_refused(signing_key_ring, journal):
    retired_private = key_ring().private
    _line()
    rotated = _rotate()
    retired_at = key_ring().get(rotated["retired_kid"]).retired_at
    assert retired_at is not None

    _foreign_line(journal, retired_private, at=retired_at + timedelta(seconds=1))
    with pytest.raises(JournalError, match="line 2: dated .*, after its key .* was retired"):
        journal_verify()

    late = int((retired_at + timedelta(seconds=1)).timestamp() * 1000)
    root = bytes(32)
    head = {
        "tree_size": 1,
        "timestamp": late,
        "root_hash": root.hex(),
        "signature": base64.b64encode(retired_private.sign(signed_bytes(1, late, root))).decode(),
        "public_key": base64.b64encode(raw_public(retired_private)).decode(),
        "key_id": rotated["retired_kid"],
    }
    assert not head_signature_valid(head)
    jwks = {"keys": [public_jwk(k) for k in key_ring().history]}
    assert load_tool("verify_audit").jwks_key(head, jwks) is None
    early = int((retired_at - timedelta(seconds=1)).timestamp() * 1000)
    signature = base64.b64encode(retired_private.sign(signed_bytes(1, early, root))).decode()
    assert head_signature_valid({**head, "timestamp": early, "signature": signature})


def test_a_key_from_the_environment_keeps_its_history_there_and_is_rotated_there(settings, signing_key_ring):
    retired = Ed25519PrivateKey.generate()
    seed = Ed25519PrivateKey.generate()
    settings.AUDIT_SIGNING_KEY = base64.b64encode(seed.private_bytes_raw()).decode()
    entry = {"x": b64url(raw_public(retired)), "active_from": None, "retired_at": timezone.now().isoformat()}
    settings.AUDIT_RETIRED_SIGNING_KEYS = json.dumps([entry])

    ring = key_ring()
    assert ring.active.kid == thumbprint(raw_public(seed))
    assert [k.kid for k in ring.retired] == [thumbprint(raw_public(retired))]
    token = jwt_sign({"iss": "test"})
    assert jwt.get_unverified_header(token)["kid"] == ring.active.kid
    with pytest.raises(CommandError, match="AUDIT_SIGNING_KEY"):
        _rotate()


def test_the_seed_file_of_an_earlier_release_is_adopted_then_removed_by_the_first_rotation(settings, tmp_path):
    legacy_private = Ed25519PrivateKey.generate()
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "audit_signing_key"
    settings.AUDIT_SIGNING_KEY_FILE.write_bytes(base64.b64encode(legacy_private.private_bytes_raw()))
    settings.AUDIT_KEY_RING_FILE = tmp_path / "signing_keys.json"

    assert key_ring().active.kid == thumbprint(raw_public(legacy_private)) and key_ring().active.active_from is None
    rotated = _rotate()
    assert rotated["retired_kid"] == thumbprint(raw_public(legacy_private))
    assert not settings.AUDIT_SIGNING_KEY_FILE.exists()
