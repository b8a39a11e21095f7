"""A regulator's reference names one order and a retention limit exists once: the second is refused clearly."""

import pytest

from policy.models import RegulatorOrder, RetentionRule

pytestmark = pytest.mark.django_db


def _order(regulator="UK ICO", reference="ENF-2026-31"):
    return {
        "regulator": regulator,
        "reference": reference,
        "action": "suspend_processing",
        "scope": {"jurisdictions": ["GB"]},
        "received_at": "2026-11-20T09:00:00Z",
    }


def test_an_order_reference_is_recorded_once_per_regulator(api):
    first = api.post("/api/v1/orders", _order(), format="json")
    assert first.status_code == 201
    for body in (_order(), _order(regulator="uk ico")):
        again = api.post("/api/v1/orders", body, format="json")
        assert again.status_code == 409 and again.json()["error"]["code"] == "order_reference_exists"
        assert again.json()["error"]["details"]["order"] == first.json()["id"]
    assert api.post("/api/v1/orders", _order(regulator="CNIL"), format="json").status_code == 201
    assert RegulatorOrder.objects.filter(reference="ENF-2026-31").count() == 2


def test_the_same_retention_limit_is_refused_while_it_is_in_force(api, tenant):
    body = {"tenant": "acme", "anchor": "granted", "max_age_months": 24, "citation": "tenant policy"}
    assert api.post("/api/v1/retention-rules", body, format="json").status_code == 201
    again = api.post("/api/v1/retention-rules", {**body, "citation": "again"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "retention_rule_exists"
    assert api.post("/api/v1/retention-rules", {**body, "max_age_months": 12}, format="json").status_code == 201
    RetentionRule.objects.filter(tenant__slug="acme", max_age_months=24).update(active=False)
    assert api.post("/api/v1/retention-rules", body, format="json").status_code == 201


def test_a_dry_run_refuses_a_reference_already_recorded_as_the_order_would(api):
    assert api.post("/api/v1/orders", _order(), format="json").status_code == 201
    preview = api.post("/api/v1/orders?dry_run=true", _order(regulator="UK ico"), format="json")
    assert preview.status_code == 409 and preview.json()["error"]["code"] == "order_reference_exists"
    assert RegulatorOrder.objects.count() == 1
