"""A poison job (its image crashes the worker each time) ends once after JOB_MAX_ATTEMPTS starts, through the real
start path: each start counts an attempt in the transaction that marks it running; a crash leaves it running, the
relay re-sends it once its worker is taken for dead, and the start after the last attempt ends it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from core.models import AuditEvent
from matching import relay
from matching.models import Enrollment, JobStatus, MatchJob, Verification
from matching.services import enrollments, jobs, matches, verifications
from tests import factories
from tests.factories import FRAUD, GRANTED, MODEL
from tests.helpers import wait_for
from tests.matching.test_pipeline_integration import client_for

pytestmark = pytest.mark.django_db


def _start(kind, pk):
    """What a worker does first (then it crashed: nothing more)."""
    if kind is Enrollment:
        return enrollments._enrollment_start(pk)[1]
    end = matches._match_job_end if kind is MatchJob else verifications._verification_end
    return jobs.probe_job_start(kind, pk, end=end)[1]


def _run(kind, pk):
    if kind is Enrollment:
        return enrollments.enrollment_run(enrollment_id=pk)
    if kind is MatchJob:
        return matches.match_job_run(job_id=pk)
    return verifications.verification_run(verification_id=pk)


def _job(kind, image: bytes):
    tenant = factories.tenant("tenant-poison")
    subject = factories.subject(tenant, consented_at=GRANTED)
    if kind is Enrollment:
        return Enrollment.objects.create(tenant=tenant, subject=subject, image=image, image_sha256="a" * 64)
    common = dict(tenant=tenant, model_name=MODEL, threshold=0.03, probe=image, probe_sha256="a" * 64)
    if kind is MatchJob:
        return MatchJob.objects.create(purpose=FRAUD, **common)
    return Verification.objects.create(subject=subject, **common)


@pytest.mark.parametrize("kind", [Enrollment, MatchJob, Verification])
def test_a_job_started_too_often_ends_once_as_too_many_attempts(kind, faces_dir, settings):
    image = (faces_dir / "people/df-01/img1.jpg").read_bytes()  # a good photo: only the attempts end it
    job = _job(kind, image)
    for attempt in range(1, settings.JOB_MAX_ATTEMPTS + 1):
        assert _start(kind, job.pk) == image
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING and job.attempts == attempt
        # The worker died: once its run is older than the reap limit, the relay sends the job again.
        kind.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(minutes=10))
        assert job.pk in set(relay.jobs_waiting(kind, now=timezone.now()).values_list("pk", flat=True))

    ended = _run(kind, job.pk)
    ended.refresh_from_db()
    assert ended.status == JobStatus.FAILED and ended.error_code == "too_many_attempts"
    assert ended.attempts == settings.JOB_MAX_ATTEMPTS and ended.finished_at is not None
    assert getattr(ended, "image" if kind is Enrollment else "probe") is None
    event = AuditEvent.objects.filter(object_id=str(job.pk)).order_by("-seq").first()
    assert event.action.endswith(".failed") and event.details["error"] == "too_many_attempts"

    # Ended once: another copy of the message changes nothing, and the relay no longer sends it.
    assert _start(kind, job.pk) is None
    assert job.pk not in set(relay.jobs_waiting(kind, now=timezone.now()).values_list("pk", flat=True))
    assert AuditEvent.objects.filter(object_id=str(job.pk), action=event.action).count() == 1


def test_a_job_that_ends_is_not_counted_against_later_runs(faces_dir, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    job = _job(MatchJob, b"not an image")
    ended = _run(MatchJob, job.pk)  # one attempt, which ends (a domain error, not a crash)
    assert ended.status == JobStatus.FAILED and ended.error_code != "too_many_attempts" and ended.attempts == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_killed_on_every_run_ends_the_job_after_its_attempts(settings):
    """A real Celery worker (its own process) whose every run of the job is killed: its hard time limit (1 s) is
    shorter than decoding a near-limit PNG (~2 s), so the pool process is SIGKILLed mid-run, as by a poison image."""
    from config.celery import app

    app.control.purge()
    db = connection.settings_dict
    host = db["HOST"]  # the test database: a socket folder (embedded) or a host
    where = f"/{db['NAME']}?host={host}" if host.startswith("/") else f"{host}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}:{db['PASSWORD']}@{where}",
        "JOB_REAP_AFTER_SECONDS": "1",  # the worker's own view: a killed run is soon taken for dead
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "matches", "--pool", "prefork",
         "--concurrency", "1", "--time-limit", "1", "--loglevel", "ERROR", "--hostname", "poison@%h"],
        env=env, cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        image = io.BytesIO()
        Image.new("L", (6320, 6320), 128).save(image, "PNG", optimize=True)
        image.seek(0)
        image.name = "poison.png"
        client = client_for(factories.tenant("tenant-poison-worker"), [FRAUD])
        response = client.post("/api/v1/matches", {"image": image, "purpose": FRAUD}, format="multipart")
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
        settings.JOB_RELAY_AFTER_SECONDS = 1  # the relay may send the same job again after a second

        def relayed():
            # The relay (the beat's job) re-sends a job whose run is older than the reap limit: its worker died.
            relay.jobs_relay(now=timezone.now() + timedelta(minutes=10))
            return MatchJob.objects.get(pk=job_id)

        job = wait_for(relayed, lambda j: j.status == JobStatus.FAILED, timeout=240, interval=1.0)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    assert job.error_code == "too_many_attempts" and job.attempts == settings.JOB_MAX_ATTEMPTS and job.probe is None
    assert AuditEvent.objects.filter(object_id=job_id, action="match_job.failed").count() == 1
