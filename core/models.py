from django.db import models


class AuditEvent(models.Model):
    """Append-only: a trigger refuses DELETE and TRUNCATE, and every UPDATE but the sequencer's one-time setting of
    `leaf_index`. `leaf` holds the exact bytes hashed into the Merkle tree. Never biometric or contact data."""

    seq = models.BigAutoField(primary_key=True)  # insert order; the tree's order is leaf_index (commit order)
    at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict)
    leaf = models.BinaryField()
    leaf_index = models.BigIntegerField(null=True, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="auditevent_object_idx"),
            # The sequencer's queue: events appended and not yet in the tree.
            models.Index(fields=["seq"], name="auditevent_pending_idx", condition=models.Q(leaf_index__isnull=True)),
        ]


class AuditLeaf(models.Model):
    """The tree's level 0, written by the sequencer (append-only): which leaf hash sits at each index. An event
    moved to another index, or altered, no longer hashes to the leaf stored at its index."""

    index = models.BigIntegerField(primary_key=True)
    leaf_hash = models.BinaryField()


class AuditTreeHead(models.Model):
    """A signed tree head (append-only, like the events): the root of the first `tree_size` leaves, signed with
    Ed25519 over the bytes documented in docs/audit.md. `compact` lets the sequencer extend the tree without
    reading it: the roots of its perfect subtrees, largest first (hex)."""

    tree_size = models.BigIntegerField(primary_key=True)
    root_hash = models.BinaryField()
    timestamp = models.BigIntegerField()  # ms since the Unix epoch
    signature = models.BinaryField()
    public_key = models.BinaryField()
    compact = models.JSONField(default=list)


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key and the first response to it (core/idempotency.py). `status` is null while the
    first request runs."""

    scope = models.CharField(max_length=80)  # whose key: one credential's, "api_key:<id>" (consent.client_api)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    created_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotencykey_unique")]
