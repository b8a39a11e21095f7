from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consent", "0005_consent_tenant_joins")]

    operations = [
        migrations.AddIndex(
            model_name="consent",
            index=models.Index(fields=["tenant", "subject"], name="consent_tenant_subject"),
        ),
    ]
