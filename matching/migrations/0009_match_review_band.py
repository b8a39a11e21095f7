"""A match job may ask for the review band: people just outside the decision, kept apart from its results."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("matching", "0008_template_purposes_hint")]

    operations = [
        migrations.AddField(model_name="matchjob", name="review", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="matchjob", name="review_candidates", field=models.JSONField(default=list)),
    ]
