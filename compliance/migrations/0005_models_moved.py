"""State only: jurisdictions went to consent, the audit log to core, orders/holds/retention rules to policy
(their tables were renamed by those apps' migrations)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0004_order_certificate_derived"),
        ("consent", "0003_jurisdiction_alter_apikey_purposes_and_more"),
        ("core", "0001_initial"),
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="erasurerequest",
                    name="jurisdiction",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="consent.jurisdiction"),
                ),
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="LegalHold"),
                migrations.DeleteModel(name="RegulatorOrder"),
                migrations.DeleteModel(name="RetentionRule"),
                migrations.DeleteModel(name="Jurisdiction"),
            ]
        ),
    ]
