"""A tenant's template writes yield to its promotion (matching.partitions.partition_attach).

While a promotion moves a tenant out of the shared partition, the shared partition carries a CHECK refusing the
tenant's rows, and the tenant's rows being moved must not change. The promotion holds the tenant's advisory lock
(the key the hint writers of migration 0008 share) across those steps; every insert, update or delete of one of
the tenant's templates takes it shared without waiting, and otherwise fails with lock_not_available (55P03), which
core.retry re-runs. Never waiting here matters: the writer already holds a lock on the shared partition, which the
promotion's ATTACH needs; a writer waiting on the promotion would deadlock it.
"""

from django.db import migrations

GUARD = """
CREATE FUNCTION matching_template_promotion_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    tenant uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
BEGIN
    IF NOT pg_try_advisory_xact_lock_shared(hashtextextended(tenant::text, 0)) THEN
        RAISE EXCEPTION 'the templates of tenant % are being moved to their own partition', tenant
            USING ERRCODE = 'lock_not_available';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER matching_template_promotion_guard BEFORE INSERT OR UPDATE OR DELETE ON matching_facetemplate
    FOR EACH ROW EXECUTE FUNCTION matching_template_promotion_guard();
"""

UNGUARD = """
DROP TRIGGER matching_template_promotion_guard ON matching_facetemplate;
DROP FUNCTION matching_template_promotion_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("matching", "0010_fair_dispatch")]

    operations = [migrations.RunSQL(GUARD, reverse_sql=UNGUARD)]
