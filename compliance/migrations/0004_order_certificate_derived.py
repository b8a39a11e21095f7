"""An order's certificates are found by their cause (one per erasure pass), so the order stops storing one."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("compliance", "0003_seed_and_audit_trigger")]

    operations = [migrations.RemoveField(model_name="regulatororder", name="certificate")]
