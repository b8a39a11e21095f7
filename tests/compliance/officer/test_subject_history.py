"""A data subject's whole history on one page, through the real views: consents, templates (counts, never
vectors), matches and verifications, orders and holds reaching them, requests and certificates, in time order and
linked; its export (JSON, CSV) audited as a read; reached from the pages that name the subject."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AccessRequest, AccessStatus, ErasureRequest, ErasureStatus
from core.models import AuditEvent
from matching.models import JobStatus, Verification
from policy.models import LegalHold
from tests import factories

from .conftest import make_certificate, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(tenant):
    """A subject with one of everything, each a day apart, oldest first; returns (subject, rows by kind)."""
    start = timezone.now() - timedelta(days=30)
    subject = factories.subject(tenant, ref="cust-7")
    consent = factories.consent(subject, granted_at=start, withdrawn_at=start + timedelta(days=9))
    template = factories.template(subject, enrolled=True)
    job = factories.match_job_naming([subject], tenant)
    Verification.objects.create(
        tenant=tenant, subject=subject, status=JobStatus.DONE, model_name="Dlib", threshold=0.07, match=True
    )
    order = make_order(reference="ENF-9", deadline_in=timedelta(days=5))  # its scope: every GB subject
    hold = LegalHold.objects.create(scope_subjects=[subject.pk], reason="Doe v. Acme", created_by="o")
    now = timezone.now()
    erasure = ErasureRequest.objects.create(
        jurisdiction_id="GB",
        tenant=tenant,
        external_ref="cust-7",
        subject=subject,
        status=ErasureStatus.AWAITING_OFFICER,
        received_at=now - timedelta(days=2),
        due_at=now + timedelta(days=28),
    )
    access = AccessRequest.objects.create(
        jurisdiction_id="GB",
        tenant=tenant,
        external_ref="cust-7",
        subjects=[subject.pk],
        status=AccessStatus.DONE,
        received_at=now - timedelta(days=3),
        due_at=now + timedelta(days=27),
    )
    certificate = make_certificate(subjects=[str(subject.pk)])
    rows = {
        "consent": consent,
        "template": template,
        "job": job,
        "order": order,
        "hold": hold,
        "erasure": erasure,
        "access": access,
        "certificate": certificate,
    }
    return subject, rows


def test_the_page_shows_everything_about_the_subject_in_time_order_with_links(officer_client, history):
    subject, rows = history
    other = factories.subject(subject.tenant)
    factories.consent(other)

    html = officer_client.get(f"/officer/subjects/{subject.pk}/").content.decode()

    for text in [
        "Consent granted",
        "Consent withdrawn",
        "1 enrolment(s)",
        "1 face template(s) held now",
        "Named by a 1:N match",
        "1:1 verification: match",
        "ENF-9",
        "Legal hold placed: Doe v. Acme",
        "Erasure request",
        "Access request",
        "Deletion certificate",
    ]:
        assert text in html, text
    for link in [
        f"/officer/orders/{rows['order'].pk}/",
        f"/officer/erasure-requests/{rows['erasure'].pk}/",
        f"/officer/access-requests/{rows['access'].pk}/",
        f"/officer/certificates/{rows['certificate'].pk}/",
    ]:
        assert link in html, link
    assert str(rows["template"].embedding[0])[:8] not in html  # never a vector
    assert html.index("Consent granted") < html.index("Consent withdrawn") < html.index("Deletion certificate")
    assert str(other.pk) not in html


def test_the_json_export_has_the_same_entries_and_is_audited_as_a_read(officer_client, officer, history):
    subject, rows = history
    page_entries = officer_client.get(f"/officer/subjects/{subject.pk}/").context["entries"]

    response = officer_client.get(f"/officer/subjects/{subject.pk}/history.json")

    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["subject"] == str(subject.pk)
    assert [e["summary"] for e in document["entries"]] == [e.summary for e in page_entries]
    assert [e["at"] for e in document["entries"]] == sorted(e["at"] for e in document["entries"])
    event = AuditEvent.objects.get(action="subject.history_export")
    assert event.object_id == str(subject.pk) and event.actor == f"user:{officer.username}"
    assert event.details["format"] == "json" and event.details["entries"] == len(page_entries)


def test_the_csv_export_has_one_row_per_entry(officer_client, history):
    subject, _ = history
    response = officer_client.get(f"/officer/subjects/{subject.pk}/history.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    assert response["Content-Type"].startswith("text/csv") and {r["kind"] for r in rows} >= {"consent", "order"}
    assert AuditEvent.objects.filter(action="subject.history_export", details__format="csv").count() == 1


def test_viewing_is_not_audited_but_an_unknown_subject_or_format_is_a_404(officer_client, history):
    subject, _ = history
    officer_client.get(f"/officer/subjects/{subject.pk}/")
    assert not AuditEvent.objects.filter(action="subject.history_export").exists()
    assert officer_client.get("/officer/subjects/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert officer_client.get(f"/officer/subjects/{subject.pk}/history.xml").status_code == 404


def test_pages_naming_the_subject_link_to_its_history(officer_client, history):
    subject, rows = history
    link = f"/officer/subjects/{subject.pk}/"
    assert link in officer_client.get(f"/officer/access-requests/{rows['access'].pk}/").content.decode()
    assert link in officer_client.get(f"/officer/erasure-requests/{rows['erasure'].pk}/").content.decode()
    assert link in officer_client.get(f"/officer/certificates/{rows['certificate'].pk}/").content.decode()
    assert link in officer_client.get("/officer/search/", {"q": "cust-7"}).content.decode()


def test_an_erased_subject_still_has_its_history(officer_client, history):
    subject, _ = history
    subject.erased_at, subject.erasure_cause, subject.external_ref, subject.email = timezone.now(), "order", None, ""
    subject.save()

    html = officer_client.get(f"/officer/subjects/{subject.pk}/").content.decode()

    assert "Erased (order)" in html and "Deletion certificate" in html


def test_subject_pages_are_for_officers_only(client, history):
    subject, _ = history
    assert client.get(f"/officer/subjects/{subject.pk}/history.json").status_code == 302
    assert not AuditEvent.objects.filter(action="subject.history_export").exists()
