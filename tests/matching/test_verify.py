"""1:1 verification: the probe is compared with one subject's own faces, through the gate, never searched."""

from __future__ import annotations

import pytest
from django.utils import timezone

from consent.models import Consent, Purpose
from core.models import AuditEvent
from matching.models import Enrollment, Verification
from matching.services import verifications
from tests import factories
from tests.factories import FRAUD, GRANTED
from tests.helpers import wait_finished
from tests.matching.test_apis import client_for, enrol, upload

pytestmark = pytest.mark.django_db
IDV = Purpose.IDENTITY_VERIFICATION


@pytest.fixture
def tenant():
    return factories.tenant()


@pytest.fixture
def client(tenant):
    return client_for(tenant, purposes=(FRAUD, IDV))


@pytest.fixture
def photo(faces_dir):
    return lambda path: (faces_dir / path).read_bytes()


def verifiable(tenant, *purposes):
    subject = factories.subject(tenant)
    for purpose in purposes:
        factories.consent(subject, purpose=purpose, granted_at=GRANTED)
    return subject


def post_verify(client, subject, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"/api/v1/subjects/{subject.id}/verify", {"image": upload(data)}, format="multipart")
    return response, callbacks


def verify(client, subject, data, django_capture_on_commit_callbacks):
    response, callbacks = post_verify(client, subject, data, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued" and len(callbacks) == 1
    verifications.verification_run(verification_id=response.json()["id"])
    return client.get(f"/api/v1/verifications/{response.json()['id']}").json()


def test_genuine_probe_matches_and_its_bytes_are_deleted(client, tenant, photo, django_capture_on_commit_callbacks):
    person = verifiable(tenant, IDV)
    enrol(client, person, photo("people/df-01/img1.jpg"), django_capture_on_commit_callbacks)
    enrol(client, person, photo("people/df-01/img4.jpg"), django_capture_on_commit_callbacks)
    body = verify(client, person, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert body["status"] == "done" and body["error"] is None
    assert body["match"] is True and body["distance"] <= body["threshold"]
    assert body["templates_compared"] == 2 and body["faces_detected"] == 1 and len(body["face_box"]) == 4
    assert body["subject_id"] == str(person.id)
    stored = Verification.objects.get(pk=body["id"])
    assert stored.probe is None and len(stored.probe_sha256) == 64
    actions = set(AuditEvent.objects.filter(object_id=body["id"]).values_list("action", flat=True))
    assert actions == {"verification.create", "verification.done"}


def test_a_high_value_check_may_ask_for_a_stricter_threshold_only(
    client, tenant, photo, settings, django_capture_on_commit_callbacks
):
    person = verifiable(tenant, IDV)
    enrol(client, person, photo("people/df-01/img1.jpg"), django_capture_on_commit_callbacks)
    probe = photo("people/df-01/img2.jpg")
    url = f"/api/v1/subjects/{person.id}/verify"
    looser = client.post(
        url, {"image": upload(probe), "threshold": settings.VERIFY_THRESHOLD + 0.01}, format="multipart"
    )
    assert (looser.status_code, looser.json()["error"]["code"]) == (422, "threshold_too_loose")
    assert looser.json()["error"]["details"]["maximum"] == settings.VERIFY_THRESHOLD
    default = verify(client, person, probe, django_capture_on_commit_callbacks)
    assert default["threshold"] == settings.VERIFY_THRESHOLD and default["match"] is True
    # Stricter than the genuine pair's own distance: the same probe no longer passes.
    with django_capture_on_commit_callbacks():
        strict = client.post(url, {"image": upload(probe), "threshold": default["distance"] / 2}, format="multipart")
    verifications.verification_run(verification_id=strict.json()["id"])
    body = client.get(f"/api/v1/verifications/{strict.json()['id']}").json()
    assert body["threshold"] == pytest.approx(default["distance"] / 2) and body["match"] is False
    created = AuditEvent.objects.get(object_id=body["id"], action="verification.create")
    assert created.details["threshold"] == pytest.approx(default["distance"] / 2)


def test_impostor_is_not_matched_even_when_the_probe_is_someone_elses_enrolled_face(
    client, tenant, photo, django_capture_on_commit_callbacks
):
    claimed = verifiable(tenant, IDV)
    enrol(client, claimed, photo("people/df-02/img8.jpg"), django_capture_on_commit_callbacks)
    # The probe's own person is enrolled in the same tenant with every purpose: 1:1 must not find them.
    actual = verifiable(tenant, IDV, FRAUD)
    enrol(client, actual, photo("people/df-01/img1.jpg"), django_capture_on_commit_callbacks)
    body = verify(client, claimed, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert body["status"] == "done" and body["match"] is False
    assert body["distance"] > body["threshold"] and body["templates_compared"] == 1


def test_no_consent_for_one_to_one_is_refused(client, tenant, photo, django_capture_on_commit_callbacks):
    fraud_only = verifiable(tenant, FRAUD)
    enrol(client, fraud_only, photo("people/df-01/img1.jpg"), django_capture_on_commit_callbacks)
    response, _ = post_verify(client, fraud_only, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "not_eligible")
    never_enrolled = verifiable(tenant, IDV)
    response, _ = post_verify(
        client, never_enrolled, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "no_enrolled_face")
    assert not Verification.objects.exists()


def test_key_without_identity_verification_is_refused(tenant, photo, django_capture_on_commit_callbacks):
    person = verifiable(tenant, IDV)
    response, _ = post_verify(
        client_for(tenant, purposes=(FRAUD,)),
        person,
        photo("people/df-01/img2.jpg"),
        django_capture_on_commit_callbacks,
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "purpose_not_allowed")


def test_another_tenants_subject_and_verification_are_not_found(
    client, tenant, photo, django_capture_on_commit_callbacks
):
    other_tenant = factories.tenant()
    theirs = verifiable(other_tenant, IDV)
    response, _ = post_verify(client, theirs, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")

    person = verifiable(tenant, IDV)
    enrol(client, person, photo("people/df-01/img1.jpg"), django_capture_on_commit_callbacks)
    body = verify(client, person, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert client_for(other_tenant, purposes=(IDV,)).get(f"/api/v1/verifications/{body['id']}").status_code == 404
    assert client.get("/api/v1/verifications/not-a-uuid").status_code == 404


def test_consent_withdrawn_before_the_job_runs_refuses_it(client, tenant, photo, django_capture_on_commit_callbacks):
    person = verifiable(tenant, IDV)
    enrol(client, person, photo("people/df-01/img1.jpg"), django_capture_on_commit_callbacks)
    response, _ = post_verify(client, person, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert response.status_code == 202
    Consent.objects.filter(subject=person, purpose=IDV).update(withdrawn_at=timezone.now())
    verifications.verification_run(verification_id=response.json()["id"])
    body = client.get(f"/api/v1/verifications/{response.json()['id']}").json()
    assert body["status"] == "failed" and body["error"]["code"] == "not_eligible"
    assert body["match"] is None and body["distance"] is None
    assert Verification.objects.get(pk=body["id"]).probe is None
    # Withdrawn before asking: refused at once.
    response, _ = post_verify(client, person, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "not_eligible")


def test_a_second_message_while_a_live_worker_runs_the_verification_does_nothing(
    client, tenant, photo, django_capture_on_commit_callbacks
):
    person = verifiable(tenant, IDV)
    enrol(client, person, photo("people/df-01/img1.jpg"), django_capture_on_commit_callbacks)
    response, _ = post_verify(client, person, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    # A worker took it a moment ago (the row says running): a re-sent copy must not run it twice.
    Verification.objects.filter(pk=response.json()["id"]).update(status="running", started_at=timezone.now())
    verifications.verification_run(verification_id=response.json()["id"])
    verification = Verification.objects.get(pk=response.json()["id"])
    assert verification.status == "running" and verification.probe is not None


def test_matches_refuse_identity_verification(client, photo):
    response = client.post(
        "/api/v1/matches", {"image": upload(photo("people/df-01/img2.jpg")), "purpose": IDV}, format="multipart"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "purpose_is_one_to_one")


@pytest.mark.django_db(transaction=True)
def test_verify_with_wait_answers_when_the_worker_is_done(celery_worker, photo):
    tenant = factories.tenant()
    client = client_for(tenant, purposes=(IDV,))
    person = verifiable(tenant, IDV)
    response = client.post(
        f"/api/v1/subjects/{person.id}/faces", {"image": upload(photo("people/df-01/img1.jpg"))}, format="multipart"
    )
    assert wait_finished(Enrollment, response.json()["id"]).status == "done"
    response = client.post(
        f"/api/v1/subjects/{person.id}/verify",
        {"image": upload(photo("people/df-01/img2.jpg")), "wait": 30},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "done" and response.json()["match"] is True
