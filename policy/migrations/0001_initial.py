import uuid

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("consent", "0003_jurisdiction_alter_apikey_purposes_and_more"),
        ("compliance", "0004_order_certificate_derived"),
    ]

    operations = [
        # Orders, holds and retention rules move from compliance (the gate reads them): same rows, new names.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LegalHold",
                    fields=[
                        (
                            "scope_jurisdictions",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=8), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "scope_tenants",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.UUIDField(), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "scope_subjects",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.UUIDField(), blank=True, default=list, size=None
                            ),
                        ),
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("reason", models.TextField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                        ("released_at", models.DateTimeField(blank=True, null=True)),
                        ("created_by", models.CharField(max_length=150)),
                    ],
                    options={
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="RegulatorOrder",
                    fields=[
                        (
                            "scope_jurisdictions",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=8), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "scope_tenants",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.UUIDField(), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "scope_subjects",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.UUIDField(), blank=True, default=list, size=None
                            ),
                        ),
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("regulator", models.CharField(max_length=200)),
                        ("reference", models.CharField(max_length=200)),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("erase", "Erase"),
                                    ("suspend_processing", "Suspend processing"),
                                    ("restrict_collection", "Restrict collection"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("received", "Received"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("blocked_by_hold", "Blocked by legal hold"),
                                    ("overdue", "Overdue"),
                                ],
                                default="received",
                                max_length=32,
                            ),
                        ),
                        ("received_at", models.DateTimeField()),
                        ("issued_at", models.DateTimeField(blank=True, null=True)),
                        ("deadline", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        ("lifted_at", models.DateTimeField(blank=True, null=True)),
                        ("subjects_total", models.PositiveIntegerField(default=0)),
                        ("subjects_erased", models.PositiveIntegerField(default=0)),
                        (
                            "held_subjects",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.UUIDField(), blank=True, default=list, size=None
                            ),
                        ),
                        ("exceptions", models.JSONField(blank=True, default=list)),
                        (
                            "reminders_sent",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.PositiveSmallIntegerField(), blank=True, default=list, size=None
                            ),
                        ),
                    ],
                    options={
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="RetentionRule",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "purpose",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("identity_verification", "Identity verification (1:1)"),
                                    ("fraud_prevention", "Fraud prevention (1:N)"),
                                    ("access_control", "Access control (1:N)"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "anchor",
                            models.CharField(
                                choices=[
                                    ("granted", "Consent granted"),
                                    ("last_interaction", "Last interaction"),
                                    ("purpose_end", "Purpose met or ended"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("max_age_days", models.PositiveIntegerField()),
                        ("citation", models.CharField(blank=True, max_length=200)),
                        ("active", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="consent.jurisdiction",
                            ),
                        ),
                        (
                            "tenant",
                            models.ForeignKey(
                                blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="consent.tenant"
                            ),
                        ),
                    ],
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE compliance_legalhold RENAME TO policy_legalhold",
                    reverse_sql="ALTER TABLE policy_legalhold RENAME TO compliance_legalhold",
                ),
                migrations.RunSQL(
                    "ALTER TABLE compliance_regulatororder RENAME TO policy_regulatororder",
                    reverse_sql="ALTER TABLE policy_regulatororder RENAME TO compliance_regulatororder",
                ),
                migrations.RunSQL(
                    "ALTER TABLE compliance_retentionrule RENAME TO policy_retentionrule",
                    reverse_sql="ALTER TABLE policy_retentionrule RENAME TO compliance_retentionrule",
                ),
            ],
        ),
    ]
