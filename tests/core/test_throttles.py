"""Throttles on the real cache (Redis): per key and per IP on the API (429 JSON with Retry-After), the officer
sign-in lockout, the portal's per-address budget (no mail bomb)."""

import pytest
from django.core import mail
from django.test import Client

from core.audit import Actor
from core.officers import officer_create
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_api_key_past_its_budget_gets_429_json_with_retry_after(client, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "credential": "3/h"}
    tenant = factories.tenant_created("acme")
    raw, other = factories.api_key_created(tenant)[1], factories.api_key_created(tenant)[1]
    answers = [client.get("/api/v1/subjects", **factories.auth(raw)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = client.get("/api/v1/subjects", **factories.auth(raw))
    assert response.json()["error"]["code"] == "throttled" and int(response["Retry-After"]) > 0
    assert client.get("/api/v1/subjects", **factories.auth(other)).status_code == 200  # another key has its own budget


def test_one_address_past_its_budget_gets_429_even_without_credentials(client, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "ip": "2/h"}
    answers = [client.get("/api/v1/subjects", REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]
    assert answers == [401, 401, 429]
    response = client.get("/api/v1/subjects", REMOTE_ADDR="203.0.113.9")
    assert response.json()["error"]["code"] == "throttled" and int(response["Retry-After"]) > 0
    assert client.get("/api/v1/subjects", REMOTE_ADDR="203.0.113.10").status_code == 401


def test_officer_sign_in_locks_out_after_repeated_failures():
    officer_create(username="olivia", password="the-right-password-1", actor=Actor.system("test"))
    client = Client()
    for _ in range(5):
        assert client.post("/officer/login/", {"username": "olivia", "password": "wrong"}).status_code == 200
    # Locked: even the right password is refused for the rest of the window.
    locked = client.post("/officer/login/", {"username": "olivia", "password": "the-right-password-1"})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_forgets_earlier_failures():
    officer_create(username="oscar", password="the-right-password-2", actor=Actor.system("test"))
    client = Client()
    for _ in range(4):
        client.post("/officer/login/", {"username": "oscar", "password": "wrong"})
    assert client.post("/officer/login/", {"username": "oscar", "password": "the-right-password-2"}).status_code == 302
    client.logout()
    for _ in range(4):
        assert client.post("/officer/login/", {"username": "oscar", "password": "wrong"}).status_code == 200


def test_the_portal_sends_one_address_only_a_few_mails(django_capture_on_commit_callbacks):
    client = Client()
    form = {"email": "victim@example.org", "jurisdiction": "GB", "tenant": "acme", "external_ref": "x"}
    factories.tenant_created("acme")

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/portal/erasure/", data)

    assert [post(form).status_code for _ in range(5)] == [200, 200, 200, 429, 429]
    assert len(mail.outbox) == 3
    other = post({**form, "email": "someone@example.org"})
    assert other.status_code == 200 and len(mail.outbox) == 4
