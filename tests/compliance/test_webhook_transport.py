"""A webhook URL cannot turn Facegate into a scanner of its own network: redirects are not followed, the address
checked is the address connected to (no DNS rebinding), URLs http.client would read differently are refused at
creation, and any delivery error is a failed attempt with its reason. Real HTTP servers on loopback; the one
stand-in is the attacker's DNS server (a resolver answering a public address first, then loopback)."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest
from rest_framework.test import APIClient

from compliance.models import WebhookDelivery, WebhookEndpoint
from compliance.services import orders, webhooks
from consent.models import Purpose
from consent.services import api_key_create
from core.audit import Actor
from tests import factories

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


class Server:
    """A real HTTP server on `host`, answering every request with `status` (and `location`, when given)."""

    def __init__(self, status=200, location="", host="127.0.0.1"):
        self.hits: list[tuple[str, str, str | None]] = []  # (method, path, Host) per request
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                server.hits.append((self.command, self.path, self.headers.get("Host")))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer  # noqa: N815 - the http.server names

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.port = self.httpd.server_port
        self.url = f"http://{host}:{self.port}/hooks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers():
    started = []

    def start(**kwargs):
        started.append(Server(**kwargs))
        return started[-1]

    yield start
    for server in started:
        server.close()


@pytest.fixture
def client_app(tenant):
    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def _subscribe(client_app, url: str):
    return client_app.post("/api/v1/webhooks", {"url": url, "events": ["order.in_force"]}, format="json")


def _one_event(tenant) -> WebhookDelivery:
    person = factories.subject(tenant, "GB")
    orders.order_create(
        regulator="UK ICO",
        reference="S-1",
        action="suspend_processing",
        scope={"subjects": [person.pk]},
        received_at=person.created_at,
        actor=ACTOR,
    )
    return WebhookDelivery.objects.get()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failed_attempt_and_is_not_followed(client_app, tenant, servers, settings, status):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # both servers are on loopback: the redirect itself must stop it
    internal = servers()
    bouncer = servers(status=status, location=internal.url.replace("/hooks", "/admin/secret"))
    assert _subscribe(client_app, bouncer.url).status_code == 201
    delivery = _one_event(tenant)
    assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is not None  # retried later, like any failure
    delivery.refresh_from_db()
    assert internal.hits == [] and len(bouncer.hits) == 1
    assert delivery.status == "pending" and delivery.attempts[-1]["status"] == status
    assert delivery.attempts[-1]["error"] == "redirect_not_followed"


def test_the_address_checked_is_the_address_connected_to(client_app, tenant, servers, settings, monkeypatch):
    """The attacker's DNS answers a public address to the check, then loopback to the connection."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOK_TIMEOUT_SECONDS = 1.0
    internal = servers()
    real_getaddrinfo = socket.getaddrinfo
    answers = []

    def rebinding(host, port, *args, **kwargs):
        if host != "hooks.attacker.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        answers.append(host)
        address = "93.184.216.34" if len(answers) % 2 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"http://hooks.attacker.example:{internal.port}/hooks"
    assert _subscribe(client_app, url).status_code == 201
    answers.clear()
    delivery = _one_event(tenant)
    webhooks.webhook_deliver_run(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert internal.hits == [], "the connection went to an address that was never checked"
    assert len(answers) == 1 and delivery.attempts[-1]["status"] is None


def test_the_host_header_names_the_url_host_while_connecting_to_the_checked_address(
    client_app, tenant, servers, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    receiver = servers()
    assert _subscribe(client_app, f"http://localhost:{receiver.port}/hooks?x=1").status_code == 201
    delivery = _one_event(tenant)
    assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is None
    assert receiver.hits == [("POST", "/hooks?x=1", f"localhost:{receiver.port}")]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8397\\@93.184.216.34/",  # urlsplit sees the host after '@', http.client refuses it
        "http://user:pass@93.184.216.34/hooks",  # userinfo
        "http://93.184.216.34@hooks.example.org/",
        "http://hooks.example.org\\.93.184.216.34/",
        "http://93.184.216.34/ho oks",  # http.client refuses a space or a control character in the target
        "http://93.184.216.34/hooks\r\nX-Injected: 1",
        "http://93.184.216.34:99999/hooks",  # no such port
        "http://93.184.216.34:80x/hooks",
    ],
)
def test_urls_http_client_would_read_otherwise_are_refused_at_creation(client_app, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = _subscribe(client_app, url)
    assert response.status_code == 400, response.content
    assert WebhookEndpoint.objects.count() == 0


def test_an_endpoint_http_client_refuses_ends_each_attempt_failed_with_its_reason(tenant, settings):
    """An endpoint stored before creation refused such URLs: each attempt is logged, and the delivery gives up."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    WebhookEndpoint.objects.create(
        tenant=tenant,
        url="http://127.0.0.1:8397\\@93.184.216.34/",
        events=["order.in_force"],
        secret=webhooks.secret_new(),
    )
    delivery = _one_event(tenant)
    webhooks.webhook_deliver_run(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts[-1]["status"] is None and delivery.attempts[-1]["error"] == "url_refused"
    settings.WEBHOOK_RETRY_HOURS = 0
    assert webhooks.webhook_deliver_run(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "failed" and len(delivery.attempts) == 2
