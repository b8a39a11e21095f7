"""Every tenant partition gets an HNSW graph per hinted purpose, of the templates whose hint names it
(new partitions get them when they are built: matching.partitions.purpose_graph_sql). Built here under the
partition's SHARE lock (its reads go on, its writes wait): on a large deployment run it at a quiet hour."""

from django.db import migrations

# As of this migration (matching.partitions.HINTED_PURPOSES, HNSW, hinted()); frozen here like every migration.
PURPOSES = ("fraud_prevention", "access_control")
GRAPH = (
    "CREATE INDEX ON {table} USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64) "
    "WHERE purposes_hint @> ARRAY['{purpose}']::varchar(32)[]"
)

TENANT_PARTITIONS = """
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'matching_facetemplate'::regclass AND c.relname <> 'matching_facetemplate_shared'"""


def purpose_graphs_add(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(TENANT_PARTITIONS)
        for (table,) in cursor.fetchall():
            for purpose in PURPOSES:
                cursor.execute(GRAPH.format(table=table, purpose=purpose))


def purpose_graphs_drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT i.indexrelid::regclass::text FROM pg_index i
                JOIN pg_class ix ON ix.oid = i.indexrelid JOIN pg_am am ON am.oid = ix.relam
                WHERE am.amname = 'hnsw' AND i.indpred IS NOT NULL
                  AND i.indrelid IN (SELECT c.oid FROM ({TENANT_PARTITIONS}) t JOIN pg_class c USING (relname))"""
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {index}")


class Migration(migrations.Migration):
    dependencies = [("matching", "0011_template_promotion_guard")]

    operations = [migrations.RunPython(purpose_graphs_add, purpose_graphs_drop)]
