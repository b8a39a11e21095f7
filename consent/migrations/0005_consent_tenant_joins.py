"""Consents carry their tenant, so every join of the gate is by (tenant_id, id) (one partition, one shard).

The column is backfilled from the consent's subject; composite keys to (tenant_id, id) of subjects and notices
keep it equal to the subject's tenant and forbid citing another tenant's notice, in the database itself.
"""

import django.db.models.deletion
from django.db import migrations, models

# Immediate: the backfill's pending checks of the new column's foreign key would forbid the ALTERs that follow.
BACKFILL = """
SET CONSTRAINTS ALL IMMEDIATE;
UPDATE consent_consent c SET tenant_id = s.tenant_id FROM consent_subject s WHERE s.id = c.subject_id;
SET CONSTRAINTS ALL DEFERRED;
"""

# Deferred like Django's own keys: a cascade deletes consents and their subject in one transaction.
TENANT_KEYS = """
ALTER TABLE consent_consent
    ADD CONSTRAINT consent_consent_subject_same_tenant FOREIGN KEY (tenant_id, subject_id)
        REFERENCES consent_subject (tenant_id, id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT consent_consent_notice_same_tenant FOREIGN KEY (tenant_id, notice_id)
        REFERENCES consent_notice (tenant_id, id) DEFERRABLE INITIALLY DEFERRED;
"""
DROP_TENANT_KEYS = """
ALTER TABLE consent_consent
    DROP CONSTRAINT consent_consent_subject_same_tenant,
    DROP CONSTRAINT consent_consent_notice_same_tenant;
"""


class Migration(migrations.Migration):
    dependencies = [("consent", "0004_jurisdiction_clock_rules")]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="tenant",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="consent.tenant",
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="consent",
            name="tenant",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="consent.tenant"
            ),
        ),
        migrations.AddIndex(
            model_name="consent",
            index=models.Index(fields=["tenant", "purpose"], name="consent_con_tenant__2cc91c_idx"),
        ),
        migrations.AddConstraint(
            model_name="subject",
            constraint=models.UniqueConstraint(fields=("tenant", "id"), name="subject_unique_tenant_id"),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(fields=("tenant", "id"), name="notice_unique_tenant_id"),
        ),
        migrations.RunSQL(TENANT_KEYS, reverse_sql=DROP_TENANT_KEYS),
    ]
