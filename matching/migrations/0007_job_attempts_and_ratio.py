"""Jobs count the runs started (a job that crashes its worker every time ends after JOB_MAX_ATTEMPTS), and a
match job records the runner-up ratio of its decision rule (1.0 for jobs queued before: the distance alone)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("matching", "0006_partition_templates_by_tenant")]

    operations = [
        *(
            migrations.AddField(model_name=model, name="attempts", field=models.PositiveSmallIntegerField(default=0))
            for model in ("enrollment", "matchjob", "verification")
        ),
        migrations.AddField(
            model_name="matchjob",
            name="ratio_max",
            field=models.FloatField(default=1.0),
        ),
    ]
