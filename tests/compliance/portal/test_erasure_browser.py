"""A data subject asks, in a real Chromium, to have their face erased everywhere by a selfie."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from compliance.models import ErasureRequest
from compliance.services import erasure_requests
from consent.models import Subject
from core.audit import Actor
from matching import face
from matching.images import decode_image
from matching.models import FaceTemplate
from tests import factories
from tests.helpers import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _enrol_photo(subject: Subject, photo) -> None:
    """A template from a real photo, made the way enrolment makes it."""
    embedding = face.faces_in(decode_image(photo.read_bytes()))[0].embedding
    FaceTemplate.objects.create(
        tenant_id=subject.tenant_id,
        subject=subject,
        model_name=face.MODEL_NAME,
        detector=face.DETECTOR_NAME,
        embedding=embedding,
        source_sha256="3" * 64,
    )


def test_selfie_erasure_through_the_portal(celery_worker, browser_page, faces_dir):
    page, base = browser_page
    photos = sorted((faces_dir / "people" / "df-02").iterdir())
    acme, other = factories.tenant("acme"), factories.tenant("other")
    person = factories.subject(acme, "GB")
    same_person_elsewhere = factories.subject(other, "US-CA")
    bystander = factories.subject(acme, "GB")
    _enrol_photo(person, photos[0])
    _enrol_photo(same_person_elsewhere, photos[1])
    _enrol_photo(bystander, sorted((faces_dir / "people" / "df-05").iterdir())[0])

    page.goto(f"{base}/portal/erasure/")
    page.fill("#id_email", "me@example.org")
    page.select_option("#id_jurisdiction", "GB")
    page.set_input_files("#id_selfie", str(photos[2]))
    page.click("button[type=submit]")
    page.wait_for_selector("text=Check your email")

    request = wait_for(
        lambda: ErasureRequest.objects.first(), lambda r: r is not None and r.lookup_status == "done", timeout=90
    )
    link = re.search(r"http://\S+/portal/erasure/confirm/\S+/", str(mail.outbox[-1].body)).group(0)
    page.goto(base + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.click("text=Yes, erase my face data")
    # A likeness is not an identity: an officer decides, and the page says what will happen, not what was found.
    page.wait_for_selector("#selfie-what-happens")
    assert ErasureRequest.objects.get(pk=request.pk).status == "awaiting_officer"
    assert "match" not in page.content().lower()
    erasure_requests.erasure_request_officer_confirm(erasure_request=request, actor=Actor.system("test"))
    wait_for(lambda: ErasureRequest.objects.get(pk=request.pk).status, lambda s: s == "done", timeout=90)
    page.reload()
    page.wait_for_selector("text=Done")
    page.screenshot(path="/tmp/portal-erasure-done.png", full_page=True)

    assert Subject.objects.get(pk=person.pk).erased_at and Subject.objects.get(pk=same_person_elsewhere.pk).erased_at
    assert Subject.objects.get(pk=bystander.pk).erased_at is None
    assert not FaceTemplate.objects.filter(subject__in=[person, same_person_elsewhere]).exists()
    assert FaceTemplate.objects.filter(subject=bystander).count() == 1
    assert ErasureRequest.objects.get(pk=request.pk).selfie is None  # the selfie is gone
