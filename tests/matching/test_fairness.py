"""Fairness between tenants (matching/services/dispatch.py, matching/admission.py), replaying issue 21's attack:
tenant E floods the queue with large PNGs (many pixels, few bytes) and tenant A's match must not wait for E's
backlog. Through the public API and a real Celery worker; ordering and counts, never wall-clock timings."""

from __future__ import annotations

import io
from datetime import timedelta
from functools import cache

import numpy as np
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.utils import timezone
from PIL import Image

from config.celery import app
from core.models import AuditEvent
from matching import face
from matching.models import JobStatus, MatchJob
from matching.services import dispatch, jobs, matches
from tests import factories
from tests.factories import FRAUD
from tests.helpers import wait_finished
from tests.matching.test_pipeline_integration import TIMEOUT, client_for, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
HEAVY_SIDE = 4200  # 17.6 Mpx: past JOB_HEAVY_PIXELS, ~0.4 s to inflate, ~60 KB to send


@cache
def large_png(side: int = HEAVY_SIDE) -> bytes:
    """A PNG with many pixels and few bytes: what decoding costs is its pixels, not its size."""
    pixels = np.zeros((side, side, 3), np.uint8)
    pixels[::64] = 255
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def post_match(client, image: bytes, *, wait: float = 0):
    file = io.BytesIO(image)
    file.name = "probe.png"
    return client.post("/api/v1/matches", {"image": file, "purpose": FRAUD, "wait": wait}, format="multipart")


def flood(client, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        response = post_match(client, large_png())
        assert response.status_code == 202, response.json()
        ids.append(response.json()["id"])
    return ids


def test_a_flooding_tenant_does_not_starve_another_and_every_job_ends_once(celery_worker, faces_dir):
    client_e = client_for(factories.tenant("tenant-e"), [FRAUD])
    client_a = client_for(factories.tenant("tenant-a"), [FRAUD])
    flooded = flood(client_e, 6)

    file = upload(faces_dir / "people/df-01/img1.jpg")
    answer = client_a.post("/api/v1/matches", {"image": file, "purpose": FRAUD, "wait": 30}, format="multipart")
    # A's match ends within its wait while most of E's backlog still waits behind it.
    assert answer.status_code == 200 and answer.json()["status"] == "done", answer.json()
    assert MatchJob.objects.filter(pk__in=flooded, status=JobStatus.QUEUED).count() >= 3
    a_started = MatchJob.objects.get(pk=answer.json()["id"]).started_at
    # The worker took E's first job before A's was queued, and at most one more of E's before A's.
    assert MatchJob.objects.filter(pk__in=flooded, started_at__lt=a_started).count() <= 2

    # No job lost: each of E's ends exactly once (no face in stripes), its probe bytes deleted.
    for job_id in flooded:
        job = wait_finished(MatchJob, job_id, timeout=TIMEOUT)
        assert job.status == JobStatus.FAILED and job.error_code == "no_face" and job.probe is None
        ends = AuditEvent.objects.filter(object_id=job_id, action__in=["match_job.done", "match_job.failed"])
        assert ends.count() == 1
        assert job.decode_pixels == HEAVY_SIDE**2


def test_an_upload_past_the_tenant_decode_budget_answers_429_in_the_error_shape(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "decode_pixels": f"{2 * HEAVY_SIDE**2}/m"}
    client_e = client_for(factories.tenant("tenant-e"), [FRAUD])
    client_a = client_for(factories.tenant("tenant-a"), [FRAUD])
    app.control.purge()
    accepted = flood(client_e, 2)

    refused = post_match(client_e, large_png())
    assert refused.status_code == 429 and refused["Content-Type"] == "application/json"
    error = refused.json()["error"]
    assert error["code"] == "decode_budget_spent" and error["details"]["pixels"] == HEAVY_SIDE**2
    assert int(refused["Retry-After"]) == error["details"]["retry_after"] >= 1
    assert MatchJob.objects.count() == len(accepted)  # nothing stored for the refused upload
    # The budget is the tenant's own: another tenant's large upload is taken.
    assert post_match(client_a, large_png()).status_code == 202


def test_a_tenant_at_its_heavy_cap_leaves_its_heavy_jobs_waiting_and_its_end_wakes_the_next(faces_dir):
    client_e = client_for(factories.tenant("tenant-e"), [FRAUD])
    first, second = flood(client_e, 2)
    light = client_e.post(
        "/api/v1/matches", {"image": upload(faces_dir / "people/df-01/img1.jpg"), "purpose": FRAUD}, format="multipart"
    ).json()["id"]
    app.control.purge()  # no message left: only the rows, and what the end of a job sends

    job, image = jobs.probe_job_start(MatchJob, first, end=matches._match_job_end)
    assert str(job.pk) == first and image  # a worker holds E's first heavy job
    # The message of E's second heavy job runs E's light one: E is at its cap of heavy jobs.
    job, image = jobs.probe_job_start(MatchJob, second, end=matches._match_job_end)
    assert str(job.pk) == light and image
    job, image = jobs.probe_job_start(MatchJob, second, end=matches._match_job_end)
    assert str(job.pk) == second and image is None and job.status == JobStatus.QUEUED

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        with transaction.atomic():  # the first heavy job's worker ends it: its end sends the second's message
            held = MatchJob.objects.select_for_update().get(pk=first)
            matches._match_job_end(held, error=face.NoFace())
        job = wait_finished(MatchJob, second, timeout=TIMEOUT)
    assert job.status == JobStatus.FAILED and job.error_code == "no_face" and job.probe is None


def test_claims_take_turns_between_tenants_whatever_the_order_of_the_messages(faces_dir):
    client_e = client_for(factories.tenant("tenant-e"), [FRAUD])
    client_a = client_for(factories.tenant("tenant-a"), [FRAUD])
    photo = (faces_dir / "people/df-01/img1.jpg").read_bytes()
    e_jobs = [post_match(client_e, photo).json()["id"] for _ in range(3)]
    a_jobs = [post_match(client_a, photo).json()["id"] for _ in range(2)]
    app.control.purge()
    tenant_of = {**dict.fromkeys(e_jobs, "E"), **dict.fromkeys(a_jobs, "A")}

    served, now = [], timezone.now()
    for step, hint in enumerate([*e_jobs, *a_jobs]):  # the messages in queue order: E's three, then A's two
        with transaction.atomic():
            at = now + timedelta(seconds=step)
            job = dispatch.job_claim(MatchJob, hint, now=at)
            MatchJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=at)
        served.append(tenant_of[str(job.pk)])
    assert served == ["E", "A", "E", "A", "E"]
    with transaction.atomic():  # every job is taken: a sixth message runs nothing
        assert dispatch.job_claim(MatchJob, e_jobs[0]) is None
