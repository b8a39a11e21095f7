"""Property-based fuzzing of the client and officer APIs from their own OpenAPI schema (schemathesis): whatever
the request, no 5xx, and every documented response matches the schema. Bounded examples per operation, so the
run stays within a couple of minutes on a loaded machine."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application
from core.audit import Actor
from core.officers import officer_create
from tests import factories

OFFICER_PATHS = (
    "/api/v1/orders",
    "/api/v1/erasure-requests",
    "/api/v1/access-requests",
    "/api/v1/legal-holds",
    "/api/v1/retention-rules",
    "/api/v1/audit",
    "/api/v1/certificates",
)
EXAMPLES = 12


@pytest.fixture(autouse=True)
def _keep_the_test_connection(db):
    """Called straight through WSGI, Django would close the test's connection after each request (the test
    client unhooks the same signal handlers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(db):
    tenant = factories.tenant_created("fuzz")
    subject = factories.subject_created(tenant)
    factories.consent_granted(subject)
    _, raw = factories.api_key_created(tenant)
    _, _, token = officer_create(username="fuzz-officer", actor=Actor.system("test"))
    return {"client": f"Api-Key {raw}", "officer": f"Token {token}"}


# Loaded at collection, through WSGI in this process: the schema view reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error_and_every_answer_matches_the_schema(case, credentials):
    who = "officer" if case.path.startswith(OFFICER_PATHS) else "client"
    if isinstance(case.body, dict) and "wait" in case.body:
        case.body["wait"] = 0  # a match may wait up to 30 s for a worker; none runs here
    case.call_and_validate(
        headers={"Authorization": credentials[who]},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
