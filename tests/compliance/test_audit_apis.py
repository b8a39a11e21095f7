"""The officer's audit API: the published JSON contract, checked with the standalone verifier (tools/)."""

from __future__ import annotations

import base64

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from compliance.services import holds
from core.audit import Actor
from core.models import AuditEvent
from core.transparency import audit_integrate
from tests import factories
from tests.helpers import load_tool

ACTOR = Actor.system("test")
verifier = load_tool("verify_audit")


def _holds(start, n):
    for i in range(start, start + n):
        factories.tenant(f"t{i}")
        holds.legal_hold_create(scope={"tenants": [f"t{i}"]}, reason=f"case {i}", expires_at=None, actor=ACTOR)


@pytest.fixture
def two_heads(db):
    _holds(0, 3)
    first = audit_integrate()
    _holds(3, 4)
    second = audit_integrate()
    return first.tree_size, second.tree_size


def test_head_event_and_proofs_verify_offline(api, two_heads):
    first, second = two_heads
    head = api.get("/api/v1/audit/head").json()
    assert set(head) == {"tree_size", "root_hash", "timestamp", "signature", "public_key", "key_id"}
    assert head["tree_size"] == second and len(base64.b64decode(head["public_key"])) == 32
    assert verifier.head_valid(head)
    forged = {**head, "tree_size": second + 1}
    assert not verifier.head_valid(forged)
    root = bytes.fromhex(head["root_hash"])

    for index in range(second):
        event = api.get(f"/api/v1/audit/events/{index}").json()
        assert event["index"] == index
        proof = api.get(f"/api/v1/audit/proof?index={index}").json()
        assert set(proof) == {"index", "tree_size", "audit_path"} and proof["tree_size"] == second
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        assert verifier.inclusion_valid(index, second, base64.b64decode(event["leaf"]), path, root)

    old = api.get(f"/api/v1/audit/head?tree_size={first}").json()
    assert verifier.head_valid(old, head["public_key"])
    consistency = api.get(f"/api/v1/audit/consistency?from={first}&to={second}").json()
    assert consistency["from"] == first and consistency["to"] == second
    path = [bytes.fromhex(h) for h in consistency["proof"]]
    assert verifier.consistency_valid(first, second, bytes.fromhex(old["root_hash"]), root, path)

    in_old_tree = api.get(f"/api/v1/audit/proof?index=1&tree_size={first}").json()
    event = api.get("/api/v1/audit/events/1").json()
    path = [bytes.fromhex(h) for h in in_old_tree["audit_path"]]
    assert verifier.inclusion_valid(1, first, base64.b64decode(event["leaf"]), path, bytes.fromhex(old["root_hash"]))


def test_bad_requests_are_4xx_json(api, two_heads):
    _, second = two_heads
    assert api.get(f"/api/v1/audit/events/{second}").status_code == 404
    assert api.get(f"/api/v1/audit/proof?index={second}").json()["error"]["code"] == "invalid_tree_size"
    assert api.get("/api/v1/audit/proof?index=0&tree_size=2").json()["error"]["code"] == "invalid_tree_size"
    assert api.get("/api/v1/audit/proof").status_code == 400
    assert api.get(f"/api/v1/audit/consistency?from={second}&to=1").status_code == 400
    assert api.get("/api/v1/audit/head?tree_size=2").status_code == 400


def test_verify_api_and_command_name_the_first_bad_index(api, two_heads, capsys):
    _, second = two_heads
    call_command("verify_audit")
    assert f"{second} events, 2 signed heads" in capsys.readouterr().out
    victim = AuditEvent.objects.get(leaf_index=4)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute("UPDATE core_auditevent SET actor = 'user:mallory' WHERE seq = %s", [victim.seq])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    body = api.get("/api/v1/audit/verify").json()
    assert body["valid"] is False and body["bad_index"] == 4 and body["reason"] == "altered"
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit")
    assert broken.value.returncode == 1 and "index 4" in str(broken.value)
