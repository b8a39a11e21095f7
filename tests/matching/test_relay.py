"""The outbox: the job row is the truth. A lost message (broker down at commit, purged queue) and a dead worker
(a job left running) are both recovered by the relay; the job ends once, its image bytes deleted."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app
from matching import relay
from matching.models import Enrollment, FaceTemplate, JobStatus, MatchJob
from matching.services import matches
from tests import factories
from tests.factories import FRAUD, GRANTED
from tests.helpers import wait_finished
from tests.matching.test_pipeline_integration import TIMEOUT, client_for, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tenant():
    return factories.tenant("tenant-relay")


def _later(seconds: int):
    return timezone.now() + timedelta(seconds=seconds)


def test_a_job_whose_message_was_lost_is_sent_again_and_ends_once(tenant, faces_dir, settings):
    client = client_for(tenant, [FRAUD])
    person = factories.subject(tenant, consented_at=GRANTED)
    response = client.post(
        f"/api/v1/subjects/{person.id}/faces",
        {"image": upload(faces_dir / "people/df-01/img1.jpg")},
        format="multipart",
    )
    assert response.status_code == 202
    enrollment_id = response.json()["id"]
    app.control.purge()  # the message is lost; only the row knows the job

    assert relay.jobs_relay(now=timezone.now()) == {
        "enrollments": 0,
        "match_jobs": 0,
        "verifications": 0,
    }  # not overdue yet
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert relay.jobs_relay(now=_later(settings.JOB_RELAY_AFTER_SECONDS + 1))["enrollments"] == 1
        # Within the relay interval the same job is not sent twice.
        assert relay.jobs_relay(now=_later(settings.JOB_RELAY_AFTER_SECONDS + 1))["enrollments"] == 0
        enrollment = wait_finished(Enrollment, enrollment_id, timeout=TIMEOUT)
    assert enrollment.status == JobStatus.DONE and enrollment.image is None
    assert FaceTemplate.objects.filter(enrollment_id=enrollment_id).count() == 1


def test_a_job_left_running_by_a_dead_worker_is_taken_back(tenant, faces_dir, settings):
    client = client_for(tenant, [FRAUD])
    response = client.post(
        "/api/v1/matches", {"image": upload(faces_dir / "people/df-01/img2.jpg"), "purpose": FRAUD}, format="multipart"
    )
    job_id = response.json()["id"]
    app.control.purge()
    # A worker took it and died: the row says running.
    MatchJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())

    # A second copy of its message while that worker may still be alive does nothing.
    matches.match_job_run(job_id=job_id)
    assert MatchJob.objects.get(pk=job_id).status == JobStatus.RUNNING
    assert relay.jobs_relay(now=_later(settings.JOB_REAP_AFTER_SECONDS - 5))["match_jobs"] == 0

    MatchJob.objects.filter(pk=job_id).update(started_at=timezone.now() - timedelta(minutes=10))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert relay.jobs_relay(now=timezone.now())["match_jobs"] == 1
        job = wait_finished(MatchJob, job_id, timeout=TIMEOUT)
    assert job.status == JobStatus.DONE and job.probe is None and job.faces_detected == 1


@contextmanager
def broker_down():
    """The broker unreachable for real: the app's connections point at a socket nobody listens on."""

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    app.conf.broker_url = "redis+socket:///nonexistent-facegate/redis.sock"
    reset()
    try:
        yield
    finally:
        app.conf.broker_url = saved
        reset()


def test_a_submit_while_the_broker_is_down_is_accepted_and_relayed_later(tenant, faces_dir, settings):
    client = client_for(tenant, [FRAUD])
    with broker_down():
        response = client.post(
            "/api/v1/matches",
            {"image": upload(faces_dir / "people/df-01/img4.jpg"), "purpose": FRAUD},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert MatchJob.objects.get(pk=job_id).probe is not None  # durable: the row holds the job
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert relay.jobs_relay(now=_later(settings.JOB_RELAY_AFTER_SECONDS + 1))["match_jobs"] == 1
        job = wait_finished(MatchJob, job_id, timeout=TIMEOUT)
    assert job.status == JobStatus.DONE and job.probe is None
