"""Concurrent writes of one subject: web requests in threads (each its own connection) and the real worker.

Before the audit log lost its global lock, enrolments of one subject while its consents were granted deadlocked
(the worker held the subject row and waited for the audit lock; a request held the audit lock and its foreign-key
check waited for the subject row): 500s, and enrolments left `running` forever.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from consent.services import api_key_create
from core.audit import Actor
from matching.models import Enrollment
from tests import factories
from tests.factories import FRAUD, GRANTED
from tests.helpers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
THREADS, ROUNDS = 4, 3


def _in_thread(work, results: list, errors: list):
    def run():
        try:
            results.extend(work())
        except Exception as exc:  # a failure in a thread must fail the test, not vanish
            errors.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_enrollments_of_one_subject_while_its_consents_are_granted(celery_worker, faces_dir):
    tenant = factories.tenant("busy")
    subject = factories.subject(tenant, consented_at=GRANTED)
    _, raw = api_key_create(tenant=tenant, purposes=[FRAUD, "access_control"], actor=Actor.system("test"))
    photo = (faces_dir / "people" / "amy" / "amy1.png").read_bytes()
    notices = [factories.notice_created(tenant, purpose="access_control") for _ in range(THREADS * ROUNDS)]

    def enrol():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
        answers = []
        for _ in range(ROUNDS):
            image = io.BytesIO(photo)
            image.name = "amy1.png"
            response = client.post(f"/api/v1/subjects/{subject.id}/faces", {"image": image}, format="multipart")
            answers.append((response.status_code, response.json()))
        return answers

    def grant(chunk):
        def work():
            return [
                (201, factories.consent_granted(subject, purpose="access_control", notice_obj=n).pk)
                for n in notices[chunk::THREADS]
            ]

        return work

    results: list[Any] = []
    errors: list[Exception] = []
    threads = [_in_thread(enrol, results, errors) for _ in range(THREADS)]
    threads += [_in_thread(grant(i), results, errors) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors, errors
    assert sorted({status for status, _ in results}) == [201, 202], results
    enrollment_ids = [body["id"] for status, body in results if status == 202]
    assert len(enrollment_ids) == THREADS * ROUNDS
    finished = wait_for(
        lambda: list(Enrollment.objects.filter(pk__in=enrollment_ids).values_list("status", "image")),
        lambda rows: all(status in ("done", "failed") for status, _ in rows),
        timeout=180,
    )
    assert finished == [("done", None)] * len(enrollment_ids)
