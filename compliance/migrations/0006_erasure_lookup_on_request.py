"""The selfie lookup becomes the erasure request's own work: its state moves from a match job onto the request."""

from django.db import migrations, models


def copy_lookup_state(apps, schema_editor):
    ErasureRequest = apps.get_model("compliance", "ErasureRequest")
    for request in ErasureRequest.objects.exclude(lookup_job=None).select_related("lookup_job"):
        job = request.lookup_job
        request.lookup_status = job.status
        request.lookup_error = job.error_code
        request.lookup_finished_at = job.finished_at
        request.selfie_sha256 = job.probe_sha256
        # A lookup still queued keeps its photo here; the lookup sweeper ends it (failed, to an officer).
        request.selfie = job.probe if job.status not in ("done", "failed") else None
        request.save()
        job.probe = None
        job.save(update_fields=["probe"])


class Migration(migrations.Migration):
    dependencies = [("compliance", "0005_models_moved"), ("matching", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="erasurerequest", name="lookup_error", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.AddField(
            model_name="erasurerequest",
            name="lookup_finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="erasurerequest",
            name="lookup_status",
            field=models.CharField(
                blank=True,
                choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                max_length=16,
            ),
        ),
        migrations.AddField(model_name="erasurerequest", name="selfie", field=models.BinaryField(null=True)),
        migrations.AddField(
            model_name="erasurerequest", name="selfie_sha256", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.RunPython(copy_lookup_state, migrations.RunPython.noop),
        migrations.RemoveField(model_name="erasurerequest", name="lookup_job"),
    ]
