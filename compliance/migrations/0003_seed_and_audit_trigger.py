from django.db import migrations

from policy import seed

AUDIT_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION compliance_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_auditevent_append_only
    BEFORE UPDATE OR DELETE ON compliance_auditevent
    FOR EACH ROW EXECUTE FUNCTION compliance_audit_refuse_change();
"""


def load_seed(apps, schema_editor):
    # The models lived in compliance when this migration was written.
    seed.load(
        apps,
        schema_editor,
        jurisdiction_model=("compliance", "Jurisdiction"),
        rule_model=("compliance", "RetentionRule"),
    )


def create_officers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="compliance_officers")


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunSQL(AUDIT_APPEND_ONLY, reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(load_seed, migrations.RunPython.noop),
        migrations.RunPython(create_officers_group, migrations.RunPython.noop),
    ]
