"""The beat schedule names tasks that exist, and each task is a thin call of its service."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance import tasks
from compliance.models import ErasureRequest, ErasureStatus
from config.celery import app
from matching.models import FaceTemplate
from tests import factories


def test_every_compliance_task_of_the_beat_schedule_is_registered():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"compliance.tasks.retention_sweep", "compliance.tasks.deadlines_check"} <= names
    assert {n for n in names if n.startswith("compliance.")} <= set(app.tasks)


@pytest.mark.django_db
def test_retention_sweep_task_erases_what_is_past_its_limit(tenant, notice, settings):
    person = factories.subject(tenant, "CA-QC")
    factories.consent(person, notice, purpose_ended_at=timezone.now() - timedelta(hours=1))
    factories.template(person, enrolled=True)
    report = tasks.retention_sweep()
    assert report["retention"]["templates"] == 1 and not FaceTemplate.objects.filter(subject=person).exists()


@pytest.mark.django_db
def test_deadlines_check_task_counts_overdue_without_storing_it(tenant):
    request = ErasureRequest.objects.create(
        jurisdiction_id="GB",
        status=ErasureStatus.RUNNING,
        verified_at=timezone.now(),
        received_at=timezone.now() - timedelta(days=40),
        due_at=timezone.now() - timedelta(days=9),
    )
    assert tasks.deadlines_check()["overdue_requests"] == 1
    request.refresh_from_db()
    assert request.status == ErasureStatus.RUNNING
