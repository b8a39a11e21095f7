"""Each template carries `purposes_hint`: the purposes of its subject's consents that are not withdrawn.

A cheap superset of the purposes the policy gate may allow (it ignores grant and expiry times, notices, orders,
erasure and retention, which only the gate judges), so the search can narrow a tenant's templates to those that
may pass before it runs the full gate on the nearest few (matching.selectors). The triggers below keep it in the
transaction of every write that can make a template eligible: a consent inserted, un-withdrawn or moved to another
purpose or subject, and a template inserted. Each takes its subject's row lock before reading the consents, so two
writers of one subject's hint run one after the other and the second reads what the first committed; a promotion of
the tenant to its own partition waits for those updating its templates (the tenant's advisory lock,
matching.partitions).

A partial B-tree per searchable purpose reaches the hinted templates of a tenant in its partition. The triggers find
a subject and its consents by the subject's id alone (unique; only id-led indexes serve it) and its templates by
(tenant_id, subject_id), an index of their own: within one long statement (a bulk load) PostgreSQL keeps the plans it
made while the tables looked empty, and a tenant-led index there makes every row scan the tenant.
"""

from django.db import migrations

HINT = """
ALTER TABLE matching_facetemplate ADD COLUMN purposes_hint varchar(32)[] NOT NULL DEFAULT '{}';

-- The hint of one subject's templates: every purpose of a consent not withdrawn (a withdrawal dated in the future
-- is still in force, so it stays until then or later).
CREATE FUNCTION matching_purposes_hint(p_subject uuid) RETURNS varchar(32)[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT c.purpose ORDER BY c.purpose), '{}')::varchar(32)[]
    FROM consent_consent c
    WHERE c.subject_id = p_subject
      AND (c.withdrawn_at IS NULL OR c.withdrawn_at > clock_timestamp())
$$;

-- The subject's row lock serialises the hint writers of one subject; the tenant's advisory lock (shared) lets a
-- promotion of the tenant to its own partition wait for those that update its templates.
-- Each statement of a plpgsql function reads a fresh snapshot: the UPDATE sees what the locks waited for.
CREATE FUNCTION matching_purposes_hint_refresh(p_tenant uuid, p_subject uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtextextended(p_tenant::text, 0));
    PERFORM 1 FROM consent_subject WHERE id = p_subject FOR NO KEY UPDATE;
    UPDATE matching_facetemplate t SET purposes_hint = h.purposes
    FROM (SELECT matching_purposes_hint(p_subject) AS purposes) h
    WHERE t.tenant_id = p_tenant AND t.subject_id = p_subject AND t.purposes_hint IS DISTINCT FROM h.purposes;
END $$;

CREATE FUNCTION matching_consent_hint() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM matching_purposes_hint_refresh(OLD.tenant_id, OLD.subject_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD.tenant_id, OLD.subject_id) <> (NEW.tenant_id, NEW.subject_id)) THEN
        PERFORM matching_purposes_hint_refresh(NEW.tenant_id, NEW.subject_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER matching_consent_hint_insert AFTER INSERT OR DELETE ON consent_consent
    FOR EACH ROW EXECUTE FUNCTION matching_consent_hint();
CREATE TRIGGER matching_consent_hint_update AFTER UPDATE ON consent_consent
    FOR EACH ROW WHEN (OLD.purpose IS DISTINCT FROM NEW.purpose OR OLD.withdrawn_at IS DISTINCT FROM NEW.withdrawn_at
                       OR OLD.tenant_id <> NEW.tenant_id OR OLD.subject_id <> NEW.subject_id)
    EXECUTE FUNCTION matching_consent_hint();

-- Whatever the writer put in the column, a new template's hint is its subject's.
CREATE FUNCTION matching_template_hint() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM consent_subject WHERE id = NEW.subject_id FOR NO KEY UPDATE;
    SELECT matching_purposes_hint(NEW.subject_id) INTO NEW.purposes_hint;
    RETURN NEW;
END $$;

CREATE TRIGGER matching_template_hint BEFORE INSERT OR UPDATE OF tenant_id, subject_id ON matching_facetemplate
    FOR EACH ROW EXECUTE FUNCTION matching_template_hint();

UPDATE matching_facetemplate SET purposes_hint = matching_purposes_hint(subject_id);

-- One subject's templates, by the key the triggers write them with (an index no plan can mistake for the tenant's).
CREATE INDEX matching_facetemplate_tenant_subject ON matching_facetemplate (tenant_id, subject_id);
CREATE INDEX matching_facetemplate_hint_fraud ON matching_facetemplate (tenant_id, model_name)
    WHERE purposes_hint @> ARRAY['fraud_prevention']::varchar(32)[];
CREATE INDEX matching_facetemplate_hint_access ON matching_facetemplate (tenant_id, model_name)
    WHERE purposes_hint @> ARRAY['access_control']::varchar(32)[];
"""

UNHINT = """
DROP TRIGGER matching_template_hint ON matching_facetemplate;
DROP TRIGGER matching_consent_hint_update ON consent_consent;
DROP TRIGGER matching_consent_hint_insert ON consent_consent;
DROP FUNCTION matching_template_hint();
DROP FUNCTION matching_consent_hint();
DROP FUNCTION matching_purposes_hint_refresh(uuid, uuid);
DROP FUNCTION matching_purposes_hint(uuid);
ALTER TABLE matching_facetemplate DROP COLUMN purposes_hint;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_job_attempts_and_ratio"),
        ("consent", "0005_consent_tenant_joins"),
    ]

    # Database only: the ORM never reads or writes the hint (a template saved from memory must not write back a
    # stale one); the search reads it in SQL.
    operations = [migrations.RunSQL(HINT, reverse_sql=UNHINT)]
