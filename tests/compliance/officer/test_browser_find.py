"""Finding things in a real Chromium: search an order reference from the navigation, filter a list (kept across
pages), open a subject's history from the search results and download its export."""

import json
from datetime import timedelta

import pytest

from compliance.officer.list_views import PAGE_SIZE
from core.audit import Actor
from core.models import AuditEvent
from core.officers import officer_create
from tests import factories

from .conftest import PASSWORD, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_searches_filters_and_exports_a_subject_history(browser_page, tenant, tmp_path):
    page, base_url = browser_page
    officer_create(username="olivia", password=PASSWORD, actor=Actor.system("test"))
    order = make_order(reference="ENF-2026-042", deadline_in=timedelta(days=10))
    for i in range(PAGE_SIZE + 1):
        make_order(reference=f"LATE-{i:03}", deadline_in=timedelta(hours=-1))
    subject = factories.subject(tenant, ref="cust-99")
    factories.consent(subject)

    page.goto(f"{base_url}/officer/")
    page.fill("#id_username", "olivia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/")

    page.fill("#site-search", "ENF-2026-042")
    page.click("form.search-box button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/search/?q=ENF-2026-042")
    page.click("#found-orders >> text=ENF-2026-042")
    page.wait_for_url(f"{base_url}/officer/orders/{order.pk}/")

    page.goto(f"{base_url}/officer/orders/")
    page.select_option("#id_due", "overdue")
    page.click("#list-filters button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/orders/?*due=overdue*")
    assert page.locator("#order-list tbody tr").count() == PAGE_SIZE
    page.click("#next-page")
    page.wait_for_url(f"{base_url}/officer/orders/?*due=overdue*page=2")
    assert page.locator("#order-list tbody tr").count() == 1
    assert page.input_value("#id_due") == "overdue"

    page.fill("#site-search", "cust-99")
    page.click("form.search-box button[type=submit]")
    page.click("#found-subjects a")
    page.wait_for_url(f"{base_url}/officer/subjects/{subject.pk}/")
    assert "Consent granted" in page.locator("#subject-history").inner_text()

    with page.expect_download() as download:
        page.click("#export-json")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    document = json.loads(saved.read_text())
    assert document["subject"] == str(subject.pk) and any(e["kind"] == "consent" for e in document["entries"])
    assert AuditEvent.objects.filter(action="subject.history_export", object_id=str(subject.pk)).count() == 1
