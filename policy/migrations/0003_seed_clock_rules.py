from django.db import migrations

from policy import seed


def load_clocks(apps, schema_editor):
    seed.load_clocks(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0002_order_status_without_overdue"),
        ("consent", "0004_jurisdiction_clock_rules"),
    ]

    operations = [migrations.RunPython(load_clocks, migrations.RunPython.noop)]
