"""The audit log as a transparency log: append-only in the database, integrated by the sequencer in commit
order, and any tampering (an altered, removed or reordered event) found by verification at its index."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from core.audit import Actor, audit_append
from core.merkle import Tree, compact_append, compact_root, leaf_hash
from core.models import AuditEvent, AuditLeaf
from core.transparency import audit_integrate, audit_verify
from tests.helpers import load_tool

ACTOR = Actor.system("test")
verifier = load_tool("verify_audit")


def _append(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        audit_append(actor=ACTOR, action="test.event", object_type="test", object_id=str(i), details={"i": i})


@pytest.fixture
def log(db):
    _append(5)
    audit_integrate()
    _append(3, start=5)
    audit_integrate()
    return list(AuditEvent.objects.order_by("leaf_index"))


def _tamper(sql, params):
    """Only a superuser can do this: switch the triggers off for one statement (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute("ALTER TABLE core_auditleaf DISABLE TRIGGER core_auditleaf_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE core_auditleaf ENABLE TRIGGER core_auditleaf_append_only")
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


@given(leaves=st.lists(st.binary(max_size=8), min_size=1, max_size=40), data=st.data())
def test_proofs_of_every_size_verify_with_the_standalone_verifier(leaves, data):
    hashes = [leaf_hash(leaf) for leaf in leaves]
    tree = Tree(hashes)
    split = data.draw(st.integers(0, len(leaves)))
    compact, size = compact_append(*compact_append([], 0, hashes[:split]), hashes[split:])
    assert (compact_root(compact), size) == (tree.root(), len(leaves))
    index = data.draw(st.integers(0, len(leaves) - 1))
    path = tree.inclusion_path(index)
    assert verifier.inclusion_valid(index, len(leaves), leaves[index], path, tree.root())
    assert not verifier.inclusion_valid(index, len(leaves), leaves[index] + b"!", path, tree.root())
    first = data.draw(st.integers(1, len(leaves)))
    proof = tree.consistency_proof(first)
    old_root = Tree(hashes[:first]).root()
    assert verifier.consistency_valid(first, len(leaves), old_root, tree.root(), proof)
    if first < len(leaves):
        assert not verifier.consistency_valid(first, len(leaves), leaf_hash(b"forged"), tree.root(), proof)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET actor = 'user:mallory' WHERE seq = %s",
        "UPDATE core_auditevent SET leaf_index = leaf_index + 100 WHERE seq = %s",
        "DELETE FROM core_auditevent WHERE seq = %s",
        "DELETE FROM core_auditleaf WHERE index = (SELECT leaf_index FROM core_auditevent WHERE seq = %s)",
    ],
)
def test_update_and_delete_are_refused_by_the_database(log, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [log[1].seq])
    assert AuditEvent.objects.get(seq=log[1].seq).actor == log[1].actor


@pytest.mark.parametrize("table", ["core_auditevent", "core_auditleaf", "core_audittreehead"])
def test_truncate_is_refused_unless_the_database_allows_it(log, table):
    """The test database allows it (pytest-django empties tables that way); a session without the setting not."""
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL facegate.audit_truncate = ''")
        c.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == len(log)


def test_the_sequencer_indexes_in_order_and_signs_each_head(log):
    assert [e.leaf_index for e in log] == list(range(8)) and [e.object_id for e in log] == [str(i) for i in range(8)]
    assert audit_integrate() is None  # nothing pending: no new head
    assert audit_verify() == {
        "valid": True,
        "tree_size": 8,
        "root_hash": Tree([leaf_hash(bytes(e.leaf)) for e in log]).root().hex(),
        "heads": 2,
        "pending": 0,
    }


def test_an_altered_event_is_found_at_its_index(log):
    _tamper("UPDATE core_auditevent SET details = '{\"i\": 99}' WHERE seq = %s", [log[6].seq])
    assert audit_verify() | {"heads_checked": None} == {
        "valid": False,
        "bad_index": 6,
        "reason": "altered",
        "heads_checked": None,
    }


def test_an_event_rewritten_with_its_leaf_is_found_at_its_index(log):
    forged = bytes(log[3].leaf).replace(b'"i":3', b'"i":4')
    _tamper("UPDATE core_auditevent SET details = '{\"i\": 4}', leaf = %s WHERE seq = %s", [forged, log[3].seq])
    assert audit_verify()["bad_index"] == 3


def test_a_removed_event_is_found_at_its_index(log):
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [log[2].seq])
    assert audit_verify() | {"heads_checked": 0} == {
        "valid": False,
        "bad_index": 2,
        "reason": "missing",
        "heads_checked": 0,
    }


def test_a_reordered_pair_is_found_at_the_first_of_the_two(log):
    a, b = log[5], log[7]
    _tamper("UPDATE core_auditevent SET leaf_index = -1 WHERE seq = %s", [a.seq])
    _tamper("UPDATE core_auditevent SET leaf_index = 5 WHERE seq = %s", [b.seq])
    _tamper("UPDATE core_auditevent SET leaf_index = 7 WHERE seq = %s", [a.seq])
    assert audit_verify()["bad_index"] == 5


def test_rewritten_leaf_hashes_still_fail_the_signed_heads(log):
    """Someone who rewrites an event and its stored leaf hash consistently cannot re-sign the head: the first
    head that no longer checks is named, with the first leaf it covers beyond the last good head."""
    forged = bytes(log[6].leaf).replace(b'"i":6', b'"i":0')
    _tamper("UPDATE core_auditevent SET details = '{\"i\": 0}', leaf = %s WHERE seq = %s", [forged, log[6].seq])
    _tamper("UPDATE core_auditleaf SET leaf_hash = %s WHERE index = 6", [leaf_hash(forged)])
    assert audit_verify() | {"heads_checked": 1} == {
        "valid": False,
        "bad_index": 5,
        "reason": "head_root",
        "heads_checked": 1,
    }


@pytest.mark.django_db(transaction=True)
def test_append_takes_no_lock_and_the_sequencer_integrates_only_committed_events():
    """An event in a transaction still open holds back nothing: other writers commit, the sequencer integrates
    theirs, and the late one gets the next index when it commits (no index is left for it to fill)."""
    appended, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                audit_append(actor=ACTOR, action="test.slow", object_type="test", object_id="slow")
                appended.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert appended.wait(30)
    with transaction.atomic():
        _append(2)  # would wait on the slow writer if appends took a lock
    head = audit_integrate()
    assert head.tree_size == 2 and not AuditLeaf.objects.filter(index=2).exists()
    release.set()
    thread.join(30)
    assert audit_integrate().tree_size == 3
    assert AuditEvent.objects.get(leaf_index=2).action == "test.slow"
    assert audit_verify()["valid"]
