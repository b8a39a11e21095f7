"""Officer pages of access requests: the paged list beside erasure requests, a request with its clock, recording
one received by letter, confirming the identity and extending the deadline."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from compliance.models import AccessRequest, AccessStatus
from core.models import AuditEvent

from .conftest import make_subject

pytestmark = pytest.mark.django_db


def _request(*, status=AccessStatus.AWAITING_OFFICER, received_days_ago=2, due_in_days=28, **fields):
    now = timezone.now()
    return AccessRequest.objects.create(
        jurisdiction_id=fields.pop("jurisdiction", "FR"),
        email="someone@x.test",
        status=status,
        received_at=now - timedelta(days=received_days_ago),
        due_at=now + timedelta(days=due_in_days),
        **fields,
    )


def test_the_list_is_paged_and_marks_overdue_requests(officer_client):
    late = _request(due_in_days=-1)
    for _ in range(50):
        _request(received_days_ago=1)
    first = officer_client.get("/officer/access-requests/")
    html = first.content.decode()
    assert first.status_code == 200 and "page 1 of 2" in html and 'id="next-page"' in html
    assert str(late.pk)[:8] not in html  # the oldest receipt is on the second page
    second = officer_client.get("/officer/access-requests/?page=2").content.decode()
    assert str(late.pk)[:8] in second and 'class="overdue"' in second and "overdue by" in second
    assert "Access requests" in officer_client.get("/officer/").content.decode()


def test_anonymous_users_go_to_the_login(client):
    response = client.get("/officer/access-requests/")
    assert response.status_code == 302 and "/officer/login/" in response["Location"]


def test_record_a_letter_then_confirm_and_extend(officer_client, tenant):
    make_subject(tenant, "c-9", jurisdiction="FR")
    received = datetime.now(UTC) - timedelta(days=3)
    response = officer_client.post(
        "/officer/access-requests/new/",
        {
            "email": "me@example.org",
            "jurisdiction": "fr",
            "tenant": "acme",
            "external_ref": "c-9",
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    request = AccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/officer/access-requests/{request.pk}/"
    assert request.source == "officer" and request.received_at == received.replace(second=0, microsecond=0)
    page = f"/officer/access-requests/{request.pk}/"
    html = officer_client.get(page).content.decode()
    assert request.due_at.strftime("%Y-%m-%d %H:%M") in html and "Extend deadline" in html
    assert "Identity checked" not in html  # the requester has not confirmed the address yet

    AccessRequest.objects.filter(pk=request.pk).update(status=AccessStatus.AWAITING_OFFICER)
    response = officer_client.post(f"{page}extend/", {"reason": "Archived records"}, follow=True)
    assert "Deadline extended" in response.content.decode() and "Archived records" in response.content.decode()
    response = officer_client.post(f"{page}extend/", {"reason": "again"}, follow=True)
    assert "extension_limit_reached" in response.content.decode()
    response = officer_client.post(f"{page}confirm/", follow=True)
    assert "Identity confirmed" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AccessStatus.DONE and len(request.subjects) == 1
    assert AuditEvent.objects.filter(object_id=str(request.pk), action="access_request.officer_confirm").exists()


def test_a_missing_request_is_a_404(officer_client):
    assert officer_client.get("/officer/access-requests/00000000-0000-0000-0000-000000000000/").status_code == 404
