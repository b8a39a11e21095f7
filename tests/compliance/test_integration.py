"""End to end with the real Celery worker on the real Redis broker: orders and holds, DELETE subject, the portal."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from compliance.models import DeletionCertificate, ErasureRequest
from compliance.services import erasure_requests
from consent.models import Purpose, Subject
from consent.services import api_key_create
from core.audit import Actor
from core.emails import email_canonical
from core.transparency import audit_integrate, audit_verify
from matching.models import FaceTemplate
from tests import factories
from tests.helpers import rows_mentioning, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("test")


def test_hold_blocks_an_erase_order_then_release_finishes_it(celery_worker, api, tenant, notice):
    held = factories.consented_subject(tenant, notice, "GB")
    others = [factories.consented_subject(tenant, notice, "GB") for _ in range(3)]
    elsewhere = factories.consented_subject(tenant, notice, "US-CA")
    hold = api.post(
        "/api/v1/legal-holds", {"scope": {"subjects": [str(held.pk)]}, "reason": "litigation"}, format="json"
    ).json()

    created = api.post(
        "/api/v1/orders",
        {
            "regulator": "UK ICO",
            "reference": "ENF-1",
            "action": "erase",
            "scope": {"jurisdictions": ["GB"]},
            "received_at": "2026-11-20T09:00:00Z",
            "deadline": "2026-12-20T09:00:00Z",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["status"] == "received"
    url = f"/api/v1/orders/{created.json()['id']}"

    body = wait_for(lambda: api.get(url).json(), lambda b: b["status"] == "blocked_by_hold")
    assert body["held_subjects"] == [str(held.pk)]  # the conflict is reported, not skipped silently
    assert (body["subjects_total"], body["subjects_erased"]) == (4, 3)
    assert not FaceTemplate.objects.filter(subject__in=others).exists()
    assert FaceTemplate.objects.filter(subject=held).count() == 2
    assert FaceTemplate.objects.filter(subject=elsewhere).count() == 2

    assert api.post(f"/api/v1/legal-holds/{hold['id']}/release").status_code == 200
    body = wait_for(lambda: api.get(url).json(), lambda b: b["status"] == "done")
    assert body["subjects_erased"] == 4 and body["held_subjects"] == []
    assert not FaceTemplate.objects.filter(subject=held).exists()
    assert len(body["certificates"]) == 2 and body["certificate"] == body["certificates"][-1]
    for cert_id in body["certificates"]:
        cert = api.get(f"/api/v1/certificates/{cert_id}").json()
        assert cert["sha256_valid"] and cert["vacuumed_at"]
    audit_integrate()
    assert audit_verify()["valid"]


def test_delete_subject_erases_it_end_to_end(celery_worker, api, tenant, notice):
    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    person = factories.consented_subject(tenant, notice, "US-CA")
    bystander = factories.consented_subject(tenant, notice, "US-CA")
    factories.match_job_naming([person, bystander], tenant)
    email, ref = person.email, person.external_ref
    assert ref is not None

    response = client.delete(f"/api/v1/subjects/{person.pk}")

    assert response.status_code == 202, response.content
    request_url = f"/api/v1/erasure-requests/{response.json()['erasure_request']}"
    body = wait_for(lambda: api.get(request_url).json(), lambda b: b["status"] == "done")
    assert body["subjects_erased"] == 1 and body["source"] == "client"
    cert = DeletionCertificate.objects.get(pk=body["certificate"])
    assert cert.cause == "client_request" and cert.counts["matching_facetemplate"] == 2 and cert.vacuumed_at
    assert rows_mentioning(email) == {} and rows_mentioning(ref) == {}
    tombstone = Subject.objects.get(pk=person.pk)
    assert tombstone.erased_at and (tombstone.email, tombstone.external_ref) == ("", None)
    assert FaceTemplate.objects.filter(subject=bystander).count() == 2
    assert client.delete(f"/api/v1/subjects/{person.pk}").status_code in (404, 409)
    # The worker seals the certificate with the signed head and inclusion proofs of its audit events.
    sealed = wait_for(lambda: api.get(f"/api/v1/certificates/{cert.pk}").json(), lambda b: b["transparency"])
    assert {e["action"] for e in sealed["transparency"]["events"]} >= {"erasure.batch", "certificate.issue"}


def test_portal_request_by_reference(celery_worker, tenant, notice):
    person = factories.consented_subject(tenant, notice, "GB")
    Subject.objects.filter(pk=person.pk).update(
        email="Me@Example.org", email_canonical=email_canonical("Me@Example.org")
    )
    browser = Client()
    page = browser.get("/portal/erasure/")
    assert page.status_code == 200 and b"Erase my face data" in page.content

    sent = browser.post(
        "/portal/erasure/",
        {"email": "me@example.org", "jurisdiction": "GB", "tenant": "acme", "external_ref": person.external_ref},
    )
    assert sent.status_code == 200 and b"Check your email" in sent.content
    request = ErasureRequest.objects.get()
    assert request.status == "awaiting_verification"
    confirm_link = re.search(r"http://\S+/portal/erasure/confirm/\S+/", str(mail.outbox[-1].body)).group(0)
    assert mail.outbox[-1].to == ["me@example.org"]
    path = confirm_link.split("://", 1)[1].split("/", 1)[1]

    assert browser.get(f"/{path}").status_code == 200
    assert not Subject.objects.get(pk=person.pk).erased_at  # a GET (a mail scanner) confirms nothing
    confirmed = browser.post(f"/{path}")
    assert confirmed.status_code == 302
    wait_for(lambda: ErasureRequest.objects.get().status, lambda s: s == "done")
    status_page = browser.get(confirmed["Location"]).content.decode()
    request = ErasureRequest.objects.get()
    assert "Done" in status_page and str(request.certificate_id) in status_page
    assert "matching_facetemplate" in status_page
    assert request.email == "" and request.external_ref == ""
    assert Subject.objects.get(pk=person.pk).erased_at
    assert browser.get(f"/{path[:-5]}xx/").status_code == 400  # a tampered link


def test_portal_selfie_finds_and_erases_the_person(celery_worker, faces_dir, tenant, notice):
    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    photos = sorted((faces_dir / "people" / "amy").iterdir())
    person = factories.subject(tenant, "IT")
    factories.consent(person, notice)
    other = factories.subject(tenant, "IT")
    factories.consent(other, notice)
    for subject, photo in [
        (person, photos[0]),
        (person, photos[1]),
        (other, sorted((faces_dir / "people" / "sheldon").iterdir())[0]),
    ]:
        enrollment = client.post(
            f"/api/v1/subjects/{subject.pk}/faces", {"image": io.BytesIO(photo.read_bytes())}, format="multipart"
        )
        assert enrollment.status_code == 202, enrollment.content
        enrollment_id = enrollment.json()["id"]
        wait_for(
            lambda enrollment_id=enrollment_id: client.get(f"/api/v1/enrollments/{enrollment_id}").json(),
            lambda b: b["status"] == "done",
            timeout=120,
        )

    browser = Client()
    selfie = io.BytesIO(photos[2].read_bytes())  # a photo never enrolled
    selfie.name = "selfie.jpg"
    sent = browser.post("/portal/erasure/", {"email": "amy@example.org", "jurisdiction": "IT", "selfie": selfie})
    assert sent.status_code == 200, sent.content
    request = ErasureRequest.objects.get()
    request = wait_for(
        lambda: ErasureRequest.objects.get(), lambda r: r.lookup_status in ("done", "failed"), timeout=120
    )
    assert request.lookup_status == "done" and request.selfie is None  # the selfie is gone when the lookup ends
    request = wait_for(lambda: ErasureRequest.objects.get(), lambda r: r.candidates)
    assert [str(c) for c in request.candidates] == [str(person.pk)]
    # What the officer judges the candidate by: its distance (within the lookup's threshold) and modelled FPIR.
    score = request.candidate_scores[str(person.pk)]
    assert 0 <= score["distance"] <= settings.ERASURE_LOOKUP_THRESHOLD and 0 <= score["fpir_at_score"] <= 1
    assert FaceTemplate.objects.filter(subject=person).count() == 2  # nothing before the requester confirms

    path = re.search(r"/portal/erasure/confirm/\S+/", str(mail.outbox[-1].body)).group(0)
    status_page = browser.post(path, follow=True).content.decode()
    # A likeness is not an identity: an officer decides, and the requester learns nothing of what was found.
    assert ErasureRequest.objects.get().status == "awaiting_officer"
    assert "selfie-what-happens" in status_page and "match" not in status_page.lower()
    assert "subjects-erased" not in status_page
    assert FaceTemplate.objects.filter(subject=person).count() == 2
    erasure_requests.erasure_request_officer_confirm(erasure_request=request, actor=ACTOR)
    request = wait_for(lambda: ErasureRequest.objects.get(), lambda r: r.status == "done")
    assert request.subjects_erased == 1 and not FaceTemplate.objects.filter(subject=person).exists()
    assert FaceTemplate.objects.filter(subject=other).count() == 1
    assert ErasureRequest.objects.get().selfie is None
