"""`enrollment.finished`, `match.finished`, `verification.finished`: told when a job ends, written in the job's last
transaction (the webhook outbox), ids and status only."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
import standardwebhooks
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import WebhookDelivery, WebhookEndpoint
from consent.models import Purpose
from consent.services import api_key_create
from core.audit import Actor
from matching.models import Enrollment, JobStatus
from matching.services import enrollments, jobs
from tests import factories
from tests.compliance.test_webhooks import Receiver
from tests.factories import GRANTED
from tests.helpers import wait_finished, wait_for

ACTOR = Actor.system("test")
EVENTS = ["enrollment.finished", "match.finished", "verification.finished"]
FRAUD, ONE_TO_ONE = Purpose.FRAUD_PREVENTION, Purpose.IDENTITY_VERIFICATION


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def client_app(tenant):
    _, raw = api_key_create(tenant=tenant, purposes=[FRAUD, ONE_TO_ONE], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def upload(path):
    file = io.BytesIO(path.read_bytes())
    file.name = path.name
    return file


def deliveries(type_: str) -> list[dict]:
    return [json.loads(d.body)["data"] for d in WebhookDelivery.objects.filter(type=type_).order_by("created_at")]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_each_job_end_reaches_the_client_signed_with_ids_and_status_only(
    celery_worker, client_app, receiver, tenant, faces_dir
):
    secret = client_app.post("/api/v1/webhooks", {"url": receiver.url, "events": EVENTS}, format="json").json()[
        "secret"
    ]
    person = factories.subject(tenant, consented_at=GRANTED)
    factories.consent(person, purpose=ONE_TO_ONE, granted_at=GRANTED)
    enrolled = client_app.post(
        f"/api/v1/subjects/{person.pk}/faces",
        {"image": upload(faces_dir / "people/df-01/img1.jpg")},
        format="multipart",
    ).json()
    refused = client_app.post(
        f"/api/v1/subjects/{person.pk}/faces", {"image": upload(faces_dir / "group/couple.jpg")}, format="multipart"
    ).json()
    for enrollment in (enrolled, refused):
        wait_finished(Enrollment, enrollment["id"])
    match = client_app.post(
        "/api/v1/matches",
        {"image": upload(faces_dir / "people/df-01/img2.jpg"), "purpose": FRAUD, "wait": 30},
        format="multipart",
    ).json()
    verification = client_app.post(
        f"/api/v1/subjects/{person.pk}/verify",
        {"image": upload(faces_dir / "people/df-01/img4.jpg"), "wait": 30},
        format="multipart",
    ).json()
    assert match["status"] == verification["status"] == "done" and match["results"]

    wait_for(lambda: len(receiver.received), lambda n: n == 4)
    events: dict[str, list[Any]] = {}
    for headers, body in receiver.received:
        event = standardwebhooks.Webhook(secret).verify(body, headers)
        events.setdefault(event["type"], []).append(event["data"])
    assert sorted(events["enrollment.finished"], key=lambda e: e["status"]) == [
        {"enrollment": enrolled["id"], "subject": str(person.pk), "status": "done", "error": None},
        {"enrollment": refused["id"], "subject": str(person.pk), "status": "failed", "error": "multiple_faces"},
    ]
    # No face, distance, score, box or person found: the client reads the outcome with its key.
    assert events["match.finished"] == [{"match": match["id"], "status": "done", "error": None}]
    assert events["verification.finished"] == [
        {"verification": verification["id"], "subject": str(person.pk), "status": "done", "error": None}
    ]


@pytest.mark.django_db
def test_the_event_is_written_in_the_transaction_that_ends_the_job(tenant, monkeypatch):
    WebhookEndpoint.objects.create(tenant=tenant, url="https://hooks.acme.test/in", events=EVENTS, secret="whsec_x")
    person = factories.subject(tenant, consented_at=GRANTED)
    enrollment = Enrollment.objects.create(tenant=tenant, subject=person, image=None, image_sha256="0" * 64)

    def dies(**_):
        raise RuntimeError("the worker died before its last transaction committed")

    monkeypatch.setattr(enrollments, "audit_append", dies)
    with pytest.raises(RuntimeError):
        enrollments.enrollment_run(enrollment_id=enrollment.pk)
    enrollment.refresh_from_db()
    assert enrollment.status == JobStatus.QUEUED and not WebhookDelivery.objects.exists()  # nothing told

    monkeypatch.undo()
    enrollments.enrollment_run(enrollment_id=enrollment.pk)  # the image is gone: it ends as expired
    assert deliveries("enrollment.finished") == [
        {"enrollment": str(enrollment.pk), "subject": str(person.pk), "status": "failed", "error": "expired"}
    ]
    enrollments.enrollment_run(enrollment_id=enrollment.pk)  # a re-delivered message: ended once, told once
    assert len(deliveries("enrollment.finished")) == 1


@pytest.mark.django_db
def test_jobs_the_sweeper_fails_are_told_and_only_to_their_own_tenant(tenant):
    other = factories.tenant("other")
    WebhookEndpoint.objects.create(tenant=tenant, url="https://hooks.acme.test/in", events=EVENTS, secret="whsec_x")
    WebhookEndpoint.objects.create(tenant=other, url="https://hooks.other.test/in", events=EVENTS, secret="whsec_y")
    WebhookEndpoint.objects.create(
        tenant=tenant, url="https://hooks.acme.test/erasures", events=["subject.erased"], secret="whsec_z"
    )
    person = factories.subject(tenant, consented_at=GRANTED)
    stale = Enrollment.objects.create(tenant=tenant, subject=person, image=b"\xff\xd8", image_sha256="0" * 64)
    Enrollment.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=2))
    counts = jobs.probe_sweep(actor=ACTOR)
    assert counts["failed"]["enrollments"] == 1
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.endpoint.tenant_id == tenant.pk and delivery.endpoint.url.endswith("/in")
    assert json.loads(delivery.body)["data"] == {
        "enrollment": str(stale.pk),
        "subject": str(person.pk),
        "status": "failed",
        "error": "expired",
    }
