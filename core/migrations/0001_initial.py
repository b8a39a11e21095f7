from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("compliance", "0003_seed_and_audit_trigger")]

    operations = [
        # The audit log moves from compliance (every app writes it): same rows, new name.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                        ("at", models.DateTimeField()),
                        ("actor", models.CharField(max_length=200)),
                        ("action", models.CharField(max_length=64)),
                        ("object_type", models.CharField(max_length=64)),
                        ("object_id", models.CharField(max_length=64)),
                        ("details", models.JSONField(default=dict)),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64, unique=True)),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["object_type", "object_id"], name="compliance__object__53cfe7_idx")
                        ],
                    },
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE compliance_auditevent RENAME TO core_auditevent",
                    reverse_sql="ALTER TABLE core_auditevent RENAME TO compliance_auditevent",
                ),
                migrations.RunSQL(
                    "ALTER TRIGGER compliance_auditevent_append_only ON core_auditevent"
                    " RENAME TO core_auditevent_append_only;"
                    "ALTER FUNCTION compliance_audit_refuse_change() RENAME TO core_audit_refuse_change",
                    reverse_sql="ALTER TRIGGER core_auditevent_append_only ON core_auditevent"
                    " RENAME TO compliance_auditevent_append_only;"
                    "ALTER FUNCTION core_audit_refuse_change() RENAME TO compliance_audit_refuse_change",
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name="auditevent", new_name="auditevent_object_idx", old_name="compliance__object__53cfe7_idx"
        ),
    ]
