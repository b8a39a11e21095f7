"""The live OpenAPI schema, fetched over HTTP from the running test server, checked by openapi-spec-validator and
read as a client generator reads it."""

from __future__ import annotations

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from core.schema import error_codes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def schema(live_server) -> dict:
    response = httpx.get(f"{live_server.url}/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.text)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/v1/"):
                yield path, method, operation


def _component(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_the_live_schema_is_valid_openapi(schema):
    validate(schema)  # raises with the first error: '' does not match a pattern, a default that breaks its rule...


def test_json_endpoints_take_json_only_and_uploads_are_binary_multipart(schema):
    uploads = {}
    for path, _method, operation in _operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        assert set(content) <= {"application/json"} or set(content) == {"multipart/form-data"}, (path, set(content))
        if "multipart/form-data" in content:
            fields = _component(schema, content["multipart/form-data"]["schema"]["$ref"])["properties"]
            uploads[path] = {name: field for name, field in fields.items() if field.get("format") == "binary"}
    assert set(uploads) == {
        "/api/v1/subjects/{subject_id}/faces",
        "/api/v1/subjects/{subject_id}/verify",
        "/api/v1/matches",
        "/api/v1/erasure-requests",
    }
    assert all(uploads.values()), uploads  # image / selfie: type string, format binary


def test_every_operation_documents_its_error_answers_with_the_error_model(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        expected = {"400", "401", "403", "429", "503"} | ({"404"} if "{" in path else set())
        assert expected <= set(responses), (method, path, set(responses))
        for status in expected:
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            error = _component(schema, ref)["properties"]["error"]
            assert error["required"] == ["code", "message", "details"]
        assert "Retry-After" in responses["429"]["headers"] and "Retry-After" in responses["503"]["headers"]
    codes = {
        status: _component(schema, f"Error{status}")["properties"]["error"]["properties"]["code"]["enum"]
        for status in (400, 403, 404, 409, 422, 429, 503)
    }
    assert {"validation_error", "unknown_jurisdiction"} <= set(codes[400])
    assert "consent_required" in codes[403] + codes[422] + codes[409]
    assert codes[429] == ["decode_budget_spent", "throttled"] and "busy" in codes[503]
    assert {status: sorted(c) for status, c in codes.items()} == {s: error_codes()[s] for s in codes}


def test_idempotency_key_paging_and_media_types_are_declared(schema):
    paths = schema["paths"]
    client_posts = [
        op for path, method, op in _operations(schema) if method == "post" and {"ApiKey": []} in op["security"]
    ]
    assert len(client_posts) >= 8
    for operation in client_posts:
        assert any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in operation["parameters"]), operation
    for path in ("/api/v1/subjects", "/api/v1/notices", "/api/v1/subjects/{subject_id}/enrollments", "/api/v1/orders"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"limit", "offset"} <= names, path
    ok = lambda path: paths[path]["get"]["responses"]["200"]["content"]  # noqa: E731
    assert ok("/api/v1/consents/{consent_id}/receipt.jwt") == {"application/jwt": {"schema": {"type": "string"}}}
    assert set(ok("/api/v1/consents/{consent_id}/receipt.jsonld")) == {"application/ld+json"}
    assert ok("/api/v1/orders/{order_id}/evidence")["application/zip"]["schema"]["format"] == "binary"


def test_the_jwt_and_jsonld_paths_answer_their_media_types(live_server):
    from tests import factories

    tenant = factories.tenant_created()
    _, raw = factories.api_key_created(tenant)
    consent = factories.consent_granted(factories.subject_created(tenant))
    headers = {"Authorization": f"Api-Key {raw}"}
    jwt_answer = httpx.get(f"{live_server.url}/api/v1/consents/{consent.id}/receipt.jwt", headers=headers)
    assert jwt_answer.headers["Content-Type"] == "application/jwt" and jwt_answer.text.count(".") == 2
    ld = httpx.get(f"{live_server.url}/api/v1/consents/{consent.id}/receipt.jsonld", headers=headers)
    assert ld.headers["Content-Type"].startswith("application/ld+json") and "@context" in ld.json()
    missing = httpx.get(f"{live_server.url}/api/v1/consents/{tenant.id}/receipt.jwt", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
