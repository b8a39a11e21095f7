import datetime
import uuid

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0010_erasure_request_objections"),
        ("consent", "0005_consent_tenant_joins"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessRequest",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("email", models.EmailField(blank=True, max_length=254)),
                ("external_ref", models.CharField(blank=True, max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("awaiting_verification", "Awaiting the requester's confirmation"),
                            ("awaiting_officer", "Awaiting an officer"),
                            ("done", "Answered"),
                        ],
                        default="awaiting_verification",
                        max_length=32,
                    ),
                ),
                ("source", models.CharField(default="portal", max_length=16)),
                ("received_at", models.DateTimeField()),
                ("due_at", models.DateTimeField()),
                ("verified_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "subjects",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.UUIDField(), blank=True, default=list, size=None
                    ),
                ),
                (
                    "reminders_sent",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.PositiveSmallIntegerField(), blank=True, default=list, size=None
                    ),
                ),
                ("paused_at", models.DateTimeField(blank=True, null=True)),
                ("paused_for", models.DurationField(default=datetime.timedelta(0))),
                ("extended_at", models.DateTimeField(blank=True, null=True)),
                ("extension_reason", models.TextField(blank=True)),
                ("clock", models.JSONField(blank=True, default=list)),
                (
                    "jurisdiction",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="consent.jurisdiction"),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to="consent.tenant"
                    ),
                ),
            ],
        ),
    ]
