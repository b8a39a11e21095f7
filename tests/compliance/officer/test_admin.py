import uuid

import pytest
from django.contrib.auth import get_user_model

from consent.models import Jurisdiction
from core.audit import Actor, audit_append
from core.models import AuditEvent
from matching.models import Enrollment, FaceTemplate, MatchJob

from .conftest import PASSWORD, make_certificate, make_subject

# A value no page may show: it is the first component of every stored embedding.
MARKER = 0.123456789


@pytest.fixture
def template(tenant):
    subject = make_subject(tenant, "c-admin")
    enrollment = Enrollment.objects.create(
        tenant=tenant, subject=subject, image=b"\xff\xd8JPEGBYTES", image_sha256="a" * 64
    )
    return FaceTemplate.objects.create(
        tenant=tenant,
        subject=subject,
        enrollment=enrollment,
        model_name="Dlib",
        detector="dlib",
        embedding=[MARKER] + [0.0] * 127,
        source_sha256="b" * 64,
    )


@pytest.mark.django_db
def test_officer_reads_every_model_in_admin(officer_client, template):
    index = officer_client.get("/admin/").content.decode()
    for name in (
        "Face templates",
        "Enrollments",
        "Match jobs",
        "Subjects",
        "Consents",
        "Tenants",
        "Api keys",
        "Notices",
        "Regulator orders",
        "Erasure requests",
        "Access requests",
        "Legal holds",
        "Audit events",
        "Deletion certificates",
        "Jurisdictions",
        "Retention rules",
    ):
        assert name in index, name


@pytest.mark.django_db
def test_admin_never_shows_embeddings_or_image_bytes(officer_client, template):
    job = MatchJob.objects.create(
        tenant=template.tenant,
        purpose="fraud_prevention",
        model_name="Dlib",
        threshold=0.1,
        probe=b"PROBEBYTES",
        probe_sha256="c" * 64,
    )
    pages = [
        "/admin/matching/facetemplate/",
        f"/admin/matching/facetemplate/{template.pk}/change/",
        "/admin/matching/enrollment/",
        f"/admin/matching/enrollment/{template.enrollment_id}/change/",
        "/admin/matching/matchjob/",
        f"/admin/matching/matchjob/{job.pk}/change/",
    ]
    for url in pages:
        response = officer_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert str(MARKER)[:8] not in html and "JPEGBYTES" not in html and "PROBEBYTES" not in html, url
        assert "embedding" not in html.lower().replace("embedding_hnsw", ""), url


@pytest.mark.django_db
def test_audit_events_and_certificates_are_read_only(officer_client, tenant):
    event = audit_append(actor=Actor.system("test"), action="test.event", object_type="test", object_id="1")
    certificate = make_certificate(subjects=[uuid.uuid4()])
    for base, pk in (
        ("/admin/core/auditevent/", event.pk),
        ("/admin/compliance/deletioncertificate/", certificate.pk),
    ):
        assert officer_client.get(base).status_code == 200
        change = officer_client.get(f"{base}{pk}/change/").content.decode()
        assert 'name="_save"' not in change and "deletelink" not in change
        assert officer_client.get(f"{base}add/").status_code == 403
        assert officer_client.get(f"{base}{pk}/delete/").status_code == 403
        assert officer_client.post(f"{base}{pk}/change/", {"actor": "mallory"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).actor == "system:test"


@pytest.mark.django_db
def test_jurisdiction_edit_in_admin_is_audited(officer_client):
    url = "/admin/consent/jurisdiction/US-CA/change/"
    form = {
        "name": "California",
        "law": "CCPA/CPRA",
        "citation": "Cal. Civ. Code §1798.105",
        "explicit_consent_required": "on",
        "erasure_deadline_days": "40",
        "erasure_deadline_months": "",
        "time_zone": "America/Los_Angeles",
    }
    response = officer_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Jurisdiction.objects.get(code="US-CA").erasure_deadline_days == 40
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.actor, event.action, event.object_id) == ("user:olivia", "admin.change", "US-CA")
    assert "erasure_deadline_days" in event.details["fields"]


@pytest.mark.django_db
def test_staff_who_is_not_an_officer_sees_no_records(client, template):
    client.force_login(get_user_model().objects.create_user("sam", password=PASSWORD, is_staff=True))
    assert "Face templates" not in client.get("/admin/").content.decode()
    assert client.get("/admin/matching/facetemplate/").status_code == 403
