"""A scope that says "all" reaches the subjects meeting every list it gives (a tenant's subjects within a
jurisdiction): through the API, the preview, the hold that blocks an erasure, and the officer's form."""

import pytest

from compliance.services import holds
from compliance.services.orders import order_erase_run
from compliance.services.scopes import scope_sentence
from core.audit import Actor
from policy.models import LegalHold, RegulatorOrder
from policy.selectors import subjects_covered
from tests import factories

ACTOR = Actor.system("test")
SCOPE = {"match": "all", "tenants": ["acme"], "jurisdictions": ["US-TX"]}

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "described, sentence",
    [
        ({"match": "all", "jurisdictions": ["US-TX"], "tenants": ["demo"]}, "every subject in US-TX and of tenant demo"),
        ({"match": "all", "jurisdictions": ["GB", "FR"]}, "every subject in GB or FR"),
        (
            {"match": "all", "tenants": ["a", "b"], "subjects": ["x", "y"]},
            "each of 2 named subjects that is of tenants a or b",
        ),
        ({"match": "all", "subjects": ["x"]}, "the named subject"),
        ({"match": "any", "jurisdictions": ["US-TX"], "tenants": ["demo"]}, "every subject in US-TX, or every subject of tenant demo"),
    ],
)  # fmt: skip
def test_the_sentence_says_and_for_an_intersection(described, sentence):
    assert scope_sentence(described) == sentence


@pytest.fixture
def people(tenant, notice):
    other = factories.tenant("globex")
    return {
        "acme_tx": factories.consented_subject(tenant, notice, "US-TX"),
        "acme_gb": factories.consented_subject(tenant, notice, "GB"),
        "globex_tx": factories.subject(other, "US-TX"),
    }


def test_an_all_order_reaches_the_tenants_subjects_in_the_jurisdiction_only(api, people):
    order = {
        "regulator": "Texas AG",
        "reference": "CUBI-7",
        "action": "suspend_processing",
        "scope": SCOPE,
        "received_at": "2026-11-20T09:00:00Z",
    }
    preview = api.post("/api/v1/orders?dry_run=true", order, format="json").json()
    assert preview["scope"]["match"] == "all" and preview["reach"]["subjects"] == 1

    response = api.post("/api/v1/orders", order, format="json")

    assert response.status_code == 201, response.content
    scope = response.json()["scope"]
    assert scope["match"] == "all" and scope["sentence"] == "every subject in US-TX and of tenant acme"
    recorded = RegulatorOrder.objects.get(reference="CUBI-7")
    assert set(subjects_covered(scoped=recorded)) == {people["acme_tx"]}


def test_a_scope_without_match_stays_a_union(api, people):
    response = api.post(
        "/api/v1/legal-holds", {"reason": "Doe v. Acme", "scope": {**SCOPE, "match": None}}, format="json"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    no_match = {k: v for k, v in SCOPE.items() if k != "match"}
    response = api.post("/api/v1/legal-holds", {"reason": "Doe v. Acme", "scope": no_match}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["scope"]["match"] == "any"
    assert set(subjects_covered(scoped=LegalHold.objects.get())) == set(people.values())


def test_an_all_hold_does_not_freeze_a_british_subjects_erasure(people):
    hold = holds.legal_hold_create(scope=SCOPE, reason="Texas litigation", expires_at=None, actor=ACTOR)
    assert set(subjects_covered(scoped=hold)) == {people["acme_tx"]}
    order = factories.order(scope_subjects=[people["acme_gb"].pk, people["acme_tx"].pk])
    order_erase_run(order_id=order.pk)
    people["acme_gb"].refresh_from_db()
    people["acme_tx"].refresh_from_db()
    assert people["acme_gb"].erased_at is not None and people["acme_tx"].erased_at is None


def test_the_officer_form_records_an_intersection(client, officer, people):
    client.force_login(officer[0])
    form = {"match": "all", "jurisdictions": "US-TX", "tenants": "acme", "subjects": "", "reason": "Texas litigation"}
    page = client.post("/officer/holds/new/", form)
    assert page.status_code in (200, 302), page.content
    hold = LegalHold.objects.get()
    assert hold.scope_match == "all" and set(subjects_covered(scoped=hold)) == {people["acme_tx"]}
    assert "every subject in US-TX and of tenant acme" in client.get("/officer/holds/").content.decode()
