"""Officer actions on requests in a real Chromium: record a letter and extend its deadline; confirm and refuse,
each through its preview."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from compliance.services.due_dates import add_months
from core.audit import Actor
from core.officers import officer_create

from .conftest import PASSWORD, make_subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_a_letter_and_extends_its_deadline(browser_page, tenant):
    officer_create(username="olivia", password=PASSWORD, actor=Actor.system("test"))
    page, base_url = browser_page
    page.goto(f"{base_url}/officer/")
    page.fill("#id_username", "olivia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/")

    page.click("text=Record a received erasure request")
    received = (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    page.fill("#id_email", "writer@x.test")
    page.fill("#id_jurisdiction", "fr")
    page.fill("#id_tenant", tenant.slug)
    page.fill("#id_external_ref", "letter-7")
    page.fill("#id_received_at", received.strftime("%Y-%m-%dT%H:%M"))
    page.click("form.officer-form button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/erasure-requests/*/")
    request = ErasureRequest.objects.get()
    assert request.received_at == received and request.source == "officer"
    first_due = request.due_at
    assert first_due == add_months(received, 1)  # the clock started at receipt, not at data entry

    mail.outbox.clear()
    page.fill("#extend-form input[name=reason]", "The records are spread over three archives")
    page.click("#extend-form button[type=submit]")
    page.wait_for_selector("#extension")
    assert "Deadline extended" in page.locator(".messages").inner_text()
    assert "three archives" in page.locator("#extension").inner_text()
    history = page.locator("#clock-history tbody tr")
    assert history.count() == 2 and "extended" in history.nth(1).inner_text()
    assert page.locator("#extend-form").count() == 0  # one extension: the action is gone
    request.refresh_from_db()
    assert request.extended_at is not None and request.due_at == add_months(first_due, 2)
    assert [m.to for m in mail.outbox if "three archives" in m.body] == [["writer@x.test"]]
    page.screenshot(path="/tmp/officer-extend-request.png", full_page=True)


def test_confirming_and_refusing_a_request_each_take_a_second_click(browser_page, tenant):
    """One click on "Confirm erasure" or "Refuse" shows what it would do, changes nothing; Confirm acts."""
    officer_create(username="olivia", password=PASSWORD, actor=Actor.system("test"))
    now = timezone.now()
    confirm, refuse = (
        ErasureRequest.objects.create(
            jurisdiction_id="GB",
            tenant=tenant,
            external_ref=ref,
            subject=make_subject(tenant, ref),
            status=ErasureStatus.AWAITING_OFFICER,
            received_at=now - timedelta(days=2),
            verified_at=now,
            due_at=now + timedelta(days=28),
        )
        for ref in ("c-confirm", "c-refuse")
    )
    page, base_url = browser_page
    page.goto(f"{base_url}/officer/")
    page.fill("#id_username", "olivia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/")

    page.goto(f"{base_url}/officer/erasure-requests/{confirm.pk}/")
    page.click("text=Confirm erasure")
    page.wait_for_url(f"{base_url}/officer/erasure-requests/{confirm.pk}/confirm/")
    assert "c-confirm" in page.locator("#preview-subject-list").inner_text()
    assert ErasureRequest.objects.get(pk=confirm.pk).status == ErasureStatus.AWAITING_OFFICER
    page.click("#confirm-button")
    page.wait_for_url(f"{base_url}/officer/erasure-requests/{confirm.pk}/")
    assert "confirmed: erasure starts" in page.locator(".messages").inner_text()
    assert ErasureRequest.objects.get(pk=confirm.pk).status != ErasureStatus.AWAITING_OFFICER

    page.goto(f"{base_url}/officer/erasure-requests/{refuse.pk}/")
    page.fill("#refuse-form input[name=basis]", "GDPR Art. 17(3)(e): legal claims")
    page.click("#refuse-form button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/erasure-requests/{refuse.pk}/refuse/")
    assert "Refuses the request for all 1 subject(s)" in page.locator("#preview-summary").inner_text()
    assert ErasureRequest.objects.get(pk=refuse.pk).status == ErasureStatus.AWAITING_OFFICER
    page.screenshot(path="/tmp/officer-refusal-preview.png", full_page=True)
    page.click("#confirm-button")
    page.wait_for_url(f"{base_url}/officer/erasure-requests/{refuse.pk}/")
    assert "Refusal recorded" in page.locator(".messages").inner_text()
    assert ErasureRequest.objects.get(pk=refuse.pk).status == ErasureStatus.REFUSED
