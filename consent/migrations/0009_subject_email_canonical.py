"""Every subject's address in the one form addresses are compared in (core.emails): lookups stop folding case in
the database. An address stored before that cannot be mailed (no valid domain) gets no canonical form: no
confirmed address ever reaches it, an officer still can."""

from django.db import migrations, models

from core.emails import EmailUndeliverable, email_canonical


def backfill(apps, schema_editor):
    Subject = apps.get_model("consent", "Subject")
    rows = Subject.objects.exclude(email="").only("pk", "email").iterator(chunk_size=2000)
    batch = []
    for subject in rows:
        try:
            subject.email_canonical = email_canonical(subject.email)
        except EmailUndeliverable:
            continue
        batch.append(subject)
        if len(batch) == 2000:
            Subject.objects.bulk_update(batch, ["email_canonical"])
            batch = []
    Subject.objects.bulk_update(batch, ["email_canonical"])


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0008_jurisdiction_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="subject",
            name="email_canonical",
            field=models.CharField(blank=True, default="", max_length=320),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="subject",
            index=models.Index(fields=["email_canonical"], name="subject_email_canonical"),
        ),
    ]
