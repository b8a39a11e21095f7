"""The API's dry runs: POST /orders?dry_run=true and POST /legal-holds/{id}/release?dry_run=true answer the preview
the officer console shows before its Confirm (the same selectors as the action), and create or change nothing."""

import pytest

from compliance.services import holds
from core.audit import Actor
from core.models import AuditEvent
from policy.models import LegalHold, RegulatorOrder
from tests import factories

ACTOR = Actor.system("test")
ORDER = {
    "regulator": "UK ICO",
    "reference": "ENF-GB-1",
    "action": "erase",
    "scope": {"jurisdictions": ["GB"]},
    "received_at": "2026-11-20T09:00:00Z",
    "deadline": "2026-12-20T09:00:00Z",
}

pytestmark = pytest.mark.django_db


def test_an_erase_order_dry_run_previews_its_reach_and_records_nothing(api, tenant, notice):
    other = factories.tenant("globex")
    gb = [factories.consented_subject(tenant, notice, "GB", templates=2) for _ in range(2)]
    gb.append(factories.subject(other, "GB"))
    factories.consented_subject(tenant, notice, "FR")
    holds.legal_hold_create(scope={"subjects": [str(gb[0].pk)]}, reason="Doe v. Acme", expires_at=None, actor=ACTOR)
    events = AuditEvent.objects.count()

    response = api.post("/api/v1/orders?dry_run=true", ORDER, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert not RegulatorOrder.objects.exists() and AuditEvent.objects.count() == events
    assert body["action"] == "order.erase" and body["scope"] == {
        "match": "any",
        "jurisdictions": ["GB"],
        "tenants": [],
        "subjects": [],
    }
    assert body["reach"]["subjects"] == 3 and body["reach"]["templates"] == 4
    assert body["reach"]["tenants"] == [{"tenant": "acme", "subjects": 2}, {"tenant": "globex", "subjects": 1}]
    assert {s["id"] for s in body["reach"]["shown"]} == {str(s.pk) for s in gb}
    assert body["held_subjects"] == 1 and [h["reason"] for h in body["holds"]] == ["Doe v. Acme"]
    assert body["deadlines"][0]["due_at"] == "2026-12-20T09:00:00Z"
    assert body["summary"].startswith("Erases 2 of the 3 subject(s)")

    recorded = api.post("/api/v1/orders", ORDER, format="json")  # the same body without dry_run acts
    assert recorded.status_code == 201 and RegulatorOrder.objects.count() == 1


@pytest.mark.parametrize(
    "query, body, code",
    [
        ("dry_run=true", {**ORDER, "scope": {"jurisdictions": ["XX"]}}, "unknown_jurisdiction"),
        ("dry_run=true", {**ORDER, "scope": {}}, "empty_scope"),
        ("dry_run=perhaps", ORDER, "validation_error"),
    ],
)
def test_a_dry_run_is_refused_as_the_order_would_be(api, tenant, query, body, code):
    response = api.post(f"/api/v1/orders?{query}", body, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert not RegulatorOrder.objects.exists()


def test_a_hold_release_dry_run_lists_what_it_resumes_and_releases_nothing(api, tenant, notice):
    held = factories.consented_subject(tenant, notice, "GB")
    hold = holds.legal_hold_create(scope={"tenants": ["acme"]}, reason="Doe v. Acme", expires_at=None, actor=ACTOR)
    order = factories.order(scope_subjects=[held.pk], status="blocked_by_hold", held_subjects=[held.pk])

    response = api.post(f"/api/v1/legal-holds/{hold.pk}/release?dry_run=true")

    assert response.status_code == 200, response.content
    body = response.json()
    assert LegalHold.objects.get(pk=hold.pk).released_at is None
    assert body["action"] == "legal_hold.release" and body["reach"]["subjects"] == 1
    assert body["resumes"] == [
        {
            "kind": "order",
            "id": str(order.pk),
            "label": f"UK ICO · {order.reference}",
            "subjects_freed": 1,
            "due_at": None,
        }
    ]
    assert api.post(f"/api/v1/legal-holds/{hold.pk}/release").json()["released_at"] is not None
