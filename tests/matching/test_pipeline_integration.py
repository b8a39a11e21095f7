"""End to end on the user's path: the HTTP API, a real Celery worker on real Redis, DeepFace on real photos,
PostgreSQL/pgvector with the policy gate. DeepFace calls are kept few (the machine has 2 cores)."""

from __future__ import annotations

import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from rest_framework.test import APIClient

from config.celery import app
from consent.models import Consent
from consent.services import api_key_create
from core.audit import Actor
from matching import tasks
from matching.models import Enrollment, FaceTemplate, MatchJob
from tests import factories
from tests.factories import ACCESS, FRAUD, GRANTED
from tests.helpers import wait_finished

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
TIMEOUT = 90


def client_for(tenant, purposes) -> APIClient:
    _, raw = api_key_create(tenant=tenant, purposes=list(purposes), actor=Actor.system("test"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def upload(path):
    file = io.BytesIO(path.read_bytes())
    file.name = path.name
    return file


def enrol(client, subject, path, **extra) -> dict:
    response = client.post(f"/api/v1/subjects/{subject.id}/faces", {"image": upload(path), **extra}, format="multipart")
    assert response.status_code == 202 and response.json()["status"] == "queued", response.json()
    wait_finished(Enrollment, response.json()["id"], timeout=TIMEOUT)
    return client.get(f"/api/v1/enrollments/{response.json()['id']}").json()


def match_ids(client, path, purpose=FRAUD) -> list[str]:
    response = client.post(
        "/api/v1/matches", {"image": upload(path), "purpose": purpose, "wait": 30}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done", body
    return [r["subject_id"] for r in body["results"]]


@pytest.fixture
def tenant_a():
    return factories.tenant("tenant-a")


def test_enrol_and_match_through_the_worker(celery_worker, tenant_a, faces_dir):
    people = faces_dir / "people"
    client_a = client_for(tenant_a, [FRAUD, ACCESS])
    person = factories.subject(tenant_a, consented_at=GRANTED)
    for name in ("img1.jpg", "img2.jpg", "img4.jpg"):
        assert enrol(client_a, person, people / "df-01" / name)["status"] == "done"
    decoy = factories.subject(tenant_a, consented_at=GRANTED)
    assert enrol(client_a, decoy, people / "df-02" / "img8.jpg")["status"] == "done"
    # Consent for another purpose only: enrolment is allowed, fraud matching is not.
    access_only = factories.subject(tenant_a)
    factories.consent(access_only, purpose=ACCESS, granted_at=GRANTED)
    assert enrol(client_a, access_only, people / "df-03" / "img26.jpg")["status"] == "done"
    assert FaceTemplate.objects.filter(subject=person).count() == 3

    # The fourth photo: that person first (each of their three templates collapses to the subject id).
    found = match_ids(client_a, people / "df-01" / "img5.jpg")
    assert found and set(found) == {str(person.id)}
    assert match_ids(client_a, people / "df-03" / "img27.jpg") == []
    assert match_ids(client_a, people / "df-03" / "img27.jpg", purpose=ACCESS) == [str(access_only.id)]

    # Tenant B's key never sees tenant A's faces.
    tenant_b = factories.tenant("tenant-b")
    factories.subject(tenant_b, consented_at=GRANTED)
    assert match_ids(client_for(tenant_b, [FRAUD]), people / "df-01" / "img5.jpg") == []

    # A group photo at enrolment, and a photo without a face.
    group = enrol(client_a, factories.subject(tenant_a, consented_at=GRANTED), faces_dir / "group" / "couple.jpg")
    assert (group["status"], group["error"]["code"]) == ("failed", "multiple_faces")
    response = client_a.post(
        "/api/v1/matches", {"image": _blank_png(), "purpose": FRAUD, "wait": 30}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["error"]["code"] == "no_face"

    # Withdrawal through the API: the next match no longer returns the person.
    consent = Consent.objects.get(subject=person)
    assert client_a.post(f"/api/v1/consents/{consent.id}/withdraw").status_code == 200
    assert match_ids(client_a, people / "df-01" / "img5.jpg") == []

    # A task delivered twice (as after a worker killed before its ack): one template, one result.
    enrollment_id = Enrollment.objects.filter(subject=decoy).values_list("id", flat=True).get()
    job = MatchJob.objects.get(purpose=ACCESS)
    finished = job.finished_at
    tasks.enrollment_run.delay(str(enrollment_id))
    tasks.match_job_run.delay(str(job.id))
    time.sleep(3)  # the worker takes both messages; nothing observable should change
    assert FaceTemplate.objects.filter(subject=decoy).count() == 1
    job.refresh_from_db()
    assert job.finished_at == finished and len(job.results) == 1


def _blank_png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 160, 200)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "blank.png"
    return buffer


def test_withdrawal_between_queueing_and_running_is_honoured(tenant_a, faces_dir):
    people = faces_dir / "people"
    client_a = client_for(tenant_a, [FRAUD])
    person = factories.subject(tenant_a, consented_at=GRANTED)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert enrol(client_a, person, people / "df-02" / "img47.jpg")["status"] == "done"
        assert match_ids(client_a, people / "df-02" / "img49.jpg") == [str(person.id)]  # the control

    # No worker runs now: the job waits in the broker.
    response = client_a.post(
        "/api/v1/matches", {"image": upload(people / "df-02" / "img49.jpg"), "purpose": FRAUD}, format="multipart"
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert MatchJob.objects.get(pk=job_id).status == "queued"
    consent = Consent.objects.get(subject=person)
    assert client_a.post(f"/api/v1/consents/{consent.id}/withdraw").status_code == 200

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        wait_finished(MatchJob, job_id, timeout=TIMEOUT)
    body = client_a.get(f"/api/v1/matches/{job_id}").json()
    assert (body["status"], body["faces_detected"], body["results"]) == ("done", 1, [])
