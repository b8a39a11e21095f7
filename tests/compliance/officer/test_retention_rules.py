"""Officers manage retention rules on a page: paged list, add (validated by the service), deactivate."""

import pytest

from core.models import AuditEvent
from policy.models import RetentionRule

pytestmark = pytest.mark.django_db


def test_officer_adds_and_deactivates_a_retention_rule(officer_client, tenant):
    seeded = RetentionRule.objects.count()
    page = officer_client.get("/officer/retention-rules/").content.decode()
    assert page.count("Deactivate") == seeded  # the seeded statutory limits are listed
    refused = officer_client.post(
        "/officer/retention-rules/", {"jurisdiction": "XX", "anchor": "granted", "max_age_days": 30}
    )
    assert refused.status_code == 200 and "unknown_jurisdiction" in refused.content.decode()
    added = officer_client.post(
        "/officer/retention-rules/",
        {"jurisdiction": "gb", "tenant": "acme", "purpose": "access_control", "anchor": "granted", "max_age_days": 90},
        follow=True,
    )
    assert "Retention rule added" in added.content.decode()
    rule = RetentionRule.objects.get(jurisdiction_id="GB", tenant=tenant)
    assert (rule.purpose, rule.anchor, rule.max_age_days, rule.active) == ("access_control", "granted", 90, True)
    officer_client.post(f"/officer/retention-rules/{rule.pk}/deactivate/")
    rule.refresh_from_db()
    assert not rule.active
    assert AuditEvent.objects.filter(action="retention_rule.deactivate", object_id=str(rule.pk)).exists()


def test_the_list_is_paged(officer_client):
    RetentionRule.objects.bulk_create(
        RetentionRule(anchor="granted", max_age_days=d, citation=f"r{d}") for d in range(1, 61)
    )
    first = officer_client.get("/officer/retention-rules/").content.decode()
    assert 'id="next-page"' in first
    last = officer_client.get("/officer/retention-rules/?page=99").content.decode()
    assert 'id="next-page"' not in last and "previous" in last
