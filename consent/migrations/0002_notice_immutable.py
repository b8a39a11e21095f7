from django.db import migrations

# A consent points at the exact text it was given under: a published notice never changes (a change is a new version).
NOTICE_IMMUTABLE = """
CREATE OR REPLACE FUNCTION consent_notice_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'notices are immutable; publish a new version' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_notice_immutable
    BEFORE UPDATE ON consent_notice
    FOR EACH ROW EXECUTE FUNCTION consent_notice_refuse_update();
"""


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [
        migrations.RunSQL(
            NOTICE_IMMUTABLE,
            reverse_sql="DROP TRIGGER IF EXISTS consent_notice_immutable ON consent_notice;"
            "DROP FUNCTION IF EXISTS consent_notice_refuse_update();",
        ),
    ]
