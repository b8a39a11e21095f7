"""A poison job (its image crashes the worker each time) ends once after JOB_MAX_ATTEMPTS starts, through the real
start path: each start counts an attempt in the transaction that marks it running; a crash leaves it running, the
relay re-sends it once its worker is taken for dead, and the start after the last attempt ends it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent
from matching import relay
from matching.models import Enrollment, JobStatus, MatchJob, Verification
from matching.services import enrolments, jobs, matches, verifications
from tests.factories import FRAUD, MODEL, make_subject, make_tenant

pytestmark = pytest.mark.django_db


def _start(kind, pk):
    """What a worker does first (then it crashed: nothing more)."""
    if kind is Enrollment:
        return enrolments._enrollment_start(pk)[1]
    end = matches._match_job_end if kind is MatchJob else verifications._verification_end
    return jobs.probe_job_start(kind, pk, end=end)[1]


def _run(kind, pk):
    if kind is Enrollment:
        return enrolments.enrollment_run(enrollment_id=pk)
    if kind is MatchJob:
        return matches.match_job_run(job_id=pk)
    return verifications.verification_run(verification_id=pk)


def _job(kind, image: bytes):
    tenant = make_tenant("tenant-poison")
    subject = make_subject(tenant)
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
