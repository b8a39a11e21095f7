"""Fair dispatch (matching/services/dispatch.py): each job records the pixels its worker will inflate, a row per
tenant says when its job last got a worker, and partial indexes keep the reads of waiting jobs small."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0009_subject_email_canonical"),
        ("matching", "0009_match_review_band"),
    ]

    operations = [
        migrations.CreateModel(
            name="TenantTurn",
            fields=[
                (
                    "tenant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="consent.tenant",
                    ),
                ),
                ("last_started_at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.AddField(
            model_name="enrollment",
            name="decode_pixels",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="matchjob",
            name="decode_pixels",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="verification",
            name="decode_pixels",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="enrollment",
            index=models.Index(
                condition=models.Q(("status__in", ("queued", "running"))),
                fields=["created_at"],
                name="matching_enrollment_waiting",
            ),
        ),
        migrations.AddIndex(
            model_name="matchjob",
            index=models.Index(
                condition=models.Q(("status__in", ("queued", "running"))),
                fields=["created_at"],
                name="matching_matchjob_waiting",
            ),
        ),
        migrations.AddIndex(
            model_name="verification",
            index=models.Index(
                condition=models.Q(("status__in", ("queued", "running"))),
                fields=["created_at"],
                name="matching_verification_waiting",
            ),
        ),
    ]
