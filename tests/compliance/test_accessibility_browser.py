"""Every officer and portal page in a real Chromium, with real records behind it: axe-core finds nothing serious or
critical, no page scrolls sideways at 1,280 px or on a 390 px phone, and no officer page prints raw JSON. Every
named officer and portal URL is visited here or listed below as an exception with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AccessRequest, ErasureRequest, ErasureStatus, WebhookDelivery, WebhookEndpoint
from compliance.services import access_requests, erasure_requests
from consent.links import CONSENT_PAGE_LINK
from core.audit import Actor, audit_append
from core.officers import officer_create
from policy.models import OrderStatus, RetentionRule
from tests import factories
from tests.compliance.officer.conftest import PASSWORD, make_certificate, make_hold, make_order, make_subject

from .accessibility import PageAudit, officer_page_names, portal_page_names

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("test")

# Named URLs that are no page to look at: each answers a download or acts and redirects to a page visited here.
OFFICER_EXCEPTIONS = {
    "officer:logout": "signs out and redirects to the login page",
    "officer:order-evidence": "a ZIP download",
    "officer:certificate-json": "a JSON download",
    "officer:order-exception": "records an exception and redirects to the order",
    "officer:erasure-request-extend": "acts and redirects to the request",
    "officer:erasure-request-pause": "acts and redirects to the request",
    "officer:erasure-request-resume": "acts and redirects to the request",
    "officer:access-request-confirm": "acts and redirects to the request",
    "officer:access-request-extend": "acts and redirects to the request",
    "officer:retention-rule-deactivate": "acts and redirects to the retention rules",
    "officer:audit-verify": "recomputes the check and redirects back",
    "officer:subject-history-export": "a JSON or CSV download",
}
PORTAL_EXCEPTIONS = {
    "consent-portal:consent-receipt": "a receipt download (JSON or JWT)",
    "portal-access-report": "the JSON download of the report (its page is visited)",
}


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_every_exception_names_a_url_of_the_conf():
    assert set(OFFICER_EXCEPTIONS) <= officer_page_names() and set(PORTAL_EXCEPTIONS) <= portal_page_names()


@pytest.fixture
def officer_scene(tenant):
    """An order blocked by a hold, a done order with its certificate, requests of both kinds, a failing webhook,
    a retention rule, and audit events with nested details."""
    officer_create(username="olivia", password=PASSWORD, actor=ACTOR)
    now = timezone.now()
    held = make_subject(tenant, "c-litigation")
    hold = make_hold(subjects=[held.pk])
    blocked = make_order(
        reference="OPC-QC-7", deadline_in=timedelta(days=20), status=OrderStatus.BLOCKED_BY_HOLD, held=[held.pk]
    )
    certificate = make_certificate(subjects=[make_subject(tenant, f"c-{i}").pk for i in range(3)])
    make_order(
        reference="ENF-2026-003", deadline_in=-timedelta(days=2), status=OrderStatus.DONE, certificate=certificate
    )
    erasure = ErasureRequest.objects.create(
        jurisdiction_id="GB",
        email="ann@example.org",
        tenant=tenant,
        external_ref="c-3",
        subject=make_subject(tenant, "c-erasure"),
        status=ErasureStatus.AWAITING_OFFICER,
        received_at=now - timedelta(days=25),
        verified_at=now,
        due_at=now + timedelta(days=5),
    )
    access = access_requests.access_request_create(
        email="bob@example.org",
        jurisdiction="GB",
        tenant=tenant.slug,
        external_ref="c-1",
        source="officer",
        actor=ACTOR,
    )
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, url="https://hooks.acme.test/in", events=["subject.erased"], secret="whsec_x"
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        type="subject.erased",
        body="{}",
        status="failed",
        attempts=[{"at": now.isoformat(), "status": 500, "latency_ms": 120, "error": "HTTP 500"}],
    )
    RetentionRule.objects.create(jurisdiction_id="GB", anchor="granted", max_age_months=36, citation="ICO guidance")
    audit_append(
        actor=ACTOR,
        action="order.progress",
        obj=blocked,
        details={"scope": {"jurisdictions": ["GB"], "tenants": ["acme"]}, "note": "x" * 300, "batch": 2},
    )
    return {"order": blocked, "hold": hold, "certificate": certificate, "erasure": erasure, "access": access}


def test_every_officer_page_is_accessible_and_fits(browser_page, officer_scene):
    page, base = browser_page
    audit = PageAudit(page, "officer")

    def visit(slug: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(base + path)
        audit.check(slug)
        audit.no_json(slug)

    visit("login", "/officer/login/")
    page.fill("#id_username", "olivia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/officer/")
    visit("dashboard")
    for slug, path in [
        ("orders", "/officer/orders/"),
        ("erasure-requests", "/officer/erasure-requests/"),
        ("access-requests", "/officer/access-requests/"),
        ("holds", "/officer/holds/"),
        ("certificates", "/officer/certificates/"),
        ("webhook-deliveries", "/officer/webhook-deliveries/?state=all"),
        ("retention-rules", "/officer/retention-rules/"),
        ("audit", "/officer/audit/"),
        ("order-new", "/officer/orders/new/"),
        ("hold-new", "/officer/holds/new/"),
        ("erasure-request-new", "/officer/erasure-requests/new/"),
        ("access-request-new", "/officer/access-requests/new/"),
        ("order", f"/officer/orders/{officer_scene['order'].pk}/"),
        ("erasure-request", f"/officer/erasure-requests/{officer_scene['erasure'].pk}/"),
        ("access-request", f"/officer/access-requests/{officer_scene['access'].pk}/"),
        ("certificate", f"/officer/certificates/{officer_scene['certificate'].pk}/"),
        ("search", "/officer/search/?q=OPC-QC"),
        ("subject", f"/officer/subjects/{officer_scene['erasure'].subject_id}/"),
        ("orders-filtered", "/officer/orders/?status=blocked_by_hold&jurisdiction=GB&tenant=&due=any"),
    ]:
        visit(slug, path)

    page.goto(f"{base}/officer/audit/")
    details = page.locator("table.events dl.details").first.inner_text()
    assert "scope.tenants\nacme" in details and "batch\n2" in details  # key/value rows, not JSON

    # A form sent empty shows its errors; the confirmation previews are what one click on an action shows.
    page.goto(f"{base}/officer/holds/new/")
    page.click("form.officer-form button[type=submit]")
    visit("hold-new-errors")
    page.goto(f"{base}/officer/orders/new/")
    page.fill("#id_regulator", "UK ICO")
    page.fill("#id_reference", "ENF-2026-099")
    page.fill("#id_jurisdictions", "GB")
    page.fill("#id_deadline", "2027-01-15T12:00")
    page.click("form.officer-form button[type=submit]")
    page.wait_for_selector("#confirm-button")
    visit("order-new-preview")
    page.goto(f"{base}/officer/orders/{officer_scene['order'].pk}/")
    page.locator("#covering-holds button", has_text="Release hold").click()
    page.wait_for_selector("#confirm-button")
    visit("hold-release-preview")
    erasure_page = f"{base}/officer/erasure-requests/{officer_scene['erasure'].pk}/"
    page.goto(erasure_page)
    page.click("text=Confirm erasure")
    page.wait_for_selector("#confirm-button")
    visit("erasure-confirm-preview")
    page.goto(erasure_page)
    page.fill("#refuse-form input[name=basis]", "GDPR Art. 17(3)(e): legal claims")
    page.click("#refuse-form button[type=submit]")
    page.wait_for_selector("#confirm-button")
    visit("erasure-refuse-preview")

    print(audit.report())
    print(audit.counts())
    assert not audit.unvisited(officer_page_names(), OFFICER_EXCEPTIONS)
    assert not audit.failures(), "\n".join(audit.failures())


@pytest.fixture
def portal_scene():
    """A subject with a consent; an erasure request waiting for its confirmation and one done with a certificate;
    an access request answered."""
    acme = factories.tenant("acme")
    notice = factories.notice(acme)
    person = factories.subject(acme, "GB", email="me@example.org", ref="r-77")
    consent = factories.consent(person, notice)
    erased = factories.subject(acme, "GB", email="gone@example.org", ref="r-78")
    factories.consent(erased, notice)
    factories.template(erased, enrolled=True)

    def erasure(email, ref):
        return erasure_requests.erasure_request_create(
            email=email, jurisdiction="GB", tenant="acme", external_ref=ref, source="portal", actor=ACTOR
        )

    waiting, done = erasure("me@example.org", "r-77"), erasure("gone@example.org", "r-78")
    erasure_requests.erasure_request_verify(erasure_request=done, actor=ACTOR)
    erasure_requests.erasure_request_erase_run(request_id=done.pk)
    assert ErasureRequest.objects.get(pk=done.pk).certificate is not None

    def access():
        return access_requests.access_request_create(
            email="me@example.org", jurisdiction="GB", source="portal", actor=ACTOR
        )

    access_waiting, answered = access(), access()
    access_requests.access_request_verify(access_request=answered, actor=ACTOR)
    assert AccessRequest.objects.get(pk=answered.pk).status == "done"
    return {
        "consents": _path(CONSENT_PAGE_LINK.url(person.pk)),
        "consent": consent,
        "notice": notice,
        "erasure_confirm": _path(erasure_requests.CONFIRM_LINK.url(waiting.pk)),
        "erasure_status": _path(erasure_requests.STATUS_LINK.url(done.pk)),
        "access_confirm": _path(access_requests.CONFIRM_LINK.url(access_waiting.pk)),
        "access_status": _path(access_requests.STATUS_LINK.url(answered.pk)),
        "access_report": _path(access_requests.REPORT_LINK.url(answered.pk)) + "page/",
    }


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_portal_page_is_accessible_and_fits(browser_page, portal_scene, language):
    page, base = browser_page
    page.set_extra_http_headers({"Accept-Language": language})
    audit = PageAudit(page, f"portal-{language}")

    def visit(slug: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(base + path)
        assert page.get_attribute("html", "lang") == language
        audit.check(slug)

    scene = portal_scene
    for slug, path in [
        ("home", "/portal/"),
        ("consents", scene["consents"]),
        ("consent-withdraw", f"{scene['consents']}withdraw/{scene['consent'].pk}/"),
        ("notice", f"/portal/notices/{scene['notice'].pk}/"),
        ("consents-link-invalid", "/portal/c/not-a-token/"),
        ("erasure-confirm", scene["erasure_confirm"]),
        ("erasure-status", scene["erasure_status"]),
        ("erasure-link-error", "/portal/erasure/status/not-a-token/"),
        ("access-confirm", scene["access_confirm"]),
        ("access-status", scene["access_status"]),
        ("access-report", scene["access_report"]),
    ]:
        visit(slug, path)
    for area, email in (("erasure", "anna@example.org"), ("access", "otto@example.org")):
        visit(f"{area}-request", f"/portal/{area}/")
        page.fill("#id_email", email)
        page.select_option("#id_jurisdiction", "GB")
        page.fill("#id_tenant", "acme")
        page.fill("#id_external_ref", "r-1")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        visit(f"{area}-sent")

    print(audit.report())
    print(audit.counts())
    assert not audit.unvisited(portal_page_names(), PORTAL_EXCEPTIONS)
    assert not audit.failures(), "\n".join(audit.failures())
