"""An erasure request's run is relayed like the other jobs: when it was asked for and when a worker started it.
Requests already waiting for their run count as asked for when they were received (the relay sends them once)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("compliance", "0014_webhook_standard_signing_and_job_events")]

    operations = [
        migrations.AddField(
            model_name="erasurerequest", name="run_requested_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="erasurerequest", name="run_started_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.RunSQL(
            "UPDATE compliance_erasurerequest SET run_requested_at = received_at "
            "WHERE status = 'running' AND verified_at IS NOT NULL AND lookup_status IN ('', 'done', 'failed')",
            migrations.RunSQL.noop,
        ),
    ]
