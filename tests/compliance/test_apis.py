"""Officer API: orders (validation, immediate effect on the gate), holds, exceptions, audit, certificates."""

import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import DeletionCertificate
from compliance.services import holds, orders
from consent.models import Purpose
from consent.services import api_key_create
from core.audit import Actor
from core.merkle import EMPTY_ROOT
from core.models import AuditEvent
from core.transparency import audit_integrate
from matching.models import FaceTemplate
from policy import gate
from policy.models import OrderStatus, RegulatorOrder
from tests import factories

ACTOR = Actor.system("test")


def _order(scope, action="erase", **extra):
    return {
        "regulator": "UK ICO",
        "reference": f"ENF-{uuid.uuid4().hex[:8]}",  # a regulator's reference names one order
        "action": action,
        "scope": scope,
        "received_at": "2026-11-20T09:00:00Z",
        "deadline": "2026-12-20T09:00:00Z",
        **extra,
    }


def _eligible(tenant):
    return set(
        gate.templates_eligible(
            FaceTemplate.objects.all(),
            tenant=tenant,
            purpose=Purpose.FRAUD_PREVENTION,
            model=factories.MODEL,
            at=timezone.now(),
        ).values_list("subject_id", flat=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scope, code",
    [
        ({}, "empty_scope"),
        ({"jurisdictions": [], "tenants": [], "subjects": []}, "empty_scope"),
        ({"jurisdictions": ["XX"]}, "unknown_jurisdiction"),
        ({"tenants": ["nobody"]}, "unknown_tenant"),
        ({"subjects": ["7f1c5a3e-4d2b-4a8e-9c1f-000000000000"]}, "unknown_subject"),
        ({"subjects": ["not-a-uuid"]}, "validation_error"),
    ],
)
def test_order_scope_errors_are_400_with_a_code(api, tenant, scope, code):
    response = api.post("/api/v1/orders", _order(scope), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code
    assert not RegulatorOrder.objects.exists()


@pytest.mark.django_db
def test_bad_action_and_dates_are_validation_errors(api, tenant):
    response = api.post(
        "/api/v1/orders", _order({"tenants": ["acme"]}, action="nuke", received_at="yesterday"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"action", "received_at"}


@pytest.mark.django_db
def test_officers_only(tenant, api):
    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    assert client.get("/api/v1/orders").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    response = client.post("/api/v1/orders", _order({"tenants": ["acme"]}), format="json")
    assert response.status_code in (401, 403) and not RegulatorOrder.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["erase", "suspend_processing"])
def test_an_order_takes_effect_on_the_gate_as_soon_as_the_201_is_sent(api, tenant, notice, action):
    gb = [factories.consented_subject(tenant, notice, "GB") for _ in range(3)]
    it = factories.consented_subject(tenant, notice, "IT")
    named = factories.consented_subject(tenant, notice, "US-CA")
    free = factories.consented_subject(tenant, notice, "US-CA")
    assert _eligible(tenant) == {s.pk for s in [*gb, it, named, free]}

    response = api.post(
        "/api/v1/orders",
        _order({"jurisdictions": ["GB", "IT"], "subjects": [str(named.pk)]}, action=action),
        format="json",
    )

    assert response.status_code == 201, response.content
    assert _eligible(tenant) == {free.pk}  # no erasure has run yet: the gate alone hides them
    body = api.get(f"/api/v1/orders/{response.json()['id']}").json()
    assert body["status"] == ("received" if action == "erase" else "done")
    assert body["scope"] == {
        "match": "any",
        "jurisdictions": ["GB", "IT"],
        "tenants": [],
        "subjects": [str(named.pk)],
        "sentence": "every subject in GB or IT, or the named subject",
    }
    assert {"id", "status", "subjects_total", "subjects_erased", "deadline", "certificate", "held_subjects"} <= set(
        body
    )


@pytest.mark.django_db
def test_order_scope_tenants_are_stored_as_uuids_and_listed(api, tenant):
    response = api.post("/api/v1/orders", _order({"tenants": ["acme"]}, action="restrict_collection"), format="json")
    order = RegulatorOrder.objects.get(pk=response.json()["id"])
    assert order.scope_tenants == [tenant.pk]
    listed = api.get("/api/v1/orders").json()["results"]
    assert [o["id"] for o in listed] == [str(order.pk)] and listed[0]["scope"]["tenants"] == ["acme"]
    event = AuditEvent.objects.get(action="order.create")
    assert event.object_id == str(order.pk) and event.actor == "user:officer"


@pytest.mark.django_db
def test_erase_order_with_a_hold_blocks_then_exception_lets_it_finish(
    api, tenant, notice, django_capture_on_commit_callbacks
):
    held, other = factories.consented_subject(tenant, notice), factories.consented_subject(tenant, notice)
    hold = api.post(
        "/api/v1/legal-holds", {"scope": {"subjects": [str(held.pk)]}, "reason": "litigation"}, format="json"
    )
    assert hold.status_code == 201
    order_id = api.post("/api/v1/orders", _order({"tenants": ["acme"]}), format="json").json()["id"]

    orders.order_erase_run(order_id=order_id)  # what the Celery task does

    body = api.get(f"/api/v1/orders/{order_id}").json()
    assert body["status"] == "blocked_by_hold" and body["held_subjects"] == [str(held.pk)]
    assert (body["subjects_total"], body["subjects_erased"]) == (2, 1)
    assert body["certificate"] is not None
    bad = api.post(f"/api/v1/orders/{order_id}/exceptions", {"subject": str(other.pk), "reason": "x"}, format="json")
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "subject_not_held"

    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(
            f"/api/v1/orders/{order_id}/exceptions",
            {"subject": str(held.pk), "reason": "court preservation order 12-CV-34"},
            format="json",
        )
    assert response.status_code == 201 and len(callbacks) == 1  # the order is queued again
    orders.order_erase_run(order_id=order_id)
    body = api.get(f"/api/v1/orders/{order_id}").json()
    assert body["status"] == "done" and body["held_subjects"] == []
    assert body["exceptions"][0]["subject"] == str(held.pk) and body["exceptions"][0]["by"] == "user:officer"
    assert AuditEvent.objects.filter(action="order.exception", object_id=order_id).exists()
    assert held.templates.count() == 2


@pytest.mark.django_db
def test_legal_hold_list_release_and_double_release(api, tenant):
    hold = api.post(
        "/api/v1/legal-holds",
        {"scope": {"jurisdictions": ["US-IL"]}, "reason": "subpoena", "expires_at": "2027-01-01T00:00:00Z"},
        format="json",
    ).json()
    assert api.get("/api/v1/legal-holds").json()["results"][0]["id"] == hold["id"]
    released = api.post(f"/api/v1/legal-holds/{hold['id']}/release")
    assert released.status_code == 200 and released.json()["released_at"]
    again = api.post(f"/api/v1/legal-holds/{hold['id']}/release")
    assert again.status_code == 409 and again.json()["error"]["code"] == "hold_already_released"
    assert (
        api.post("/api/v1/legal-holds", {"scope": {}, "reason": "x"}, format="json").json()["error"]["code"]
        == "empty_scope"
    )


@pytest.mark.django_db
def test_audit_pages_and_verifies(api, tenant):
    for i in range(5):
        factories.tenant(f"t{i}")
        holds.legal_hold_create(scope={"tenants": [f"t{i}"]}, reason=str(i), expires_at=None, actor=ACTOR)
    first = api.get("/api/v1/audit?limit=3").json()
    assert len(first["results"]) == 3
    rest = api.get(f"/api/v1/audit?after={first['next_after']}&limit=100").json()
    seqs = [e["seq"] for e in first["results"] + rest["results"]]
    assert seqs == sorted(seqs) and len(seqs) == AuditEvent.objects.count() and rest["next_after"] is None
    assert api.get("/api/v1/audit?after=-1").status_code == 400
    assert api.get("/api/v1/audit/verify").json() == {
        "valid": True,
        "tree_size": 0,
        "root_hash": EMPTY_ROOT.hex(),
        "heads": 0,
        "pending": len(seqs),
    }
    head = audit_integrate()
    verify = api.get("/api/v1/audit/verify").json()
    assert verify == {
        "valid": True,
        "tree_size": len(seqs),
        "root_hash": bytes(head.root_hash).hex(),
        "heads": 1,
        "pending": 0,
    }


@pytest.mark.django_db
def test_certificate_api_returns_the_fields_and_a_matching_sha256(api, tenant, notice):
    s = factories.consented_subject(tenant, notice)
    order = orders.order_create(
        regulator="Garante",
        reference="9870832",
        action="erase",
        scope={"subjects": [s.pk]},
        received_at=timezone.now(),
        actor=ACTOR,
    )
    order = orders.order_erase_run(order_id=order.pk)
    assert order.status == OrderStatus.DONE
    certificate = api.get(f"/api/v1/orders/{order.pk}").json()["certificate"]
    body = api.get(f"/api/v1/certificates/{certificate}").json()
    assert body["sha256"] == DeletionCertificate.objects.get(pk=certificate).sha256 and body["sha256_valid"] is True
    assert body["cause"] == "order" and body["subjects"] == [str(s.pk)]
    assert body["counts"]["matching_facetemplate"] == 2
    assert api.get("/api/v1/certificates/7f1c5a3e-4d2b-4a8e-9c1f-000000000000").json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_lifted_suspension_gives_the_faces_back_to_matching_and_erase_orders_cannot_be_lifted(api, tenant, notice):
    person = factories.consented_subject(tenant, notice, jurisdiction="GB")
    suspend = api.post(
        "/api/v1/orders", _order({"jurisdictions": ["GB"]}, action="suspend_processing"), format="json"
    ).json()
    assert person.pk not in _eligible(tenant)

    lifted = api.post(f"/api/v1/orders/{suspend['id']}/lift")
    assert lifted.status_code == 200 and lifted.json()["lifted_at"]
    assert person.pk in _eligible(tenant)
    assert AuditEvent.objects.filter(action="order.lift", object_id=suspend["id"]).count() == 1

    again = api.post(f"/api/v1/orders/{suspend['id']}/lift")
    assert again.status_code == 409 and again.json()["error"]["code"] == "order_not_liftable"
    erase = api.post("/api/v1/orders", _order({"subjects": [str(person.pk)]}), format="json").json()
    refused = api.post(f"/api/v1/orders/{erase['id']}/lift")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "order_not_liftable"


@pytest.mark.django_db
def test_a_retention_rule_recorded_by_api_applies_to_the_gate_at_once(api, tenant, notice):
    person = factories.consented_subject(tenant, notice, jurisdiction="FR")
    assert person.pk in _eligible(tenant)
    seeded = api.get("/api/v1/retention-rules").json()["results"]  # the one page shape of every list
    assert {r["jurisdiction"] for r in seeded} >= {"US-IL", "US-TX", "CA-QC"}

    created = api.post(
        "/api/v1/retention-rules",
        {"tenant": "acme", "anchor": "granted", "max_age_days": 0, "citation": "tenant policy: no keeping"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["tenant"] == "acme" and created.json()["jurisdiction"] is None
    assert person.pk not in _eligible(tenant)

    for body, code in [
        ({"jurisdiction": "XX", "anchor": "granted", "max_age_days": 1}, "unknown_jurisdiction"),
        ({"tenant": "nobody", "anchor": "granted", "max_age_days": 1}, "unknown_tenant"),
        ({"anchor": "sometime", "max_age_days": 1}, "validation_error"),
    ]:
        response = api.post("/api/v1/retention-rules", body, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == code
