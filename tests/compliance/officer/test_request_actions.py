"""Officer page actions on a request's clock and refusals: each calls its service, and a refusal is shown."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from core.models import AuditEvent

from .conftest import make_subject, post_confirmed

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _request(tenant, *, jurisdiction="GB", ref="c-7"):
    subject = make_subject(tenant, ref)
    now = timezone.now()
    return ErasureRequest.objects.create(
        jurisdiction_id=jurisdiction,
        tenant=tenant,
        external_ref=ref,
        email="someone@x.test",
        subject=subject,
        status=ErasureStatus.AWAITING_OFFICER,
        received_at=now - timedelta(days=2),
        verified_at=now,
        due_at=now + timedelta(days=28),
    )


def test_officer_stops_and_restarts_a_uk_clock_then_refuses_with_a_basis(officer_client, tenant):
    request = _request(tenant)
    page = f"/officer/erasure-requests/{request.pk}/"
    html = officer_client.get(page).content.decode()
    assert "Stop the clock" in html and "Extend deadline" in html and "Refuse" in html
    paused = officer_client.post(f"{page}pause/", {"reason": "passport copy asked for"}, follow=True)
    assert "Clock stopped" in " ".join(_messages(paused)) and 'id="clock-paused"' in paused.content.decode()
    resumed = officer_client.post(f"{page}resume/", follow=True)
    assert "Clock restarted" in " ".join(_messages(resumed))
    request.refresh_from_db()
    assert request.paused_at is None and [c["event"] for c in request.clock] == ["paused", "resumed"]
    refused = post_confirmed(officer_client, f"{page}refuse/", {"basis": "GDPR Art. 17(3)(e)"}, follow=True)
    assert "Refusal recorded" in " ".join(_messages(refused)) and "17(3)(e)" in refused.content.decode()
    request.refresh_from_db()
    assert request.status == ErasureStatus.REFUSED
    assert AuditEvent.objects.filter(object_id=str(request.pk), action="erasure_request.refuse").exists()


def test_a_refused_action_is_shown_not_raised(officer_client, tenant):
    request = _request(tenant, jurisdiction="US-CA")
    page = f"/officer/erasure-requests/{request.pk}/"
    assert "Stop the clock" not in officer_client.get(page).content.decode()  # the CCPA clock never stops
    response = officer_client.post(f"{page}pause/", {"reason": "ID"}, follow=True)
    assert response.status_code == 200 and "pause_not_allowed" in " ".join(_messages(response))
    empty = officer_client.post(f"{page}extend/", {"reason": " "}, follow=True)
    assert "reason_required" in " ".join(_messages(empty))


def test_a_received_request_cannot_be_dated_in_the_future(officer_client, tenant):
    future = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = officer_client.post(
        "/officer/erasure-requests/new/",
        {"email": "w@x.test", "jurisdiction": "GB", "tenant": "acme", "external_ref": "x", "received_at": future},
    )
    assert response.status_code == 200 and "received_in_future" in response.content.decode()
    assert not ErasureRequest.objects.exists()
