"""The officer console in a real Chromium: the dashboard's latest signed head, a paged list reached from the
navigation, and an order's evidence pack downloaded from its page and checked by the offline verifier."""

import json
import urllib.request
from datetime import timedelta

import pytest

from compliance.officer.list_views import PAGE_SIZE
from core.audit import Actor, audit_append
from core.officers import officer_create
from core.transparency import audit_integrate
from tests.helpers import load_tool

from .conftest import PASSWORD, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _verifier():
    return load_tool("verify_evidence")


def test_officer_pages_through_orders_and_downloads_a_verifiable_evidence_pack(browser_page, tmp_path):
    page, base_url = browser_page
    officer_create(username="olivia", password=PASSWORD, actor=Actor.system("test"))
    orders = [make_order(reference=f"ENF-{i:03}", deadline_in=timedelta(days=i + 1)) for i in range(PAGE_SIZE + 1)]
    for order in orders[:2]:
        audit_append(
            actor=Actor.system("test"), action="order.create", obj=order, details={"reference": order.reference}
        )
    head = audit_integrate()

    page.goto(f"{base_url}/officer/")
    page.fill("#id_username", "olivia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/")
    card = page.locator("#latest-head").inner_text()
    assert str(head.tree_size) in card and bytes(head.root_hash).hex() in card and "signature valid" in card

    page.click("nav.officer >> text=Orders")
    page.wait_for_url(f"{base_url}/officer/orders/")
    assert page.locator("#order-list tbody tr").count() == PAGE_SIZE
    page.click("#next-page")
    page.wait_for_url(f"{base_url}/officer/orders/?page=2")
    assert page.locator("#order-list tbody tr").count() == 1

    page.goto(f"{base_url}/officer/orders/{orders[0].pk}/")
    with page.expect_download() as download:
        page.click("#evidence-download")
    pack = tmp_path / download.value.suggested_filename
    download.value.save_as(pack)
    with urllib.request.urlopen(f"{base_url}/.well-known/jwks.json") as response:  # noqa: S310 - the live test server
        jwks = json.load(response)
    passed, report = _verifier().verify_pack(pack, jwks=jwks)
    assert passed, "\n".join(report)
    assert any("order.create" in line and line.startswith("PASS") for line in report)
