"""Client-app matching API: refusals before queueing, tenant scoping, and jobs run by the service on real photos."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from consent.models import Consent, Purpose
from consent.services import api_key_create
from core.audit import Actor
from matching.decision import fpir_at_distance
from matching.models import Enrollment, FaceTemplate, JobStatus, MatchJob
from matching.services import enrollments, jobs, matches
from policy.models import OrderAction
from tests import factories
from tests.factories import FRAUD, GRANTED

pytestmark = pytest.mark.django_db
ADMIN = Actor.system("test")


def client_for(tenant, purposes=(FRAUD,)) -> APIClient:
    _, raw = api_key_create(tenant=tenant, purposes=list(purposes), actor=ADMIN)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def upload(data: bytes, name="face.jpg"):
    file = io.BytesIO(data)
    file.name = name
    return file


def blank_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 160, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def tenant():
    return factories.tenant()


@pytest.fixture
def client(tenant):
    return client_for(tenant)


@pytest.fixture
def photo(faces_dir):
    return lambda path: (faces_dir / path).read_bytes()


def enrol(client, subject, data, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"/api/v1/subjects/{subject.id}/faces", {"image": upload(data), **extra}, format="multipart"
        )
    assert response.status_code == 202, response.json()
    assert len(callbacks) == 1  # the task is dispatched on commit, with the id only
    enrollments.enrollment_run(enrollment_id=response.json()["id"])
    return client.get(f"/api/v1/enrollments/{response.json()['id']}").json()


def match(client, data, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks():
        response = client.post(
            "/api/v1/matches", {"image": upload(data), "purpose": FRAUD, **extra}, format="multipart"
        )
    assert response.status_code == 202, response.json()
    matches.match_job_run(job_id=response.json()["id"])
    return client.get(f"/api/v1/matches/{response.json()['id']}").json()


# --- enrolment -----------------------------------------------------------------------------------------------
def test_enrol_then_match_the_same_person(client, tenant, photo, django_capture_on_commit_callbacks):
    person = factories.subject(tenant, consented_at=GRANTED)
    other = factories.subject(tenant, consented_at=GRANTED)
    body = enrol(client, person, photo("people/df-01/img1.jpg"), django_capture_on_commit_callbacks)
    assert body["status"] == "done" and body["error"] is None and body["template_id"]
    enrol(client, other, photo("people/df-02/img8.jpg"), django_capture_on_commit_callbacks)
    enrollment = Enrollment.objects.get(pk=body["id"])
    assert enrollment.image is None and len(enrollment.image_sha256) == 64

    job = match(client, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks)
    assert job["status"] == "done" and job["faces_detected"] == 1 and job["error"] is None
    assert [r["subject_id"] for r in job["results"]] == [str(person.id)]  # df-02 is beyond the threshold
    result = job["results"][0]
    assert result["external_ref"] == person.external_ref
    # Named by the rule: clearly nearer than the runner-up (df-02, beyond the threshold).
    assert job["ratio_max"] == settings.MATCH_RATIO_MAX and 0 < result["ratio"] <= settings.MATCH_RATIO_MAX
    assert result["score"] == pytest.approx(1 - result["distance"])
    stored = MatchJob.objects.get(pk=job["id"])
    assert stored.probe is None and len(stored.probe_sha256) == 64 and stored.timings["search_ms"] >= 0
    person.refresh_from_db()
    assert person.last_interaction_at is not None
    assert FaceTemplate.objects.get(subject=person).last_matched_at is not None


def test_each_person_is_listed_once_and_top_k_counts_people(client, tenant, photo, django_capture_on_commit_callbacks):
    person = factories.subject(tenant, consented_at=GRANTED)
    for name in ("img1.jpg", "img4.jpg", "img5.jpg"):
        enrol(client, person, photo(f"people/df-01/{name}"), django_capture_on_commit_callbacks)
    duplicate = factories.subject(tenant, consented_at=GRANTED)  # the same face enrolled again under another reference
    enrol(client, duplicate, photo("people/df-01/img10.jpg"), django_capture_on_commit_callbacks)

    job = match(client, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks, top_k=2)
    assert job["status"] == "done"
    assert sorted(r["subject_id"] for r in job["results"]) == sorted([str(person.id), str(duplicate.id)])
    compared = {r["subject_id"]: r["templates_compared"] for r in job["results"]}
    assert compared == {str(person.id): 3, str(duplicate.id): 1}
    assert [r["distance"] for r in job["results"]] == sorted(r["distance"] for r in job["results"])
    # The same face twice is not vetoed by itself: nobody lies beyond the threshold, so the distance decides.
    assert [r["ratio"] for r in job["results"]] == [None, None]
    # Calibrated for this tenant's gallery (two people consent to the purpose), not a raw distance.
    assert [r["fpir_at_score"] for r in job["results"]] == [
        pytest.approx(fpir_at_distance(r["distance"], 2), abs=1e-6) for r in job["results"]
    ]

    job = match(client, photo("people/df-01/img2.jpg"), django_capture_on_commit_callbacks, top_k=1)
    assert len(job["results"]) == 1


def test_group_photo_fails_with_multiple_faces_unless_largest_face(
    client, tenant, photo, django_capture_on_commit_callbacks
):
    subject = factories.subject(tenant, consented_at=GRANTED)
    body = enrol(client, subject, photo("group/couple.jpg"), django_capture_on_commit_callbacks)
    assert body["status"] == "failed" and body["error"]["code"] == "multiple_faces" and body["template_id"] is None
    assert Enrollment.objects.get(pk=body["id"]).image is None
    body = enrol(client, subject, photo("group/couple.jpg"), django_capture_on_commit_callbacks, largest_face="true")
    assert body["status"] == "done"


def test_enrollment_without_a_face_fails_with_no_face(client, tenant, django_capture_on_commit_callbacks):
    body = enrol(
        client, factories.subject(tenant, consented_at=GRANTED), blank_png(), django_capture_on_commit_callbacks
    )
    assert body["status"] == "failed" and body["error"]["code"] == "no_face"


def test_enrollment_run_twice_makes_one_template(client, tenant, photo, django_capture_on_commit_callbacks):
    body = enrol(
        client,
        factories.subject(tenant, consented_at=GRANTED),
        photo("people/df-02/img9.jpg"),
        django_capture_on_commit_callbacks,
    )
    Enrollment.objects.filter(pk=body["id"]).update(status=JobStatus.RUNNING)  # as if the ack was lost
    enrollments.enrollment_run(enrollment_id=body["id"])
    assert FaceTemplate.objects.filter(enrollment_id=body["id"]).count() == 1
    assert Enrollment.objects.get(pk=body["id"]).status == JobStatus.DONE


def test_consent_withdrawn_before_the_enrollment_runs_fails_it(
    client, tenant, photo, django_capture_on_commit_callbacks
):
    subject = factories.subject(tenant, consented_at=GRANTED)
    with django_capture_on_commit_callbacks():
        response = client.post(
            f"/api/v1/subjects/{subject.id}/faces",
            {"image": upload(photo("people/df-02/img9.jpg"))},
            format="multipart",
        )
    Consent.objects.filter(subject=subject).update(withdrawn_at=timezone.now())
    enrollments.enrollment_run(enrollment_id=response.json()["id"])
    body = client.get(f"/api/v1/enrollments/{response.json()['id']}").json()
    assert body["status"] == "failed" and body["error"]["code"] == "consent_required"
    assert not FaceTemplate.objects.filter(subject=subject).exists()


def test_enrollment_refusals(client, tenant, photo):
    def post(subject, **data):
        return client.post(f"/api/v1/subjects/{subject.id}/faces", data, format="multipart")

    image = photo("people/df-02/img9.jpg")
    response = post(factories.subject(tenant), image=upload(image))
    assert (response.status_code, response.json()["error"]["code"]) == (409, "consent_required")

    quebec = factories.subject(tenant, jurisdiction="CA-QC", consented_at=GRANTED)
    factories.order(OrderAction.RESTRICT_COLLECTION, scope_jurisdictions=["CA-QC"])
    response = post(quebec, image=upload(image))
    assert (response.status_code, response.json()["error"]["code"]) == (403, "collection_restricted")

    subject = factories.subject(tenant, consented_at=GRANTED)
    response = post(subject)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "validation_error")
    assert "image" in response.json()["error"]["details"]["fields"]
    response = post(subject, image=upload(b"GIF89a not really", "x.gif"))
    assert (response.status_code, response.json()["error"]["code"]) == (415, "unsupported_media_type")
    response = post(subject, image=upload(image[: len(image) // 2]))
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_image")
    assert not Enrollment.objects.exists()


def test_enrollment_is_tenant_scoped(client, tenant, photo, django_capture_on_commit_callbacks):
    other_tenant = factories.tenant()
    theirs = factories.subject(other_tenant, consented_at=GRANTED)
    response = client.post(
        f"/api/v1/subjects/{theirs.id}/faces", {"image": upload(photo("people/df-02/img9.jpg"))}, format="multipart"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert client.post("/api/v1/subjects/not-a-uuid/faces", {}, format="multipart").status_code == 404

    with django_capture_on_commit_callbacks():
        response = client.post(
            f"/api/v1/subjects/{factories.subject(tenant, consented_at=GRANTED).id}/faces",
            {"image": upload(photo("people/df-02/img9.jpg"))},
            format="multipart",
        )
    assert client_for(other_tenant).get(f"/api/v1/enrollments/{response.json()['id']}").status_code == 404
    assert APIClient().get(f"/api/v1/enrollments/{response.json()['id']}").status_code in (401, 403)


# --- matching ------------------------------------------------------------------------------------------------
def test_match_refusals(client, tenant, photo):
    image = photo("people/df-02/img9.jpg")

    def post(**data):
        response = client.post("/api/v1/matches", data, format="multipart")
        return response.status_code, response.json()["error"]["code"]

    assert post(image=upload(image), purpose=Purpose.ACCESS_CONTROL) == (403, "purpose_not_allowed")
    assert post(image=upload(image), purpose="erasure_lookup") == (400, "validation_error")  # the platform's own
    assert post(purpose=FRAUD) == (400, "validation_error")
    assert post(image=upload(image), purpose="surveillance") == (400, "validation_error")
    assert post(image=upload(image), purpose=FRAUD, top_k=0) == (400, "validation_error")
    assert post(image=upload(image), purpose=FRAUD, top_k=51) == (400, "validation_error")
    assert post(image=upload(image), purpose=FRAUD, wait=31) == (400, "validation_error")
    assert post(image=upload(b"\x00" * 100), purpose=FRAUD) == (415, "unsupported_media_type")
    assert not MatchJob.objects.exists()


def test_a_request_threshold_may_only_be_stricter(client, photo, settings):
    image = photo("people/df-02/img9.jpg")

    def post(threshold):
        data = {"image": upload(image), "purpose": FRAUD, "threshold": threshold}
        return client.post("/api/v1/matches", data, format="multipart")

    response = post(2.0)  # once: the 50 nearest strangers as "matches"
    assert (response.status_code, response.json()["error"]["code"]) == (422, "threshold_too_loose")
    assert response.json()["error"]["details"]["maximum"] == settings.MATCH_THRESHOLD_MAX
    assert post(settings.MATCH_THRESHOLD_MAX + 0.001).status_code == 422
    assert not MatchJob.objects.exists()
    assert post(settings.MATCH_THRESHOLD_MAX).status_code == 202
    assert post(0.03).status_code == 202
    assert list(MatchJob.objects.order_by("created_at").values_list("threshold", flat=True)) == [
        settings.MATCH_THRESHOLD_MAX,
        0.03,
    ]


def test_a_probe_with_several_faces_says_which_was_searched(client, photo, django_capture_on_commit_callbacks):
    job = match(client, photo("group/couple.jpg"), django_capture_on_commit_callbacks)
    assert job["status"] == "done" and job["faces_detected"] == 2
    x, y, w, h = job["face_box"]
    assert w > 0 and h > 0 and x >= 0 and y >= 0


def test_match_without_a_face_fails_with_no_face(client, django_capture_on_commit_callbacks):
    job = match(client, blank_png(), django_capture_on_commit_callbacks)
    assert job["status"] == "failed" and job["faces_detected"] == 0 and job["error"]["code"] == "no_face"
    assert job["results"] == []
    assert MatchJob.objects.get(pk=job["id"]).probe is None


def test_match_with_wait_returns_202_while_the_job_is_queued(client, photo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = client.post(
            "/api/v1/matches",
            {"image": upload(photo("people/df-02/img9.jpg")), "purpose": FRAUD, "wait": 0.3},
            format="multipart",
        )
    assert response.status_code == 202 and response.json()["status"] == "queued"


def test_match_job_is_tenant_scoped_and_runs_once(client, tenant, photo, django_capture_on_commit_callbacks):
    job = match(client, photo("people/df-02/img9.jpg"), django_capture_on_commit_callbacks, top_k=3, threshold=0.03)
    assert (job["status"], job["purpose"], job["results"]) == ("done", FRAUD, [])
    assert client_for(factories.tenant()).get(f"/api/v1/matches/{job['id']}").status_code == 404
    finished_at = MatchJob.objects.get(pk=job["id"]).finished_at
    matches.match_job_run(job_id=job["id"])
    assert MatchJob.objects.get(pk=job["id"]).finished_at == finished_at


def test_probe_sweep_clears_old_leftovers(client, tenant, photo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = client.post(
            "/api/v1/matches", {"image": upload(photo("people/df-02/img9.jpg")), "purpose": FRAUD}, format="multipart"
        )
    fresh = factories.subject(tenant, consented_at=GRANTED)
    with django_capture_on_commit_callbacks():
        client.post(
            f"/api/v1/subjects/{fresh.id}/faces", {"image": upload(photo("people/df-02/img9.jpg"))}, format="multipart"
        )
    MatchJob.objects.filter(pk=response.json()["id"]).update(created_at=timezone.now() - timedelta(hours=2))
    counts = jobs.probe_sweep(actor=ADMIN)
    assert counts["cleared"] == {"enrollments": 0, "match_jobs": 1, "verifications": 0}
    job = MatchJob.objects.get(pk=response.json()["id"])
    assert job.probe is None and job.status == JobStatus.FAILED and job.error_code == "expired"
    assert Enrollment.objects.get(subject=fresh).image is not None
