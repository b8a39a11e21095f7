"""The audit log as a transparency log (RFC 9162 hashing): the sequencer, signed tree heads, proofs, verification.

Writers only append events (core/audit.py). The sequencer, one at a time under an advisory lock that nothing else
takes, gives every committed pending event the next leaf index, stores its leaf hash and signs a new tree head.
It sees only committed rows, so the leaf order is the order in which events became visible to it (within one
run, insert order), and no index is ever left for a late transaction to fill.
"""

from __future__ import annotations

import base64
import json
import struct
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from prometheus_client.core import Metric

from core import replica
from core.audit import canonical, leaf_fields
from core.errors import DomainError, NotFound
from core.keys import history_key, key_ring, thumbprint
from core.merkle import Tree, compact_append, compact_root, leaf_hash
from core.metrics import gauge
from core.models import AuditEvent, AuditLeaf, AuditTreeHead

SEQUENCER_LOCK = 0x46474151  # pg advisory lock id, taken by the sequencer alone
BATCH = 20_000  # events per run at most, so one run's transaction stays short
HEAD_CONTEXT = b"facegate-audit-tree-head-v1\n"


class InvalidTreeSize(DomainError):
    code = "invalid_tree_size"
    default_message = "No signed tree head covers that range."


def signed_bytes(tree_size: int, timestamp: int, root_hash: bytes) -> bytes:
    """The kid is not signed: it is the thumbprint of the key that verifies, so naming another key only picks one
    whose check fails, and heads signed before key ids existed keep their bytes (docs/audit.md)."""
    return HEAD_CONTEXT + struct.pack(">QQ", tree_size, timestamp) + root_hash


def _head_verifies(kid: str | None, signature: bytes, tree_size: int, timestamp: int, root_hash: bytes) -> bool:
    """Signed by the key of the history with that kid while it was active; a kid outside the history fails."""
    key = history_key(kid)
    signed_at = datetime.fromtimestamp(timestamp / 1000, tz=UTC)
    return key is not None and key.verifies(
        signature, signed_bytes(tree_size, timestamp, root_hash), signed_at=signed_at
    )


def head_json(head: AuditTreeHead) -> dict[str, Any]:
    return {
        "tree_size": head.tree_size,
        "root_hash": bytes(head.root_hash).hex(),
        "timestamp": head.timestamp,
        "signature": base64.b64encode(bytes(head.signature)).decode(),
        "public_key": base64.b64encode(bytes(head.public_key)).decode(),
        "key_id": thumbprint(bytes(head.public_key)),
    }


def head_signature_valid(head: dict[str, Any]) -> bool:
    """A head (as head_json gives it) is signed by the key of this deployment's history that its key_id names
    (the key itself from the history, never the public_key the head carries)."""
    kid = head.get("key_id") or thumbprint(base64.b64decode(head["public_key"]))  # a copy kept from before kids
    return _head_verifies(
        kid, base64.b64decode(head["signature"]), head["tree_size"], head["timestamp"], bytes.fromhex(head["root_hash"])
    )


# --- Sequencer ------------------------------------------------------------------------------------------------
def audit_integrate(*, limit: int = BATCH) -> AuditTreeHead | None:
    """Integrate committed pending events and sign the new head; None when there was nothing to do or another
    sequencer is running."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEQUENCER_LOCK])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(
            "SELECT seq, sha256(decode('00', 'hex') || leaf) FROM core_auditevent"
            " WHERE leaf_index IS NULL ORDER BY seq LIMIT %s",
            [limit],
        )
        rows = cursor.fetchall()
        if not rows:
            return None
        # A head is published as soon as it commits (GET /audit/head): a failover must not lose one a client kept.
        replica.kept_by_standby()
        head = AuditTreeHead.objects.order_by("-tree_size").first()
        size = head.tree_size if head else 0
        compact = [bytes.fromhex(h) for h in head.compact] if head else []
        indexes = list(range(size, size + len(rows)))
        cursor.execute(
            "UPDATE core_auditevent e SET leaf_index = v.idx FROM unnest(%s::bigint[], %s::bigint[]) AS v(seq, idx)"
            " WHERE e.seq = v.seq",
            [[seq for seq, _ in rows], indexes],
        )
        hashes = [bytes(h) for _, h in rows]
        AuditLeaf.objects.bulk_create(AuditLeaf(index=i, leaf_hash=h) for i, h in zip(indexes, hashes, strict=True))
        compact, size = compact_append(compact, size, hashes)
        root = compact_root(compact)
        timestamp = int(time.time() * 1000)
        ring = key_ring()  # read after the timestamp: a key retired meanwhile is not read, so never signs later
        return AuditTreeHead.objects.create(
            tree_size=size,
            root_hash=root,
            timestamp=timestamp,
            signature=ring.private.sign(signed_bytes(size, timestamp, root)),
            public_key=ring.active.public,
            compact=[h.hex() for h in compact],
        )


# --- Reads for the officer API and for certificates ----------------------------------------------------------
def latest_signed_head() -> dict[str, Any] | None:
    head = AuditTreeHead.objects.order_by("-tree_size").first()
    return head_json(head) if head else None


def signed_head(tree_size: int) -> dict[str, Any]:
    head = AuditTreeHead.objects.filter(tree_size=tree_size).first()
    if head is None:
        raise InvalidTreeSize(tree_size=tree_size)
    return head_json(head)


def _tree(tree_size: int | None) -> Tree:
    """The leaf hashes of a signed tree size (default: the latest head's)."""
    if tree_size is None:
        tree_size = AuditTreeHead.objects.order_by("-tree_size").values_list("tree_size", flat=True).first() or 0
    elif not AuditTreeHead.objects.filter(tree_size=tree_size).exists():
        raise InvalidTreeSize(tree_size=tree_size)
    hashes = AuditLeaf.objects.filter(index__lt=tree_size).order_by("index").values_list("leaf_hash", flat=True)
    return Tree([bytes(h) for h in hashes])


def audit_event_at(index: int) -> AuditEvent:
    event = AuditEvent.objects.filter(leaf_index=index).first()
    if event is None:
        raise NotFound("No audit event has that index yet.", index=index)
    return event


def inclusion_proofs(indexes: list[int], tree_size: int | None = None) -> list[dict[str, Any]]:
    """RFC 9162 inclusion proofs of several events in one signed tree (the leaves read once)."""
    tree = _tree(tree_size)
    size = len(tree.leaves)
    for index in indexes:
        if not 0 <= index < size:
            raise InvalidTreeSize("The index is outside the tree.", index=index, tree_size=size)
    return [{"index": i, "tree_size": size, "audit_path": [h.hex() for h in tree.inclusion_path(i)]} for i in indexes]


def inclusion_proof(index: int, tree_size: int | None = None) -> dict[str, Any]:
    return inclusion_proofs([index], tree_size)[0]


def consistency_proof(first: int, second: int) -> dict[str, Any]:
    if not 0 <= first <= second:
        raise InvalidTreeSize("from must be between 0 and to.", first=first, second=second)
    tree = _tree(second)
    if first and not AuditTreeHead.objects.filter(tree_size=first).exists():
        raise InvalidTreeSize(tree_size=first)
    return {"from": first, "to": second, "proof": [h.hex() for h in tree.consistency_proof(first)]}


# --- Verification ---------------------------------------------------------------------------------------------
def _event_leaf_ok(event: AuditEvent) -> bool:
    """The row's columns still say what its leaf bytes say (a legacy chained leaf also carries its chain hash)."""
    fields = leaf_fields(
        event.seq, event.at, event.actor, event.action, event.object_type, event.object_id, event.details
    )
    leaf = bytes(event.leaf)
    if leaf == canonical(fields).encode():
        return True
    try:
        stored = json.loads(leaf)
    except ValueError:
        return False
    return "chain_hash" in stored and leaf == canonical({**fields, "chain_hash": stored["chain_hash"]}).encode()


def audit_verify() -> dict[str, Any]:
    """Recompute the tree from the events and check every signed head.

    {"valid": true, "tree_size", "root_hash", "heads", "pending"} or {"valid": false, "bad_index", "reason", "heads_checked"}:
    bad_index is the first leaf found wrong (an event altered, moved or missing); when only a head fails (the
    stored leaves were rewritten too), it is the first leaf after the last head that still checks.
    """
    heads = list(AuditTreeHead.objects.order_by("tree_size"))
    stored = AuditLeaf.objects.order_by("index").values_list("index", "leaf_hash").iterator(chunk_size=5000)
    events = AuditEvent.objects.filter(leaf_index__isnull=False).order_by("leaf_index").iterator(chunk_size=2000)
    compact: list[bytes] = []
    size, good_size, checked = 0, 0, 0

    def broken(index: int, reason: str) -> dict[str, Any]:
        return {"valid": False, "bad_index": index, "reason": reason, "heads_checked": checked}

    for event in events:
        index, stored_hash = next(stored, (None, None))
        if event.leaf_index != size or index != size or stored_hash is None:
            return broken(size, "missing")
        h = leaf_hash(bytes(event.leaf))
        if not _event_leaf_ok(event) or h != bytes(stored_hash):
            return broken(size, "altered")
        compact, size = compact_append(compact, size, [h])
        while checked < len(heads) and heads[checked].tree_size == size:
            head = heads[checked]
            # The history's key with the row's key id, not the row's key: a head rewritten with another key fails.
            kid = thumbprint(bytes(head.public_key))
            if not _head_verifies(kid, bytes(head.signature), head.tree_size, head.timestamp, bytes(head.root_hash)):
                return broken(good_size, "head_signature")
            if compact_root(compact) != bytes(head.root_hash):
                return broken(good_size, "head_root")
            good_size, checked = size, checked + 1
    if checked < len(heads) or next(stored, None) is not None:
        return broken(size, "missing")
    return {
        "valid": True,
        "tree_size": size,
        "root_hash": compact_root(compact).hex(),
        "heads": checked,
        "pending": AuditEvent.objects.filter(leaf_index__isnull=True).count(),
    }


def audit_lag_metrics() -> Iterable[Metric]:
    """Scrape time (core/metrics.py): committed events no signed head covers yet, and the age of the newest head."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT (SELECT count(*) FROM core_auditevent WHERE leaf_index IS NULL),
                      (SELECT extract(epoch FROM clock_timestamp() - min(at)) FROM core_auditevent
                       WHERE leaf_index IS NULL),
                      (SELECT max(timestamp) FROM core_audittreehead)"""
        )
        pending, oldest, head_ms = cursor.fetchone()
    since_head = time.time() - head_ms / 1000 if head_ms is not None else float("nan")
    yield gauge("facegate_audit_pending_events", "Audit events not yet in a signed tree head", [], [([], pending)])
    yield gauge(
        "facegate_audit_oldest_pending_seconds",
        "Age of the oldest audit event no signed head covers (0: none)",
        [],
        [([], float(oldest or 0))],
    )
    yield gauge(
        "facegate_audit_seconds_since_signed_head",
        "Seconds since the newest signed tree head (NaN: none yet)",
        [],
        [([], since_head)],
    )
