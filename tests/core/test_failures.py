"""Hostile and broken requests under /api/: every answer is JSON in the error shape with a 4xx (or 503), never
500 HTML. Each case is one the issue observed answering 500 or HTML."""

import json

import pytest
from django.db import connections
from django.test import Client

from core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # A real server answers an unhandled exception with a 500 page; the test client would re-raise it instead.
    return Client(raise_request_exception=False)


@pytest.fixture
def key():
    tenant = factories.tenant_created("acme")
    return factories.api_key_created(tenant)[1]


def _tenant():
    from consent.models import Tenant

    return Tenant.objects.get(slug="acme")


def post_raw(client, key, path, body: str | bytes, content_type="application/json"):
    return client.generic("POST", path, body, content_type=content_type, **factories.auth(key))


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()["error"]


def test_a_route_that_does_not_exist_is_a_json_404(client, key):
    assert error(client.get("/api/v1/nothing-here", **factories.auth(key)), 404)["code"] == "not_found"


def test_an_id_that_is_not_a_uuid_is_a_json_404(client, key):
    assert error(client.get("/api/v1/orders/not-a-uuid", **factories.auth(key)), 404)["code"] == "not_found"


def test_a_method_not_allowed_is_a_json_405(client, key):
    assert error(client.put("/api/v1/subjects", {}, content_type="application/json", **factories.auth(key)), 405)[
        "code"
    ] == ("method_not_allowed")


def test_malformed_json_is_a_parse_error(client, key):
    assert error(post_raw(client, key, "/api/v1/subjects", "{"), 400)["code"] == "parse_error"


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_json_nested_past_the_recursion_limit_is_a_parse_error(client, key, body):
    assert error(post_raw(client, key, "/api/v1/subjects", body), 400)["code"] == "parse_error"


def test_json_nested_deep_but_parsable_is_refused_too(client, key):
    body = '{"jurisdiction": "GB", "x": ' + "[" * 500 + "]" * 500 + "}"
    fields = error(post_raw(client, key, "/api/v1/subjects", body), 400)["details"]["fields"]
    assert any("Nested" in reason[0] for reason in fields.values())


def test_a_twelve_megabyte_body_is_a_json_413(client, key):
    body = json.dumps({"jurisdiction": "GB", "external_ref": "x" * 12_000_000})
    assert error(post_raw(client, key, "/api/v1/subjects", body), 413)["code"] == "body_too_large"


def test_a_json_body_past_its_own_limit_is_a_413(client, key, settings):
    body = json.dumps({"jurisdiction": "GB", "external_ref": "x" * (settings.API_JSON_MAX_BYTES + 10)})
    assert error(post_raw(client, key, "/api/v1/subjects", body), 413)["code"] == "body_too_large"


def test_too_many_form_fields_is_a_json_400(client, key):
    fields = {f"f{i}": "1" for i in range(1_200)}  # multipart: only uploads take form fields
    response = client.post("/api/v1/matches", fields, **factories.auth(key))
    assert error(response, 400)["code"] == "too_many_fields"


def test_a_form_body_on_a_json_endpoint_is_a_json_415(client, key):
    response = post_raw(client, key, "/api/v1/subjects", "jurisdiction=GB", "application/x-www-form-urlencoded")
    assert error(response, 415)["code"] == "unsupported_media_type"


def _consent_body(evidence) -> str:
    notice = factories.notice_created(_tenant())
    return json.dumps(
        {"purpose": "fraud_prevention", "notice": str(notice.id), "method": "written_release", "evidence": evidence}
    )


@pytest.mark.parametrize(
    ("evidence", "where"),
    [
        ({"signed_name": "A\u0000B"}, "evidence.signed_name"),
        ({"sig\u0000ned": "A"}, "evidence.<key>"),
        ({"signed_name": "\ud800"}, "evidence.signed_name"),
    ],
)
def test_nul_and_lone_surrogates_in_values_and_keys_are_field_errors(client, key, evidence, where):
    subject = factories.subject_created(_tenant())
    response = post_raw(client, key, f"/api/v1/subjects/{subject.id}/consents", _consent_body(evidence))
    fields = error(response, 400)["details"]["fields"]
    assert where in fields
    assert not AuditEvent.objects.filter(action="consent.grant").exists()


def test_a_lone_surrogate_in_a_plain_field_is_a_field_error(client, key):
    response = post_raw(client, key, "/api/v1/subjects", '{"jurisdiction": "GB", "external_ref": "\\ud800"}')
    assert "external_ref" in error(response, 400)["details"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/subjects?external_ref=%00", "/api/v1/notices?purpose=%00"])
def test_nul_in_a_query_parameter_is_a_field_error(client, key, path):
    fields = error(client.get(path, **factories.auth(key)), 400)["details"]["fields"]
    assert list(fields) == [path.split("?")[1].split("=")[0]]


def test_a_nul_in_a_form_field_is_a_field_error(client, key):
    response = client.post("/api/v1/matches", {"purpose": "fraud\x00prevention"}, **factories.auth(key))
    assert "purpose" in error(response, 400)["details"]["fields"]


def test_an_email_longer_than_its_column_is_a_field_error(client, key):
    email = "a" * 300 + "@example.org"
    assert len(email) == 312
    response = post_raw(client, key, "/api/v1/subjects", json.dumps({"jurisdiction": "GB", "email": email}))
    assert "email" in error(response, 400)["details"]["fields"]


def test_an_offset_beyond_bigint_is_a_field_error(client, key):
    response = client.get("/api/v1/subjects?offset=9223372036854775808", **factories.auth(key))
    assert "offset" in error(response, 400)["details"]["fields"]


@pytest.mark.parametrize("retention_days", [36_501, 2_147_483_647])
def test_retention_days_is_bounded_at_input(client, key, retention_days):
    body = json.dumps({"purpose": "fraud_prevention", "version": "1", "text": "t", "retention_days": retention_days})
    assert "retention_days" in error(post_raw(client, key, "/api/v1/notices", body), 400)["details"]["fields"]


def test_evidence_is_bounded_in_keys_and_depth(client, key):
    subject = factories.subject_created(_tenant())
    for evidence in ({f"k{i}": 1 for i in range(101)}, {"a": {"b": {"c": {"d": {"e": 1}}}}}):
        response = post_raw(client, key, f"/api/v1/subjects/{subject.id}/consents", _consent_body(evidence))
        assert "evidence" in error(response, 400)["details"]["fields"]


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_the_api_answers_503_json_with_retry_after(client, key):
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    # Unreachable for real: the server is asked for at a socket directory that does not exist.
    connection.settings_dict.update(HOST="/nonexistent-facegate-socket-dir", PORT="5432")
    try:
        response = client.get("/api/v1/subjects", **factories.auth(key))
        page = client.get("/portal/erasure/")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert error(response, 503)["code"] == "service_unavailable"
    assert response["Retry-After"].isdigit()
    assert page.status_code == 503 and "unavailable" in page.content.decode()


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=x; charset=no-such-charset",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "application/json; charset=no-such-charset",
    ],
)
def test_a_body_in_a_charset_nobody_knows_is_a_json_400(client, key, content_type):
    body = b'--x\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfraud_prevention\r\n--x--\r\n'
    response = post_raw(client, key, "/api/v1/matches", body, content_type)
    assert 400 <= response.status_code < 500
    assert error(response, response.status_code)["code"] in {
        "validation_error",
        "unsupported_media_type",
        "bad_request",
    }
