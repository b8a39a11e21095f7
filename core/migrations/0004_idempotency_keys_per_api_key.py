"""Idempotency keys were kept per tenant ("tenant:<id>"); they are now kept per API key ("api_key:<id>"). A kept
tenant-wide response cannot be told apart by the key that made it, so it goes: a retry of one of those requests
within its 24 h is done again rather than answered another key's response."""

from django.db import migrations


def drop_tenant_scoped_keys(apps, schema_editor):
    apps.get_model("core", "IdempotencyKey").objects.filter(scope__startswith="tenant:").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_idempotency_keys"),
    ]

    operations = [
        migrations.RunPython(drop_tenant_scoped_keys, migrations.RunPython.noop),
    ]
