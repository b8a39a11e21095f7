"""Each tenant named by a selfie request is told and may object within the window, with a reason the officer
sees; nobody else can object, and nothing is learnt by trying."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import ErasureRequest, ErasureStatus, WebhookDelivery
from compliance.services import erasure_requests, webhooks
from consent.models import Purpose
from consent.services import api_key_create
from core.audit import Actor
from matching.models import JobStatus
from tests import factories

ACTOR = Actor.system("test")
pytestmark = pytest.mark.django_db


def _client(tenant) -> APIClient:
    _, raw = api_key_create(tenant=tenant, purposes=[Purpose.FRAUD_PREVENTION], actor=ACTOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_named_tenants_are_told_and_may_object_within_the_window(officer, tenant, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    other = factories.tenant("globex")
    mine, theirs, unnamed = factories.subject(tenant), factories.subject(other), factories.subject(tenant)
    for t in (tenant, other):
        webhooks.webhook_endpoint_create(
            tenant=t, url="http://127.0.0.1:9/hooks", events=["erasure_request.pending_objection"], actor=ACTOR
        )
    request = ErasureRequest.objects.create(
        email="a@x.test",
        jurisdiction_id="FR",
        lookup_status=JobStatus.DONE,
        candidates=[mine.pk, theirs.pk],
        received_at=timezone.now(),
        due_at=timezone.now() + timedelta(days=30),
    )
    request = erasure_requests.erasure_request_verify(erasure_request=request, actor=ACTOR)
    assert request.status == ErasureStatus.AWAITING_OFFICER
    told = {
        d.endpoint.tenant.slug: json.loads(d.body)["data"]["subjects"]
        for d in WebhookDelivery.objects.select_related("endpoint__tenant")
    }
    assert told == {"acme": [str(mine.pk)], "globex": [str(theirs.pk)]}  # each only its own subjects

    acme, globex = _client(tenant), _client(other)
    url = f"/api/v1/erasure-requests/{request.pk}/objections"
    assert globex.post(url, {"subject": str(mine.pk), "reason": "x"}, format="json").status_code == 404
    assert acme.post(url, {"subject": str(unnamed.pk), "reason": "x"}, format="json").status_code == 404
    empty = acme.post(url, {"subject": str(mine.pk), "reason": " "}, format="json")
    assert empty.status_code == 400
    objected = acme.post(url, {"subject": str(mine.pk), "reason": "Open fraud case 7781"}, format="json")
    assert objected.status_code == 201
    browser = Client()
    browser.force_login(officer[0])
    page = browser.get(f"/officer/erasure-requests/{request.pk}/").content.decode()
    assert 'id="objections"' in page and "Open fraud case 7781" in page and "acme" in page
    assert request.objection_until is not None
    with time_machine.travel(request.objection_until + timedelta(minutes=1)):
        late = globex.post(url, {"subject": str(theirs.pk), "reason": "too late"}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "objection_window_closed"
