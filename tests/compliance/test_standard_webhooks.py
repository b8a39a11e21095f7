"""Standard Webhooks: real deliveries to a real receiver on loopback, checked with the `standardwebhooks` reference
library, before, during and after a secret rotation; the secrets made before the scheme keep working."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

import pytest
import standardwebhooks
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import WebhookDelivery, WebhookEndpoint
from compliance.services import orders, webhooks
from consent.models import Purpose
from consent.services import api_key_create
from core.audit import Actor
from core.models import AuditEvent
from tests import factories
from tests.compliance.test_webhooks import Receiver
from tests.helpers import wait_for

ACTOR = Actor.system("test")


@pytest.fixture
def client_app(tenant):
    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    server = Receiver()
    yield server
    server.close()


def verified(secret: str, headers: dict, body: bytes) -> dict | None:
    """The receiver's side, by the reference library: the event, or None when the delivery does not verify."""
    try:
        return standardwebhooks.Webhook(secret).verify(body, headers)
    except standardwebhooks.WebhookVerificationError:
        return None


def order_in_force(tenant, reference: str) -> None:
    person = factories.subject(tenant, "GB")
    orders.order_create(
        regulator="UK ICO",
        reference=reference,
        action="suspend_processing",
        scope={"subjects": [person.pk]},
        received_at=person.created_at,
        actor=ACTOR,
    )


def signatures(headers: dict) -> list[str]:
    return {k.lower(): v for k, v in headers.items()}["webhook-signature"].split(" ")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_deliveries_verify_with_the_reference_library_through_a_rotation(celery_worker, client_app, receiver, tenant):
    created = client_app.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["order.in_force"]}, format="json"
    ).json()
    first = created["secret"]
    assert first.startswith("whsec_") and 24 <= len(webhooks._key(first)) <= 64

    order_in_force(tenant, "R-1")
    wait_for(lambda: len(receiver.received), lambda n: n == 1)
    headers, body = receiver.received[0]
    event = verified(first, headers, body)
    assert event["type"] == "order.in_force" and event["data"]["reference"] == "R-1"
    assert {k.lower(): v for k, v in headers.items()}["webhook-id"] == event["id"]
    assert len(signatures(headers)) == 1 and "Facegate-Signature" not in headers

    # Rotation: the new secret is shown once; for the overlap both sign, so a receiver holding either verifies.
    rotated = client_app.post(f"/api/v1/webhooks/{created['id']}/rotate-secret", {}, format="json")
    assert rotated.status_code == 200, rotated.json()
    second = rotated.json()["secret"]
    assert second != first and second.startswith("whsec_")
    expires = datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    assert timedelta(hours=23, minutes=59) < expires - timezone.now() <= timedelta(hours=24)
    assert "secret" not in client_app.get("/api/v1/webhooks").json()["results"][0]

    order_in_force(tenant, "R-2")
    wait_for(lambda: len(receiver.received), lambda n: n == 2)
    headers, body = receiver.received[1]
    assert len(signatures(headers)) == 2
    assert verified(first, headers, body)["data"]["reference"] == "R-2"
    assert verified(second, headers, body)["data"]["reference"] == "R-2"

    # A leaked secret: rotated with no overlap, only the newest signs from now on.
    third = client_app.post(
        f"/api/v1/webhooks/{created['id']}/rotate-secret", {"overlap_hours": 0}, format="json"
    ).json()["secret"]
    order_in_force(tenant, "R-3")
    wait_for(lambda: len(receiver.received), lambda n: n == 3)
    headers, body = receiver.received[2]
    assert len(signatures(headers)) == 1
    assert verified(third, headers, body)["data"]["reference"] == "R-3"
    assert verified(second, headers, body) is None and verified(first, headers, body) is None


@pytest.mark.django_db
def test_the_previous_secret_stops_signing_when_its_overlap_ends(client_app, receiver, tenant):
    created = client_app.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["order.in_force"]}, format="json"
    ).json()
    client_app.post(f"/api/v1/webhooks/{created['id']}/rotate-secret", {"overlap_hours": 2}, format="json")
    order_in_force(tenant, "O-1")
    delivery = WebhookDelivery.objects.get()
    with time_machine.travel(timezone.now() + timedelta(hours=2, seconds=1)):
        assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is None
        headers, body = receiver.received[0]
        assert len(signatures(headers)) == 1 and verified(created["secret"], headers, body) is None


@pytest.mark.django_db
def test_a_retry_keeps_its_webhook_id_and_is_signed_at_its_own_time(client_app, receiver, tenant):
    receiver.statuses = [503]
    created = client_app.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["order.in_force"]}, format="json"
    ).json()
    order_in_force(tenant, "T-1")
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is not None
    # Ten minutes later: a signature of the first attempt's time would be refused as too old (5 min tolerance).
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is None
        (first_headers, _), (headers, body) = receiver.received
        assert verified(created["secret"], headers, body)["id"] == str(delivery.pk)
    ids = [{k.lower(): v for k, v in h.items()}["webhook-id"] for h, _ in receiver.received]
    assert ids == [str(delivery.pk)] * 2


@pytest.mark.django_db
def test_an_endpoint_made_before_the_scheme_keeps_its_secret_and_its_old_header_until_rotated(
    client_app, receiver, tenant
):
    # As migration 0014 leaves an endpoint made earlier: its `whsec_<hex>` secret, the older header still on.
    old_secret = f"whsec_{secrets.token_hex(24)}"
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, url=receiver.url, events=["order.in_force"], secret=old_secret, legacy_signature=True
    )
    order_in_force(tenant, "M-1")
    webhooks.webhook_deliver_run(delivery_id=WebhookDelivery.objects.get().pk)
    headers, body = receiver.received[0]
    assert verified(old_secret, headers, body)["data"]["reference"] == "M-1"  # the secret the client holds
    assert headers["Facegate-Signature"] == webhooks.legacy_signature(
        secret=old_secret, timestamp=int({k.lower(): v for k, v in headers.items()}["webhook-timestamp"]), body=body
    )

    client_app.post(f"/api/v1/webhooks/{endpoint.pk}/rotate-secret", {}, format="json")
    order_in_force(tenant, "M-2")
    webhooks.webhook_deliver_run(delivery_id=WebhookDelivery.objects.get(body__contains="M-2").pk)
    headers, body = receiver.received[1]
    assert "Facegate-Signature" not in headers and verified(old_secret, headers, body)


@pytest.mark.django_db
def test_rotation_is_bounded_audited_and_the_tenants_own(client_app, tenant, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    created = client_app.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/in", "events": ["order.in_force"]}, format="json"
    ).json()
    url = f"/api/v1/webhooks/{created['id']}/rotate-secret"
    for overlap in (-1, 169, "soon"):
        refused = client_app.post(url, {"overlap_hours": overlap}, format="json")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "validation_error", overlap
    other = factories.tenant("other")
    foreign = WebhookEndpoint.objects.create(tenant=other, url="http://127.0.0.1:9/x", events=[], secret="whsec_x")
    assert client_app.post(f"/api/v1/webhooks/{foreign.pk}/rotate-secret", {}, format="json").status_code == 404
    answer = client_app.post(url, {"overlap_hours": 168}, format="json")
    rotated, rotated_request_id = answer.json(), answer["X-Request-Id"]
    (event,) = AuditEvent.objects.filter(action="webhook.rotate_secret")
    assert event.details == {"overlap_seconds": 168 * 3600.0, "request_id": rotated_request_id}
    assert rotated["secret"] not in json.dumps(event.details) and created["secret"] not in json.dumps(event.details)
