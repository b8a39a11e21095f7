"""An order's or a hold's scope reads as the union it is, on its pages and in the API."""

import pytest
from django.utils import timezone

from compliance.services.scopes import scope_sentence
from policy.models import LegalHold, OrderAction, RegulatorOrder


@pytest.mark.parametrize(
    "described, sentence",
    [
        ({"jurisdictions": ["GB"]}, "every subject in GB"),
        (
            {"jurisdictions": ["GB", "US-TX"], "tenants": ["demo"]},
            "every subject in GB or US-TX, or every subject of tenant demo",
        ),
        (
            {"tenants": ["a", "b"], "subjects": ["x", "y"]},
            "every subject of tenants a or b, or one of 2 named subjects",
        ),
        ({"subjects": ["x"]}, "the named subject"),
        ({}, "nobody"),
    ],
)
def test_the_sentence_says_union(described, sentence):
    assert scope_sentence(described) == sentence


@pytest.mark.django_db
def test_order_and_hold_pages_and_the_api_show_the_sentence(client, officer, api, tenant):
    order = RegulatorOrder.objects.create(
        regulator="Texas AG", reference="CUBI-1", action=OrderAction.SUSPEND_PROCESSING, received_at=timezone.now(),
        scope_jurisdictions=["US-TX"], scope_tenants=[tenant.pk],
    )  # fmt: skip
    LegalHold.objects.create(reason="litigation", created_by="olivia", scope_tenants=[tenant.pk])
    wanted = "every subject in US-TX, or every subject of tenant acme"
    client.force_login(officer[0])
    assert wanted in client.get(f"/officer/orders/{order.pk}/").content.decode()
    assert "every subject of tenant acme" in client.get("/officer/holds/").content.decode()
    assert api.get(f"/api/v1/orders/{order.pk}").json()["scope"]["sentence"] == wanted
    (hold,) = api.get("/api/v1/legal-holds").json()["results"]
    assert hold["scope"]["sentence"] == "every subject of tenant acme"
