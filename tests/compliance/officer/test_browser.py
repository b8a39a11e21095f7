"""The officer UI in a real Chromium: sign in through the form, read the dashboard and its chart, open an order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from core.audit import Actor, audit_append
from core.officers import officer_create
from policy.models import LegalHold, OrderAction, OrderStatus, RegulatorOrder

from .conftest import PASSWORD, make_certificate, make_hold, make_order, make_subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(tenant):
    """A working week for an officer: an overdue order, one due soon, one blocked by a hold, erasures done."""
    officer_create(username="olivia", password=PASSWORD, actor=Actor.system("test"))
    now = timezone.now()
    subjects = [make_subject(tenant, f"c-{i}").pk for i in range(12)]
    make_order(
        reference="ENF-2026-014",
        deadline_in=-timedelta(days=3),
        total=40,
        erased=31,
        regulator="Garante (IT)",
    )
    soon = make_order(reference="ENF-2026-021", deadline_in=timedelta(days=4), total=120, erased=75)
    held = make_subject(tenant, "c-litigation")
    hold = make_hold(subjects=[held.pk])
    blocked = make_order(
        reference="OPC-QC-7",
        deadline_in=timedelta(days=20),
        status=OrderStatus.BLOCKED_BY_HOLD,
        total=9,
        erased=8,
        held=[held.pk],
        regulator="CAI Québec",
    )
    # Suspension is in force (done) the moment it is recorded, and stays listed until lifted.
    RegulatorOrder.objects.create(
        regulator="Illinois court",
        reference="BIPA-22-CV-104",
        action=OrderAction.SUSPEND_PROCESSING,
        status=OrderStatus.DONE,
        received_at=now - timedelta(days=10),
        deadline=now + timedelta(days=45),
        completed_at=now - timedelta(days=10),
        scope_jurisdictions=["US-IL"],
    )
    ErasureRequest.objects.create(
        jurisdiction_id="GB",
        email="ann@example.org",
        tenant=tenant,
        external_ref="c-3",
        status=ErasureStatus.AWAITING_OFFICER,
        received_at=now - timedelta(days=25),
        due_at=now + timedelta(days=5),
    )
    certificates = [
        make_certificate(subjects=subjects[:count], finished_at=now - timedelta(days=days_ago))
        for days_ago, count in ((0, 3), (1, 5), (4, 2), (9, 12), (17, 1))
    ]
    done = make_order(
        reference="ENF-2026-003",
        deadline_in=timedelta(days=2),
        status=OrderStatus.DONE,
        total=12,
        erased=12,
        certificate=certificates[3],
        completed_at=now - timedelta(days=9),
    )
    for i in range(5):
        audit_append(actor=Actor.system("test"), action="order.progress", obj=soon, details={"batch": i})
    return {"soon": soon, "blocked": blocked, "done": done, "certificate": certificates[3], "hold": hold}


def _sign_in(page, base_url):
    page.goto(f"{base_url}/officer/")
    assert "/officer/login/" in page.url
    page.fill("#id_username", "olivia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/")


def test_officer_signs_in_and_reads_the_dashboard_chart_and_an_order(browser_page, scene):
    page, base_url = browser_page
    _sign_in(page, base_url)

    assert page.locator("h1").inner_text() == "Compliance dashboard"
    assert page.locator("#audit-status").inner_text().splitlines()[1] == "valid"
    overdue = page.locator("tr.overdue", has_text="ENF-2026-014")
    assert overdue.count() == 1
    # The overdue row is drawn red; the due-soon one amber.
    background = page.locator("tr.overdue td").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(253, 236, 234)"
    assert page.locator("tr.due_soon", has_text="ENF-2026-021").count() == 1
    assert "acme/c-litigation" in page.locator("tr", has_text="OPC-QC-7").inner_text()

    chart = page.locator("svg#erasures-chart")
    assert chart.is_visible()
    bars = chart.locator("rect.bar")
    assert bars.count() == 30
    heights = [float(h) for h in bars.evaluate_all("rs => rs.map(r => r.getAttribute('height'))")]
    assert sum(1 for h in heights if h > 0) == 5
    assert chart.bounding_box()["width"] > 400
    # The in-force suspension has no deadline left to meet, so the timeline shows the other four.
    assert page.locator("svg#deadline-timeline rect.span").count() == 4
    assert "In force" in page.locator("tr", has_text="BIPA-22-CV-104").inner_text()
    page.screenshot(path="/tmp/officer.png", full_page=True)

    page.click(f"a[href='/officer/orders/{scene['blocked'].pk}/']")
    page.wait_for_url(f"{base_url}/officer/orders/{scene['blocked'].pk}/")
    assert page.locator("#order-status").inner_text() == "Blocked by legal hold"
    assert "c-litigation" in page.locator("#held-subjects").inner_text()
    page.screenshot(path="/tmp/officer-order.png", full_page=True)

    # One click on Release hold only previews it (a page from the server: no script to block): the hold stays in
    # force until its Confirm is clicked; the order is then resumed by a worker.
    dialogs: list[str] = []

    def dismissed(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    page.locator("#covering-holds button", has_text="Release hold").click()
    page.wait_for_url(f"{base_url}/officer/holds/{scene['hold'].pk}/release/")
    assert LegalHold.objects.get(pk=scene["hold"].pk).released_at is None
    assert "Nothing has been done yet" in page.locator("#preview-summary").inner_text()
    assert "CAI Québec · OPC-QC-7" in page.locator("#preview-resumes").inner_text()
    assert "c-litigation" in page.locator("#preview-subject-list").inner_text()
    page.screenshot(path="/tmp/officer-release-preview.png", full_page=True)
    page.click("#confirm-button")
    page.wait_for_url(f"{base_url}/officer/orders/{scene['blocked'].pk}/")
    assert "Legal hold released" in page.locator(".messages").inner_text()
    assert page.locator("#covering-holds").count() == 0
    assert LegalHold.objects.get(pk=scene["hold"].pk).released_at is not None and dialogs == []


def test_signing_out_ends_the_session(browser_page, scene):
    page, base_url = browser_page
    _sign_in(page, base_url)
    page.click("text=Sign out")
    page.wait_for_url(f"{base_url}/officer/login/")
    page.goto(f"{base_url}/officer/audit/")
    assert "/officer/login/" in page.url


def test_officer_records_a_suspension_order_through_the_form(browser_page, scene):
    page, base_url = browser_page
    _sign_in(page, base_url)
    page.click("text=Record a regulator order")
    page.fill("#id_regulator", "Illinois court")
    page.fill("#id_reference", "BIPA-23-CV-555")
    page.select_option("#id_action", "suspend_processing")
    page.fill("#id_jurisdictions", "US-IL")
    page.fill("#id_deadline", "2027-01-15T12:00")
    page.click("form.officer-form button[type=submit]")
    page.wait_for_url(f"{base_url}/officer/orders/new/")
    assert "no match or verification uses" in page.locator("#preview-summary").inner_text()
    assert not RegulatorOrder.objects.filter(reference="BIPA-23-CV-555").exists()
    page.click("#confirm-button")
    page.wait_for_url(f"{base_url}/officer/orders/*/")
    assert page.locator("h1").inner_text() == "Illinois court · BIPA-23-CV-555"
    assert page.locator("#order-status").inner_text() == "In force"
    assert "in force from now" in page.locator(".messages").inner_text()
    page.screenshot(path="/tmp/officer-new-order.png", full_page=True)


def test_certificate_opened_from_a_completed_order(browser_page, scene):
    page, base_url = browser_page
    _sign_in(page, base_url)
    page.click("text=UK ICO · ENF-2026-003")
    page.click(f"a[href='/officer/certificates/{scene['certificate'].pk}/']")
    assert page.locator("#certificate-sha256").inner_text() == scene["certificate"].sha256
    assert page.locator("#certificate-check").inner_text() == "matches its content"
    assert page.locator("#certificate-subjects").inner_text() == str(len(scene["certificate"].subjects))
    assert page.locator("pre").count() == 0  # a document, not a JSON dump
    page.screenshot(path="/tmp/officer-certificate.png", full_page=True)
