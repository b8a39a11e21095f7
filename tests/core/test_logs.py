"""Logs an operator can use: JSON lines, one request id from the HTTP request through the worker into the audit
events, a line per job with its timings, and no personal data in any line (core/logs.py)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from consent.services import api_key_create
from core.audit import Actor
from core.logs import JsonFormatter
from core.models import AuditEvent
from matching.models import MatchJob
from tests import factories
from tests.factories import FRAUD

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EMAIL = "log-scan.person@example.org"
EXTERNAL_REF = "cust-7731-logscan"


class Lines(logging.Handler):
    """Every record of every logger as the line the console would print, formatted when it is emitted (the
    request id is read then); the test's worker is a thread of this process, so its lines land here too."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def lines():
    handler = Lines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(level)


def photo(path):
    file = io.BytesIO(path.read_bytes())
    file.name = path.name
    return file


def test_a_whole_flow_logs_json_lines_with_one_request_id_and_no_personal_data(celery_worker, faces_dir, lines):
    tenant = factories.tenant("logs")
    _, raw = api_key_create(tenant=tenant, purposes=[FRAUD], actor=Actor.system("test"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    people = faces_dir / "people" / "df-01"

    notice = api.post(
        "/api/v1/notices", {"purpose": FRAUD, "version": "1", "text": "We match faces.", "retention_days": 365}
    ).json()
    subject = api.post("/api/v1/subjects", {"external_ref": EXTERNAL_REF, "jurisdiction": "GB", "email": EMAIL}).json()
    consent = api.post(
        f"/api/v1/subjects/{subject['id']}/consents",
        {"purpose": FRAUD, "notice": notice["id"], "method": "electronic_signature", "evidence": {"signed_name": "A"}},
        format="json",
    )
    assert consent.status_code == 201, consent.json()
    enrolled = api.post(
        f"/api/v1/subjects/{subject['id']}/faces", {"image": photo(people / "img1.jpg"), "wait": 30}, format="multipart"
    )
    assert enrolled.json()["status"] == "done", enrolled.json()
    match = api.post(
        "/api/v1/matches",
        {"image": photo(people / "img4.jpg"), "purpose": FRAUD, "wait": 30},
        format="multipart",
        HTTP_X_REQUEST_ID="client-req-42",
    )
    assert match.json()["status"] == "done" and match.json()["results"], match.json()
    assert match["X-Request-Id"] == "client-req-42"
    assert api.get(f"/api/v1/subjects?external_ref={EXTERNAL_REF}").status_code == 200
    assert api.delete(f"/api/v1/subjects/{subject['id']}").status_code in (200, 202)

    parsed = [json.loads(line) for line in lines]  # every line is one JSON object
    for line in lines:
        assert EMAIL not in line and EXTERNAL_REF not in line, line
        assert "log-scan.person" not in line and "7731" not in line, line

    requests = [p for p in parsed if p["message"] == "request"]
    assert {"method", "route", "status", "ms", "request_id"} <= set(requests[0])
    assert all("?" not in p["route"] and subject["id"] not in p["route"] for p in requests)

    # The caller's request id reaches the worker's lines and the job's audit events.
    job_id = match.json()["id"]
    ended = [p for p in parsed if p["message"] == "task ended" and p.get("job") == job_id]
    started = [p for p in parsed if p["message"] == "task started" and p.get("job") == job_id]
    assert len(ended) == 1 and len(started) == 1
    assert ended[0]["request_id"] == started[0]["request_id"] == "client-req-42"
    assert ended[0]["status"] == "done" and ended[0]["state"] == "SUCCESS"
    assert {"decode_ms", "detect_embed_ms", "search_ms", "total_ms"} <= set(ended[0]["timings"])
    assert started[0]["queued_ms"] >= 0 and ended[0]["run_ms"] > 0
    events = AuditEvent.objects.filter(object_id=job_id)
    assert events.count() >= 2 and all(e.details.get("request_id") == "client-req-42" for e in events)
    assert MatchJob.objects.get(pk=job_id).probe is None


def test_a_request_id_the_caller_cannot_use_is_replaced(client):
    plain = client.get("/healthz", HTTP_X_REQUEST_ID="ok-id.1")
    assert plain["X-Request-Id"] == "ok-id.1"
    odd = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 65 + "\n{}")
    assert odd["X-Request-Id"] != "x" * 65 and len(odd["X-Request-Id"]) == 32


def test_a_database_error_is_logged_without_the_values_it_quotes(lines):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE log_probe (email text UNIQUE)")
        cursor.execute("INSERT INTO log_probe VALUES (%s)", [EMAIL])
        try:
            with transaction.atomic():
                cursor.execute("INSERT INTO log_probe VALUES (%s)", [EMAIL])
        except IntegrityError:
            logging.getLogger("facegate.test").exception("insert failed")
    line = json.loads(lines[-1])
    assert "IntegrityError" in line["exception"] and "log_probe_email_key" in line["exception"]
    assert EMAIL not in lines[-1]
