from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0015_erasure_request_run_relay"),
    ]

    operations = [
        # The portal's language when the request came through it: the requester's mails are written in it.
        migrations.AddField(
            model_name="accessrequest",
            name="language",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddField(
            model_name="erasurerequest",
            name="language",
            field=models.CharField(blank=True, max_length=8),
        ),
    ]
