from django.db import migrations, models

from policy import seed


def load_seed(apps, schema_editor):
    seed.load_time_zones(apps, schema_editor)
    seed.load_calendar_retention(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_seed_clock_rules"), ("consent", "0008_jurisdiction_time_zone")]

    operations = [
        migrations.AddField(
            model_name="retentionrule", name="max_age_months", field=models.PositiveIntegerField(default=0)
        ),
        migrations.AlterField(
            model_name="retentionrule", name="max_age_days", field=models.PositiveIntegerField(default=0)
        ),
        migrations.RunPython(load_seed, migrations.RunPython.noop),
    ]
