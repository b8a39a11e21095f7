"""Selfie lookups keep each candidate's distance and modelled FPIR, so an officer can judge it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0011_access_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="erasurerequest",
            name="candidate_scores",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
