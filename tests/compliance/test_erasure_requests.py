"""Erasure requests: validation, signed links, officer confirmation, lookup outcomes."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from compliance.services import erasure_lookup, erasure_requests
from compliance.services.erasure_requests import CONFIRM_LINK, STATUS_LINK
from compliance.services.subject_requests import request_from_token
from core.audit import Actor
from core.errors import InvalidLink, LinkExpired
from core.models import AuditEvent
from matching.models import JobStatus
from tests import factories

ACTOR = Actor.system("test")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, code",
    [
        ({"email": "a@x.test", "jurisdiction": "GB"}, "subject_or_selfie_required"),
        ({"email": "a@x.test", "jurisdiction": "GB", "tenant": "acme"}, "subject_or_selfie_required"),
        ({"email": "a@x.test", "jurisdiction": "XX", "tenant": "acme", "external_ref": "1"}, "unknown_jurisdiction"),
        ({"email": "a@x.test", "jurisdiction": "GB", "tenant": "nope", "external_ref": "1"}, "unknown_tenant"),
        ({"email": "not-an-email", "jurisdiction": "GB", "tenant": "acme", "external_ref": "1"}, "validation_error"),
    ],
)
def test_api_request_refusals(api, tenant, data, code):
    response = api.post("/api/v1/erasure-requests", data, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert not ErasureRequest.objects.exists()


@pytest.mark.django_db
def test_a_selfie_that_is_not_an_image_is_refused_with_the_matching_code(api, tenant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api.post(
        "/api/v1/erasure-requests",
        {
            "email": "a@x.test",
            "jurisdiction": "GB",
            "selfie": SimpleUploadedFile("me.jpg", b"definitely not a jpeg", content_type="image/jpeg"),
        },
        format="multipart",
    )
    assert 400 <= response.status_code < 500 and response.json()["error"]["code"] in (
        "invalid_image",
        "unsupported_media_type",
    )
    assert not ErasureRequest.objects.exists()


@pytest.mark.django_db
def test_api_request_is_created_with_its_due_date_and_the_email_stays_out_of_the_audit(
    api, tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/erasure-requests",
            {"email": "secret@x.test", "jurisdiction": "US-CA", "tenant": "acme", "external_ref": "c-1"},
            format="json",
        )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "awaiting_verification" and body["source"] == "api"
    request = ErasureRequest.objects.get(pk=body["id"])
    assert request.due_at - request.received_at == timedelta(days=45)
    assert "/portal/erasure/confirm/" in mail.outbox[0].body and mail.outbox[0].to == ["secret@x.test"]
    assert not AuditEvent.objects.filter(details__icontains="secret@x.test").exists()
    assert "secret@x.test" not in str(list(AuditEvent.objects.values_list("details", flat=True)))


@pytest.mark.django_db
def test_links_expire_and_are_bound_to_their_kind(tenant, settings):
    request = erasure_requests.erasure_request_create(
        email="a@x.test", jurisdiction="GB", tenant="acme", external_ref="r", source="portal", actor=ACTOR
    )
    token = CONFIRM_LINK.url(request.pk).rstrip("/").rsplit("/", 1)[1]
    assert request_from_token(ErasureRequest, token=token, link=CONFIRM_LINK).pk == request.pk
    with pytest.raises(InvalidLink):
        request_from_token(ErasureRequest, token=token, link=STATUS_LINK)  # a confirm link is no status link
    with time_machine.travel(timezone.now() + timedelta(days=settings.PORTAL_LINK_MAX_AGE_DAYS, hours=1)):
        with pytest.raises(LinkExpired):
            request_from_token(ErasureRequest, token=token, link=CONFIRM_LINK)


@pytest.mark.django_db
def test_expired_link_page_says_so(client, tenant, settings):
    request = erasure_requests.erasure_request_create(
        email="a@x.test", jurisdiction="GB", tenant="acme", external_ref="r", source="portal", actor=ACTOR
    )
    link = CONFIRM_LINK.url(request.pk)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    with time_machine.travel(timezone.now() + timedelta(days=settings.PORTAL_LINK_MAX_AGE_DAYS + 1)):
        response = client.post(path)
    assert response.status_code == 410 and b"expired" in response.content
    request.refresh_from_db()
    assert request.verified_at is None


@pytest.mark.django_db
def test_portal_form_errors_are_shown_not_500(client, tenant):
    response = client.post("/portal/erasure/", {"email": "a@x.test", "jurisdiction": "GB"})
    assert response.status_code == 400 and b"Give either the tenant" in response.content
    response = client.post(
        "/portal/erasure/", {"email": "a@x.test", "jurisdiction": "GB", "tenant": "who", "external_ref": "1"}
    )
    # An unknown organisation code is not an error the portal shows: it would list who uses Facegate.
    assert response.status_code == 200 and b"Unknown tenant" not in response.content


@pytest.mark.django_db
def test_officer_confirmation_when_the_setting_asks(api, tenant, notice, settings, django_capture_on_commit_callbacks):
    settings.ERASURE_REQUIRES_OFFICER_CONFIRMATION = True
    person = factories.consented_subject(tenant, notice)
    assert person.external_ref is not None
    request = erasure_requests.erasure_request_create(
        email=person.email,
        jurisdiction="GB",
        tenant="acme",
        external_ref=person.external_ref,
        source="portal",
        actor=ACTOR,
    )
    with django_capture_on_commit_callbacks() as callbacks:
        request = erasure_requests.erasure_request_verify(erasure_request=request, actor=ACTOR)
    assert request.status == ErasureStatus.AWAITING_OFFICER
    assert len(callbacks) == 1  # the status-link mail only; no erasure queued
    assert erasure_requests.erasure_request_erase_run(request_id=request.pk).status == ErasureStatus.AWAITING_OFFICER

    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(f"/api/v1/erasure-requests/{request.pk}/confirm")
    assert response.status_code == 200 and response.json()["status"] == "running" and len(callbacks) == 1
    again = api.post(f"/api/v1/erasure-requests/{request.pk}/confirm")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_awaiting_officer"
    request = erasure_requests.erasure_request_erase_run(request_id=request.pk)
    assert request.status == ErasureStatus.DONE and request.subjects_erased == 1


@pytest.mark.django_db
@pytest.mark.parametrize("verified_before_lookup_ends", [True, False])
def test_a_failed_lookup_goes_to_an_officer_instead_of_ending_with_nothing_erased(
    tenant, notice, django_capture_on_commit_callbacks, verified_before_lookup_ends
):
    person = factories.consented_subject(tenant, notice)
    # Bytes that are no image: the lookup fails (invalid_image) without finding anybody.
    request = ErasureRequest.objects.create(
        email="a@x.test",
        jurisdiction_id="GB",
        selfie=b"\xff\xd8 selfie",
        lookup_status=JobStatus.QUEUED,
        received_at=timezone.now(),
        due_at=timezone.now() + timedelta(days=30),
    )
    if verified_before_lookup_ends:
        erasure_requests.erasure_request_verify(erasure_request=request, actor=ACTOR)
    with django_capture_on_commit_callbacks() as callbacks:
        ran = erasure_lookup.erasure_lookup_run(request_id=request.pk)
        assert ran is not None
        request = ran
        if not verified_before_lookup_ends:
            request = erasure_requests.erasure_request_verify(erasure_request=request, actor=ACTOR)
    assert request.candidates == [] and request.lookup_status == JobStatus.FAILED
    assert request.status == ErasureStatus.AWAITING_OFFICER
    request.refresh_from_db()
    assert request.selfie is None  # the photo is gone whatever the outcome
    # Nothing is queued until an officer decides: the only callback is the requester's status mail from verify.
    assert len(callbacks) == (0 if verified_before_lookup_ends else 1)
    # The officer decides (e.g. after asking for another photo); the request then ends, and says what it erased.
    erasure_requests.erasure_request_officer_confirm(erasure_request=request, actor=ACTOR)
    request = erasure_requests.erasure_request_erase_run(request_id=request.pk)
    assert request.status == ErasureStatus.DONE and request.subjects_erased == 0
    assert request.certificate.subjects == [] and person.templates.count() == 2


@pytest.mark.django_db
def test_a_lookup_of_an_unknown_request_is_ignored():
    assert erasure_lookup.erasure_lookup_run(request_id=uuid.uuid4()) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email, status",
    [
        ("someone.else@x.test", ErasureStatus.AWAITING_OFFICER),  # knowing a reference is not an identity
        ("OWNER@x.test ", ErasureStatus.RUNNING),
    ],
)
def test_a_reference_request_needs_the_subjects_own_email_or_an_officer(tenant, notice, email, status):
    person = factories.subject(tenant, email="owner@x.test")
    assert person.external_ref is not None
    request = erasure_requests.erasure_request_create(
        email=email, jurisdiction="GB", tenant="acme", external_ref=person.external_ref, source="portal", actor=ACTOR
    )
    assert erasure_requests.erasure_request_verify(erasure_request=request, actor=ACTOR).status == status


@pytest.mark.django_db
def test_a_reference_naming_nobody_waits_for_an_officer_and_erases_nothing(tenant):
    # Like a reference held under another address: the requester cannot tell the two apart (no existence oracle).
    request = erasure_requests.erasure_request_create(
        email="a@x.test", jurisdiction="GB", tenant="acme", external_ref="unknown", source="portal", actor=ACTOR
    )
    request = erasure_requests.erasure_request_verify(erasure_request=request, actor=ACTOR)
    assert request.status == ErasureStatus.AWAITING_OFFICER and request.subjects_erased == 0
