"""A data subject asks, in a real Chromium, what Facegate holds about them, and downloads the report."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail

from compliance.models import AccessRequest
from consent.models import Subject
from matching import face
from matching.images import decode_image
from matching.models import FaceTemplate
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _enrol_photo(subject: Subject, photo) -> list[float]:
    """A template from a real photo, made the way enrolment makes it; returns its embedding."""
    embedding = face.faces_in(decode_image(photo.read_bytes()))[0].embedding
    FaceTemplate.objects.create(
        tenant_id=subject.tenant_id,
        subject=subject,
        model_name=face.MODEL_NAME,
        detector=face.DETECTOR_NAME,
        embedding=embedding,
        source_sha256="3" * 64,
    )
    return list(embedding)


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_access_request_through_the_portal(browser_page, faces_dir, tmp_path):
    page, base = browser_page
    acme, other = factories.tenant("acme"), factories.tenant("other")
    person = factories.subject(acme, "GB", email="me@example.org")
    elsewhere = factories.subject(other, "FR", email="me@example.org")
    bystander = factories.subject(acme, "GB", email="you@example.org")
    notice = factories.notice(acme)
    factories.consent(person, notice)
    factories.consent(bystander, notice)
    embedding = _enrol_photo(person, sorted((faces_dir / "people" / "df-02").iterdir())[0])
    factories.match_job_naming([person, bystander], t=acme)

    page.goto(f"{base}/portal/access/")
    page.fill("#id_email", "me@example.org")
    page.select_option("#id_jurisdiction", "GB")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Check your email")
    # Until the address is confirmed nothing is looked up, and no page names an organisation.
    assert "acme" not in page.content() and AccessRequest.objects.get().subjects == []

    link = re.search(r"http://\S+/portal/access/confirm/\S+/", str(mail.outbox[-1].body)).group(0)
    page.goto(base + _path(link))
    assert "acme" not in page.content()
    page.click("text=Yes, show me what is held about me")
    page.wait_for_selector("#download-report")
    assert "/portal/access/report/" in mail.outbox[-1].body
    with page.expect_download() as download:
        page.click("#download-report")
    saved = tmp_path / "report.json"
    download.value.save_as(saved)
    page.screenshot(path="/tmp/portal-access-done.png", full_page=True)

    text = saved.read_text()
    report = json.loads(text)
    by_org = {o["organisation"]["code"]: o["subjects"] for o in report["organisations"]}
    assert [s["subject"]["id"] for s in by_org["acme"]] == [str(person.pk)]
    assert [s["subject"]["id"] for s in by_org["other"]] == [str(elsewhere.pk)]
    mine = by_org["acme"][0]
    assert mine["consents"][0]["notice"]["text"] == notice.text
    assert mine["face_templates"]["count"] == 1
    assert mine["face_templates"]["templates"][0]["model_name"] == face.MODEL_NAME
    assert [m["organisation"] for m in mine["matches"]] == ["acme"]
    assert str(bystander.pk) not in text and bystander.email not in text and bystander.external_ref not in text
    # No vector: neither the column nor any of its numbers as JSON would print them.
    assert "embedding" not in text and not any(json.dumps(float(x)) in text for x in embedding[:8])

    # The same report as a page to read, from the status page.
    page.go_back() if "/report/" in page.url else None
    page.click("#read-report")
    page.wait_for_selector("text=What is held about you")
    shown = page.content()
    assert notice.text in shown and acme.name in shown and other.name in shown
    assert bystander.email not in shown and str(bystander.pk) not in shown and "embedding" not in shown
    page.screenshot(path="/tmp/portal-access-report-page.png", full_page=True)
