"""Possible duplicates at enrolment: reported only under fraud_prevention, on both sides of the comparison."""

from __future__ import annotations

import pytest

from consent.models import Purpose
from core.models import AuditEvent
from tests import factories
from tests.factories import ACCESS, GRANTED
from tests.matching.test_apis import client_for, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(faces_dir):
    return lambda path: (faces_dir / path).read_bytes()


def access_only(tenant):
    subject = factories.subject(tenant)
    factories.consent(subject, purpose=ACCESS, granted_at=GRANTED)
    return subject


def test_a_face_enrolled_again_under_another_subject_is_reported(photo, django_capture_on_commit_callbacks):
    tenant = factories.tenant()
    client = client_for(tenant, purposes=(Purpose.FRAUD_PREVENTION, ACCESS))
    first = factories.subject(tenant, consented_at=GRANTED)
    assert (
        enrol(client, first, photo("people/df-01/img4.jpg"), django_capture_on_commit_callbacks)["possible_duplicates"]
        == []
    )
    hidden = access_only(tenant)  # the same face, but this person's consents do not cover fraud_prevention
    enrol(client, hidden, photo("people/df-01/img5.jpg"), django_capture_on_commit_callbacks)
    stranger = factories.subject(tenant, consented_at=GRANTED)
    enrol(client, stranger, photo("people/df-02/img8.jpg"), django_capture_on_commit_callbacks)

    second = factories.subject(tenant, consented_at=GRANTED)
    body = enrol(client, second, photo("people/df-01/img10.jpg"), django_capture_on_commit_callbacks)
    assert body["status"] == "done"
    assert [d["subject_id"] for d in body["possible_duplicates"]] == [str(first.id)]
    assert body["possible_duplicates"][0]["distance"] <= 0.03
    done = AuditEvent.objects.get(action="enrollment.done", object_id=body["id"])
    assert done.details["possible_duplicates"] == [str(first.id)]

    # Enrolling a subject whose own consents do not cover fraud_prevention checks nothing.
    body = enrol(client, access_only(tenant), photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert body["status"] == "done" and body["possible_duplicates"] == []
