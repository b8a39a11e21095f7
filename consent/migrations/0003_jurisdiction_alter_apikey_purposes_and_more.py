"""Jurisdictions move from compliance to consent; the erasure_lookup purpose is no client purpose any more."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0002_notice_immutable"),
        ("compliance", "0003_seed_and_audit_trigger"),
    ]

    operations = [
        # The jurisdiction table moves from compliance (subjects are below compliance): same rows, new name.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Jurisdiction",
                    fields=[
                        ("code", models.CharField(max_length=8, primary_key=True, serialize=False)),
                        ("name", models.CharField(max_length=100)),
                        ("law", models.CharField(max_length=100)),
                        ("citation", models.CharField(blank=True, max_length=200)),
                        ("written_release_required", models.BooleanField(default=False)),
                        ("explicit_consent_required", models.BooleanField(default=True)),
                        ("erasure_deadline_months", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("erasure_deadline_days", models.PositiveSmallIntegerField(blank=True, null=True)),
                    ],
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE compliance_jurisdiction RENAME TO consent_jurisdiction",
                    reverse_sql="ALTER TABLE consent_jurisdiction RENAME TO compliance_jurisdiction",
                )
            ],
        ),
        migrations.AlterField(
            model_name="apikey",
            name="purposes",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(
                    choices=[
                        ("identity_verification", "Identity verification (1:1)"),
                        ("fraud_prevention", "Fraud prevention (1:N)"),
                        ("access_control", "Access control (1:N)"),
                    ],
                    max_length=32,
                ),
                size=None,
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("identity_verification", "Identity verification (1:1)"),
                    ("fraud_prevention", "Fraud prevention (1:N)"),
                    ("access_control", "Access control (1:N)"),
                ],
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("identity_verification", "Identity verification (1:1)"),
                    ("fraud_prevention", "Fraud prevention (1:N)"),
                    ("access_control", "Access control (1:N)"),
                ],
                max_length=32,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="subject",
                    name="jurisdiction",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="consent.jurisdiction"
                    ),
                ),
            ]
        ),
    ]
