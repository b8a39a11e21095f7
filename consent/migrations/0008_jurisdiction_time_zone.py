from django.db import migrations, models

import consent.models


class Migration(migrations.Migration):
    """The zones themselves are seed data (policy.seed.TIME_ZONES), loaded by policy 0004."""

    dependencies = [("consent", "0007_consent_withdrawal_notified")]

    operations = [
        migrations.AddField(
            model_name="jurisdiction",
            name="time_zone",
            field=models.CharField(default="UTC", max_length=64, validators=[consent.models.validate_time_zone]),
        ),
    ]
