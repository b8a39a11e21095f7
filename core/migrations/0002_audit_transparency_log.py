"""The hash chain becomes a transparency log: each event stores its leaf bytes; a sequencer assigns leaf indexes
and signs tree heads. Events of the chain keep their order (the sequencer integrates pending events by seq) and
their leaf bytes carry their old chain hash, so a chain head recorded before the upgrade can still be checked."""

import json

from django.db import migrations, models

REFUSE = """
CREATE OR REPLACE FUNCTION core_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    -- The sequencer's one write: a pending event gets its leaf index, once, and nothing else changes.
    IF TG_OP = 'UPDATE' AND OLD.leaf_index IS NULL AND NEW.leaf_index IS NOT NULL
       AND (NEW.seq, NEW.at, NEW.actor, NEW.action, NEW.object_type, NEW.object_id, NEW.details, NEW.leaf)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.at, OLD.actor, OLD.action, OLD.object_type, OLD.object_id, OLD.details, OLD.leaf) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION core_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    -- Only a database whose owner set this (the test database: pytest-django empties tables by TRUNCATE).
    IF current_setting('facegate.audit_truncate', true) = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit log is append-only (TRUNCATE refused)' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();

CREATE FUNCTION core_audit_tree_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit tree is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditleaf_append_only BEFORE UPDATE OR DELETE ON core_auditleaf
    FOR EACH ROW EXECUTE FUNCTION core_audit_tree_refuse_change();
CREATE TRIGGER core_auditleaf_no_truncate BEFORE TRUNCATE ON core_auditleaf
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();
CREATE TRIGGER core_audittreehead_append_only BEFORE UPDATE OR DELETE ON core_audittreehead
    FOR EACH ROW EXECUTE FUNCTION core_audit_tree_refuse_change();
CREATE TRIGGER core_audittreehead_no_truncate BEFORE TRUNCATE ON core_audittreehead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();
"""

UNREFUSE = """
DROP TRIGGER core_audittreehead_no_truncate ON core_audittreehead;
DROP TRIGGER core_audittreehead_append_only ON core_audittreehead;
DROP TRIGGER core_auditleaf_no_truncate ON core_auditleaf;
DROP TRIGGER core_auditleaf_append_only ON core_auditleaf;
DROP FUNCTION core_audit_tree_refuse_change();
DROP TRIGGER core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION core_audit_refuse_truncate();
CREATE OR REPLACE FUNCTION core_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def leaves_of_the_chain(apps, schema_editor):
    """Each chained event's leaf: the fields its chain hash covered, plus that hash (core.audit's leaf layout)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute("SELECT seq, at, actor, action, object_type, object_id, details, hash FROM core_auditevent")
        for seq, at, actor, action, object_type, object_id, details, chain_hash in cursor.fetchall():
            fields = {
                "seq": seq,
                "at": at.isoformat(),
                "actor": actor,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "details": details if isinstance(details, dict) else json.loads(details),
                "chain_hash": chain_hash,
            }
            leaf = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
            cursor.execute("UPDATE core_auditevent SET leaf = %s WHERE seq = %s", [leaf.encode(), seq])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField("auditevent", "leaf", models.BinaryField(null=True)),
        migrations.AddField("auditevent", "leaf_index", models.BigIntegerField(null=True, unique=True)),
        migrations.RunPython(leaves_of_the_chain, migrations.RunPython.noop),
        migrations.RemoveField("auditevent", "prev_hash"),
        migrations.RemoveField("auditevent", "hash"),
        migrations.AlterField("auditevent", "leaf", models.BinaryField()),
        migrations.AddIndex(
            "auditevent",
            models.Index(fields=["seq"], name="auditevent_pending_idx", condition=models.Q(leaf_index__isnull=True)),
        ),
        migrations.CreateModel(
            name="AuditLeaf",
            fields=[
                ("index", models.BigIntegerField(primary_key=True, serialize=False)),
                ("leaf_hash", models.BinaryField()),
            ],
        ),
        migrations.CreateModel(
            name="AuditTreeHead",
            fields=[
                ("tree_size", models.BigIntegerField(primary_key=True, serialize=False)),
                ("root_hash", models.BinaryField()),
                ("timestamp", models.BigIntegerField()),
                ("signature", models.BinaryField()),
                ("public_key", models.BinaryField()),
                ("compact", models.JSONField(default=list)),
            ],
        ),
        migrations.RunSQL(REFUSE, UNREFUSE),
    ]
