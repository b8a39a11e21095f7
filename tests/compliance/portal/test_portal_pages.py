"""The portal's pages as a data subject meets them: a home that links everything, jurisdictions by name, a request
that a hold blocks entirely says so and gets no certificate, and the access report as a page to read."""

from __future__ import annotations

import re

import pytest

from compliance.models import AccessRequest, AccessStatus, ErasureRequest, ErasureStatus
from compliance.services import access_requests, erasure_requests, holds
from compliance.services.access_requests import REPORT_LINK
from compliance.services.erasure_requests import STATUS_LINK
from core.audit import Actor
from core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_the_portal_home_links_consents_erasure_and_access(client):
    home = client.get("/portal/")
    assert home.status_code == 200
    page = home.content.decode()
    assert 'href="/portal/erasure/"' in page and 'href="/portal/access/"' in page and "consent" in page
    assert 'href="/portal/"' in client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/portal/erasure/", "/portal/access/"])
def test_jurisdictions_are_offered_by_name(client, path):
    page = client.get(path).content.decode()
    assert '<option value="US-IL">Illinois</option>' in page
    assert '<option value="ZZ">Rest of the world</option>' in page


def test_a_request_a_hold_blocks_entirely_says_so_and_gets_no_certificate(client):
    acme = factories.tenant("acme")
    person = factories.subject(acme, "GB", email="owner@x.test")
    factories.consent(person, factories.notice(acme))
    factories.template(person, enrolled=True)
    holds.legal_hold_create(scope={"subjects": [str(person.pk)]}, reason="litigation", expires_at=None, actor=ACTOR)
    request = erasure_requests.erasure_request_create(
        email="owner@x.test",
        jurisdiction="GB",
        tenant="acme",
        external_ref=person.external_ref or "",
        source="portal",
        actor=ACTOR,
    )
    erasure_requests.erasure_request_verify(erasure_request=request, actor=ACTOR)
    erasure_requests.erasure_request_erase_run(request_id=request.pk)

    request = ErasureRequest.objects.get(pk=request.pk)
    assert request.status == ErasureStatus.BLOCKED_BY_HOLD and request.subjects_erased == 0
    assert request.certificate is None
    page = client.get(_path(STATUS_LINK.url(request.pk))).content.decode()
    assert "nothing has been erased yet" in page and "Deletion certificate" not in page


def test_the_access_report_reads_as_a_page_with_the_json_beside_it(client):
    acme = factories.tenant("acme")
    notice = factories.notice(acme)
    person = factories.subject(acme, "GB", email="me@example.org", ref="r-77")
    factories.consent(person, notice)
    request = access_requests.access_request_create(
        email="me@example.org", jurisdiction="GB", tenant="", external_ref="", source="portal", actor=ACTOR
    )
    access_requests.access_request_verify(access_request=request, actor=ACTOR)
    assert AccessRequest.objects.get(pk=request.pk).status == AccessStatus.DONE

    report = _path(REPORT_LINK.url(request.pk))
    response = client.get(report + "page/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "What is held about you" in page and acme.name in page and "r-77" in page and notice.text in page
    # The JSON, the same report, one click away (a link signed afresh: its token carries the time).
    assert re.search(r'id="download-report" href="/portal/access/report/[^"/]+/" download', page)
    (event,) = AuditEvent.objects.filter(action="access_request.report_download")
    assert event.details["shown_as"] == "page"
    assert client.get(report.replace("report/", "report/x") + "page/").status_code == 400
