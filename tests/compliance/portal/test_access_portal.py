"""The access portal's pages without a browser: what they reveal before confirmation, link errors, the mail
budget shared with erasure requests."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from compliance.models import AccessRequest, AccessStatus
from compliance.services.access_requests import CONFIRM_LINK, REPORT_LINK, STATUS_LINK
from tests import factories

pytestmark = pytest.mark.django_db


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _ask(client, email="me@example.org", **fields):
    return client.post("/portal/access/", {"email": email, "jurisdiction": "GB", **fields})


def test_asking_reveals_nothing_and_a_get_of_the_link_confirms_nothing(client, django_capture_on_commit_callbacks):
    acme = factories.tenant("acme")
    factories.subject(acme, "GB", email="me@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client)
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert "acme" not in response.content.decode()
    link = re.search(r"http://\S+/portal/access/confirm/\S+/", str(mail.outbox[-1].body)).group(0)
    page = client.get(_path(link)).content.decode()
    assert "Yes, show me what is held about me" in page and "acme" not in page
    request = AccessRequest.objects.get()
    assert request.verified_at is None and request.subjects == []
    status = client.get(_path(STATUS_LINK.url(request.pk))).content.decode()
    assert "download-report" not in status and "acme" not in status


def test_bad_and_premature_links_are_pages_not_errors(client):
    acme = factories.tenant("acme")
    factories.subject(acme, "GB", email="holder@acme.test", ref="r-1")
    _ask(client, tenant="acme", external_ref="r-1")
    request = AccessRequest.objects.get()
    assert client.get("/portal/access/report/not-a-token/").status_code == 400
    # A confirm token does not open the report, and an unanswered request has no report yet.
    assert client.get(_path(REPORT_LINK.url(request.pk)).replace("report/", "report/x")).status_code == 400
    client.post(_path(CONFIRM_LINK.url(request.pk)))
    assert AccessRequest.objects.get().status == AccessStatus.AWAITING_OFFICER
    response = client.get(_path(REPORT_LINK.url(request.pk)))
    assert response.status_code == 409 and "not ready" in response.content.decode()


def test_invalid_form_and_the_mail_budget_shared_with_erasure(client):
    assert _ask(client, email="not-an-address").status_code == 400
    assert _ask(client, email="other@example.org", tenant="acme").status_code == 400  # a code without a reference
    for _ in range(2):
        assert _ask(client).status_code == 200
    client.post(
        "/portal/erasure/", {"email": "me@example.org", "jurisdiction": "GB", "tenant": "x", "external_ref": "y"}
    )
    response = _ask(client)
    assert response.status_code == 429 and response["Retry-After"]
    assert AccessRequest.objects.count() == 2
