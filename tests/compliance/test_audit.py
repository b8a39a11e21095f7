"""The audit chain: append-only in the database, and any tampering found by verification."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from compliance.services import holds
from core.audit import Actor, audit_verify
from core.models import AuditEvent
from tests import factories

ACTOR = Actor.system("test")


@pytest.fixture
def chain(db):
    for i in range(4):
        factories.tenant(f"t{i}")
        holds.legal_hold_create(scope={"tenants": [f"t{i}"]}, reason=f"case {i}", expires_at=None, actor=ACTOR)
    return list(AuditEvent.objects.order_by("seq"))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET actor = 'user:mallory' WHERE seq = %s",
        "DELETE FROM core_auditevent WHERE seq = %s",
    ],
)
def test_update_and_delete_are_refused_by_the_database(chain, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [chain[1].seq])
    assert AuditEvent.objects.get(seq=chain[1].seq).actor == chain[1].actor


def _tamper(sql, params):
    """Only a superuser can do this: switch the trigger off for one statement (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def test_verify_finds_the_first_tampered_row(chain, capsys):
    assert audit_verify()["valid"]
    call_command("verify_audit")
    assert f"{len(chain)} events" in capsys.readouterr().out

    target = chain[2]
    _tamper(
        "UPDATE core_auditevent SET details = jsonb_set(details, '{reason}', '\"nothing\"') WHERE seq = %s",
        [target.seq],
    )

    result = audit_verify()
    assert result["valid"] is False and result["broken_seq"] == target.seq and result["events"] == 2
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit")
    assert broken.value.returncode == 1 and str(target.seq) in str(broken.value)


def test_verify_finds_a_deleted_row(chain, api):
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [chain[1].seq])
    body = api.get("/api/v1/audit/verify").json()
    assert body["valid"] is False and body["broken_seq"] == chain[2].seq


def test_verify_finds_a_rehashed_row(chain):
    """Recomputing one row's hash does not help: the next row's prev_hash no longer matches."""
    from core.audit import _hashed_fields, event_hash

    e = chain[1]
    fields = _hashed_fields(e.seq, e.at, "user:mallory", e.action, e.object_type, e.object_id, e.details)
    _tamper(
        "UPDATE core_auditevent SET actor = 'user:mallory', hash = %s WHERE seq = %s",
        [event_hash(e.prev_hash, fields), e.seq],
    )
    assert audit_verify()["broken_seq"] == chain[2].seq
