"""GET /metrics: behind its bearer token, in Prometheus' text format as a third-party parser reads it, with the
step histograms moved by a match a real Celery worker ran, and no subject in any label."""

from __future__ import annotations

import pytest
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from tests import factories
from tests.factories import FRAUD, GRANTED
from tests.matching.test_pipeline_integration import client_for, enrol, match_ids, upload

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "metrics-test-token"
# Event metrics (multiprocess mode) appear once a process has recorded one; row gauges are always there.
EVENTS = {
    "facegate_job_step_seconds": "histogram",
    "facegate_searches": "counter",
    "facegate_search_ef_search": "histogram",
    "facegate_gate_refusals": "counter",
    "facegate_webhook_failures": "counter",
}
ROWS = {
    "facegate_jobs_waiting": "gauge",
    "facegate_jobs_oldest_waiting_seconds": "gauge",
    "facegate_webhook_deliveries_pending": "gauge",
    "facegate_webhook_oldest_pending_seconds": "gauge",
    "facegate_audit_pending_events": "gauge",
    "facegate_audit_oldest_pending_seconds": "gauge",
    "facegate_audit_seconds_since_signed_head": "gauge",
}


def scrape() -> tuple[dict, str]:
    response = APIClient().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    return {family.name: family for family in text_string_to_metric_families(text)}, text


def sample(families: dict, name: str, suffix: str, **labels) -> float:
    return sum(
        s.value
        for s in (families[name].samples if name in families else [])
        if s.name == name + suffix and all(s.labels.get(k) == v for k, v in labels.items())
    )


@override_settings(METRICS_TOKEN="")
def test_no_token_set_no_endpoint():
    assert APIClient().get("/metrics").status_code == 404
    assert APIClient().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
def test_a_wrong_or_missing_token_is_refused():
    assert APIClient().get("/metrics").status_code == 401
    response = APIClient().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.integration
@override_settings(METRICS_TOKEN=TOKEN)
def test_a_worker_match_moves_the_step_histograms(celery_worker, faces_dir):
    tenant = factories.tenant("metrics-tenant")
    client = client_for(tenant, [FRAUD])
    person = factories.subject(tenant, consented_at=GRANTED)
    assert enrol(client, person, faces_dir / "people" / "df-01" / "img1.jpg")["status"] == "done"
    unconsented = factories.subject(tenant)
    before, _ = scrape()
    assert {name: before[name].type for name in ROWS} == ROWS

    refusal = client.post(
        f"/api/v1/subjects/{unconsented.id}/faces",
        {"image": upload(faces_dir / "people" / "df-02" / "img8.jpg")},
        format="multipart",
    )
    assert refusal.status_code == 409  # the gate: no consent in force
    assert match_ids(client, faces_dir / "people" / "df-01" / "img5.jpg") == [str(person.id)]
    after, text = scrape()
    assert {name: after[name].type for name in EVENTS if name in after} == {
        name: kind for name, kind in EVENTS.items() if name in after
    }
    assert {"facegate_job_step_seconds", "facegate_searches", "facegate_gate_refusals"} <= set(after)

    for step in ("queue", "decode", "detect_embed", "search", "total"):
        moved = sample(after, "facegate_job_step_seconds", "_count", kind="match", step=step)
        assert moved == sample(before, "facegate_job_step_seconds", "_count", kind="match", step=step) + 1, step
    assert sample(after, "facegate_searches", "_total") == sample(before, "facegate_searches", "_total") + 1
    refused = sample(after, "facegate_gate_refusals", "_total", reason="consent_required")
    assert refused == sample(before, "facegate_gate_refusals", "_total", reason="consent_required") + 1
    assert after["facegate_audit_pending_events"].samples[0].value >= 0
    # No subject, e-mail or secret in any label: a tenant is named by its slug.
    labels = {v for family in after.values() for s in family.samples for v in s.labels.values()}
    assert not {str(person.id), str(unconsented.id), str(tenant.id), tenant.email} & labels
    assert str(person.id) not in text and str(person.external_ref) not in text
