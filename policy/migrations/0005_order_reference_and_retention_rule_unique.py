"""A regulator's reference names one order, and an active retention limit exists once.

Rows recorded twice before the constraints: a later order with a reference its regulator already used keeps its
row (it may have run) and gets " [duplicate N]" appended to its reference; a later active rule identical to an
earlier one is deactivated (the earlier, identical limit still applies, so retention never loosens).
"""

import django.db.models.functions.text
from django.db import migrations, models


def duplicates_set_apart(apps, schema_editor):
    Order = apps.get_model("policy", "RegulatorOrder")
    seen: dict = {}
    for order in Order.objects.order_by("created_at", "id"):
        key = (order.regulator.lower(), order.reference)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            order.reference = f"{order.reference} [duplicate {seen[key]}]"
            order.save(update_fields=["reference"])
    Rule = apps.get_model("policy", "RetentionRule")
    kept = set()
    for rule in Rule.objects.filter(active=True).order_by("created_at", "id"):
        key = (rule.jurisdiction_id, rule.tenant_id, rule.purpose, rule.anchor, rule.max_age_months, rule.max_age_days)
        if key in kept:
            rule.active = False
            rule.save(update_fields=["active"])
        kept.add(key)


class Migration(migrations.Migration):
    # The rows are set apart and committed before the constraints are built (no DDL after updates in one
    # transaction).
    atomic = False

    dependencies = [
        ("consent", "0009_subject_email_canonical"),
        ("policy", "0004_retention_calendar_interval"),
    ]

    operations = [
        migrations.RunPython(duplicates_set_apart, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="regulatororder",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("regulator"),
                models.F("reference"),
                name="order_reference_unique_per_regulator",
            ),
        ),
        migrations.AddConstraint(
            model_name="retentionrule",
            constraint=models.UniqueConstraint(
                condition=models.Q(("active", True)),
                fields=("jurisdiction", "tenant", "purpose", "anchor", "max_age_months", "max_age_days"),
                name="retention_rule_unique_when_active",
                nulls_distinct=False,
            ),
        ),
    ]
