"""Webhooks with a real HTTP receiver on loopback: the signature verifies, a 500 is retried, every attempt is
logged and visible to the tenant and to officers."""

from __future__ import annotations

import http.server
import json
import threading
from datetime import timedelta

import pytest
import standardwebhooks
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import WebhookDelivery
from compliance.services import orders, retention, webhooks
from consent.models import Purpose
from consent.services import api_key_create, consent_withdraw
from core.audit import Actor
from tests import factories
from tests.helpers import wait_for

ACTOR = Actor.system("test")


class Receiver:
    """A real HTTP server on 127.0.0.1 answering the statuses given, in order (then 200)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received: list[tuple[dict[str, str], bytes]] = []  # (headers, body) per request
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    server = Receiver([500])
    yield server
    server.close()


@pytest.fixture
def client_app(tenant):
    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def _verify(secret: str, headers: dict, body: bytes) -> bool:
    """What a receiver does: the Standard Webhooks reference library checks the signature and the timestamp."""
    try:
        standardwebhooks.Webhook(secret).verify(body, headers)
    except standardwebhooks.WebhookVerificationError:
        return False
    return True


@pytest.mark.django_db
def test_endpoints_are_managed_by_api_and_urls_checked(client_app, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    for url in ("ftp://example.org/x", "http://127.0.0.1:9/hooks", "http://10.0.0.7/hooks"):
        refused = client_app.post("/api/v1/webhooks", {"url": url, "events": ["subject.erased"]}, format="json")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "webhook_url_refused", url
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    created = client_app.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/hooks", "events": ["subject.erased"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    listed = client_app.get("/api/v1/webhooks").json()
    assert [w["id"] for w in listed["results"]] == [created.json()["id"]] and "secret" not in listed["results"][0]
    assert client_app.delete(f"/api/v1/webhooks/{created.json()['id']}").status_code == 204
    assert client_app.get("/api/v1/webhooks").json()["results"] == []


@pytest.mark.django_db
def test_signed_delivery_retried_after_a_500_and_every_attempt_logged(
    client_app, api, receiver, tenant, django_capture_on_commit_callbacks
):
    created = client_app.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["order.in_force"]}, format="json"
    ).json()
    person = factories.subject(tenant, "GB")
    orders.order_create(
        regulator="UK ICO",
        reference="S-1",
        action="suspend_processing",
        scope={"subjects": [person.pk]},
        received_at=person.created_at,
        actor=ACTOR,
    )
    delivery = WebhookDelivery.objects.get()
    first_delay = webhooks.webhook_deliver_run(delivery_id=delivery.pk)
    assert first_delay is not None and first_delay <= 60  # the first retry within a minute
    assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is None  # delivered: no further attempt
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        assert _verify(created["secret"], headers, body)
        assert not _verify(webhooks.secret_new(), headers, body)
    event = json.loads(receiver.received[-1][1])
    assert set(event) == {"id", "type", "timestamp", "created", "data"} and event["type"] == "order.in_force"
    assert event["data"]["subjects"] == [str(person.pk)]
    log = client_app.get(f"/api/v1/webhooks/{created['id']}/deliveries").json()["results"]
    assert [a["status"] for a in log[0]["attempts"]] == [500, 200] and log[0]["status"] == "delivered"
    assert all(a["latency_ms"] >= 0 for a in log[0]["attempts"])
    officer_view = api.get(f"/api/v1/webhooks/{created['id']}/deliveries").json()["results"]
    assert officer_view[0]["id"] == log[0]["id"]


@pytest.mark.django_db
def test_delivery_gives_up_after_24_hours(client_app, receiver, tenant):
    receiver.statuses = [503] * 10
    client_app.post("/api/v1/webhooks", {"url": receiver.url, "events": ["order.lifted"]}, format="json")
    person = factories.subject(tenant, "GB")
    order = orders.order_create(
        regulator="ICO",
        reference="L-1",
        action="restrict_collection",
        scope={"subjects": [person.pk]},
        received_at=person.created_at,
        actor=ACTOR,
    )
    orders.order_lift(order=order, actor=ACTOR)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is not None
    with time_machine.travel(delivery.created_at + timedelta(hours=23, minutes=59)):
        assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "failed" and [a["status"] for a in delivery.attempts] == [503, 503]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_erasure_reaches_the_tenant_through_celery(celery_worker, client_app, receiver, tenant, notice):
    receiver.statuses = []
    created = client_app.post(
        "/api/v1/webhooks",
        {"url": receiver.url, "events": ["subject.erased", "erasure_request.completed"]},
        format="json",
    ).json()
    person = factories.consented_subject(tenant, notice)
    assert client_app.delete(f"/api/v1/subjects/{person.pk}").status_code == 202
    wait_for(lambda: len(receiver.received), lambda n: n == 2, timeout=60)
    events = {json.loads(body)["type"]: json.loads(body)["data"] for _, body in receiver.received}
    assert events["subject.erased"]["subjects"] == [str(person.pk)]
    assert events["subject.erased"]["certificate"] == events["erasure_request.completed"]["certificate"]
    assert all(_verify(created["secret"], h, b) for h, b in receiver.received)


@pytest.mark.django_db
def test_withdrawal_and_expiry_reach_the_tenant(client_app, receiver, tenant, notice, settings):
    client_app.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["consent.withdrawn", "templates.expired"]}, format="json"
    )
    person = factories.subject(tenant, "GB")
    consent = factories.consent(person, notice)
    withdrawn = consent_withdraw(consent=consent, actor=ACTOR)
    webhooks.consent_withdrawn_notify(consent_id=consent.pk)  # what the named task does
    settings.WITHDRAWN_TEMPLATE_GRACE_HOURS = 0
    factories.template(person, enrolled=True)
    retention.retention_sweep(at=timezone.now(), dry_run=False, actor=ACTOR)
    events = {d.type: json.loads(d.body)["data"] for d in WebhookDelivery.objects.all()}
    assert events["consent.withdrawn"] == {
        "consent": str(consent.pk),
        "subject": str(person.pk),
        "purpose": consent.purpose,
        "withdrawn_at": withdrawn.withdrawn_at.isoformat(),
    }
    assert events["templates.expired"]["subjects"] == [str(person.pk)] and events["templates.expired"]["certificate"]
