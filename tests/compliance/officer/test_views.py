import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from compliance.models import DeletionCertificate, ErasureRequest, ErasureStatus
from compliance.officer.views import index
from compliance.selectors.certificates import CERTIFICATE_SUBJECTS_SHOWN
from core.audit import Actor, audit_append
from core.models import AuditEvent
from core.transparency import audit_integrate
from policy.models import OrderStatus

from .conftest import PASSWORD, make_certificate, make_hold, make_order, make_subject

PAGES = [
    "/officer/",
    "/officer/audit/",
    "/officer/orders/00000000-0000-0000-0000-000000000001/",
    "/officer/certificates/00000000-0000-0000-0000-000000000001.json",
    "/officer/certificates/00000000-0000-0000-0000-000000000001/",
    "/officer/erasure-requests/00000000-0000-0000-0000-000000000001/",
]


def _row(html: str, marker: str) -> str:
    """The <tr ...> opening tag of the table row that contains marker."""
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)
    matching = [r for r in rows if marker in r]
    assert matching, f"no row with {marker!r}"
    return matching[0].split(">", 1)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/officer/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_staff_user_who_is_not_an_officer_is_refused(client, url):
    user = get_user_model().objects.create_user("sam", password=PASSWORD, is_staff=True)
    client.force_login(user)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_login_form_refuses_a_non_officer_and_admits_an_officer(client, officer):
    get_user_model().objects.create_user("sam", password=PASSWORD, is_staff=True)
    refused = client.post("/officer/login/", {"username": "sam", "password": PASSWORD})
    assert refused.status_code == 200 and "enter a correct username and password" in refused.content.decode()
    admitted = client.post(
        "/officer/login/?next=/officer/audit/", {"username": "olivia", "password": PASSWORD, "next": "/officer/audit/"}
    )
    assert admitted.status_code == 302 and admitted["Location"] == "/officer/audit/"
    assert client.get("/officer/").status_code == 200
    client.post("/officer/logout/")
    assert client.get("/officer/").status_code == 302


@pytest.mark.django_db
def test_dashboard_flags_overdue_and_due_soon_deadlines(officer_client):
    make_order(reference="LATE-1", deadline_in=-timedelta(days=2))
    make_order(reference="SOON-1", deadline_in=timedelta(days=3))
    make_order(reference="LATER-1", deadline_in=timedelta(days=40))
    make_order(reference="DONE-1", deadline_in=-timedelta(days=5), status=OrderStatus.DONE, erased=10)

    html = officer_client.get("/officer/").content.decode()

    assert 'class="overdue' in _row(html, "LATE-1")
    assert "overdue by 2" in html
    assert 'class="due_soon' in _row(html, "SOON-1")
    late_row = _row(html, "LATER-1")
    assert "overdue" not in late_row and "due_soon" not in late_row
    # A finished order is no longer open: it is listed among the completed ones, not flagged.
    assert "overdue" not in _row(html, "DONE-1")
    # Deadline timeline: one bar per open order, the overdue one red.
    timeline = html.split('id="deadline-timeline"', 1)[1].split("</svg>", 1)[0]
    assert timeline.count('class="span ') == 3 and 'class="span overdue"' in timeline


@pytest.mark.django_db
def test_blocked_order_shows_its_held_subjects_on_dashboard_and_detail(officer_client, tenant):
    held = make_subject(tenant, "c-held")
    make_hold(subjects=[held.pk])
    order = make_order(
        reference="HOLD-1",
        deadline_in=timedelta(days=10),
        status=OrderStatus.BLOCKED_BY_HOLD,
        total=5,
        erased=4,
        held=[held.pk],
    )

    dashboard = officer_client.get("/officer/").content.decode()
    assert "Blocked by legal hold" in dashboard and "acme/c-held" in dashboard
    assert "4 / 5" in dashboard and "Litigation: Doe v. Acme" in dashboard

    detail = officer_client.get(f"/officer/orders/{order.pk}/").content.decode()
    assert 'id="held-subjects"' in detail and str(held.pk) in detail and "80%" in detail
    assert 'http-equiv="refresh"' not in detail  # waiting on an officer, not on a worker

    running = make_order(reference="RUN-1", deadline_in=timedelta(days=10))
    assert 'http-equiv="refresh"' in officer_client.get(f"/officer/orders/{running.pk}/").content.decode()


@pytest.mark.django_db
def test_dashboard_counts(officer_client, tenant):
    make_subject(tenant, "c-1")
    erased = make_subject(tenant, "c-2")
    erased.erased_at = timezone.now()
    erased.save()
    html = officer_client.get("/officer/").content.decode()
    assert re.search(r'id="count-tenants">1<', html)
    assert re.search(r'id="count-subjects">1<', html) and "1 erased" in html


@pytest.mark.django_db
def test_audit_status_is_valid_then_broken_after_tampering(officer_client):
    with transaction.atomic():
        for i in range(3):
            audit_append(actor=Actor.system("test"), action="test.event", object_type="test", object_id=str(i))
    head = audit_integrate()
    events = AuditEvent.objects.count()

    html = officer_client.get("/officer/").content.decode()
    card = html.split('id="audit-status"', 1)[0].rsplit("<div", 1)[1] + html.split('id="audit-status"', 1)[1][:900]
    assert "card audit valid" in card and f"{events} events" in card
    assert f"signed head: {events} events, root <code>{bytes(head.root_hash).hex()[:16]}" in card

    victim = AuditEvent.objects.order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute("UPDATE core_auditevent SET details = '{\"x\": 1}' WHERE seq = %s", [victim.seq])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")

    # Pages show the last check (kept up to 5 minutes); "Verify now" recomputes the whole tree.
    assert "card audit valid" in officer_client.get("/officer/").content.decode()
    verified = officer_client.post("/officer/audit/verify/", {"next": "/officer/"}, follow=True)
    html = verified.content.decode()
    assert verified.redirect_chain[-1][0] == "/officer/"
    assert "card audit broken" in html and f"first bad index {victim.leaf_index} (altered)" in html
    assert f"Audit log BROKEN at index {victim.leaf_index} (altered)" in html
    audit_page = officer_client.get("/officer/audit/").content.decode()
    assert f"Log BROKEN at index {victim.leaf_index}" in audit_page


@pytest.mark.django_db
def test_erasures_chart_has_a_bar_per_day_sized_by_subjects_erased(officer_client, tenant):
    subjects = [make_subject(tenant, f"c-{i}").pk for i in range(3)]
    make_certificate(subjects=subjects)
    make_certificate(subjects=subjects[:1], finished_at=timezone.now() - timedelta(days=2))
    make_certificate(subjects=subjects, finished_at=timezone.now() - timedelta(days=45))  # outside the window

    html = officer_client.get("/officer/").content.decode()
    chart = html.split('id="erasures-chart"', 1)[1].split("</svg>", 1)[0]
    bars = re.findall(r'<rect class="bar"[^>]*data-value="(\d+)"', chart)
    assert len(bars) == 30
    assert bars[-1] == "3" and bars[-3] == "1" and sum(map(int, bars)) == 4
    today = re.search(r'<rect class="bar"[^>]*height="([\d.]+)"[^>]*data-value="3"', chart)
    assert float(today.group(1)) > 0
    assert "4 subjects erased in 30 days" in html


@pytest.mark.django_db
def test_certificate_page_is_a_document_with_its_counts_and_sha256(officer_client, tenant):
    subject = make_subject(tenant, "c-1")
    certificate = make_certificate(subjects=[subject.pk])
    order = make_order(
        reference="DONE-2", deadline_in=timedelta(days=1), status=OrderStatus.DONE, certificate=certificate
    )

    url = f"/officer/certificates/{certificate.pk}/"
    html = officer_client.get(url).content.decode()
    assert certificate.sha256 in html and "matches its content" in html
    assert "<td>matching.facetemplate</td><td>2</td>" in html and str(subject.pk) in html
    assert "<pre" not in html and f"?object_id={certificate.pk}" in html  # no raw JSON; its audit events linked
    assert url in officer_client.get(f"/officer/orders/{order.pk}/").content.decode()

    download = officer_client.get(f"/officer/certificates/{certificate.pk}.json")
    assert "attachment" in download["Content-Disposition"]
    assert download.json()["sha256"] == certificate.sha256 and download.json()["sha256_valid"] is True
    assert download.json()["subjects"] == [str(subject.pk)]

    DeletionCertificate.objects.filter(pk=certificate.pk).update(counts={"matching.facetemplate": 0})
    assert "does NOT match its content" in officer_client.get(url).content.decode()


@pytest.mark.django_db
def test_a_large_certificate_page_lists_the_first_subjects_and_the_download_has_all(officer_client):
    certificate = make_certificate(subjects=[uuid.uuid4() for _ in range(CERTIFICATE_SUBJECTS_SHOWN + 20)])
    html = officer_client.get(f"/officer/certificates/{certificate.pk}/").content.decode()
    assert "20 more are in the download" in html and "matches its content" in html
    assert (
        len(officer_client.get(f"/officer/certificates/{certificate.pk}.json").json()["subjects"])
        == CERTIFICATE_SUBJECTS_SHOWN + 20
    )


@pytest.mark.django_db
def test_unknown_order_and_certificate_are_404(officer_client):
    assert officer_client.get(PAGES[2]).status_code == 404
    assert officer_client.get(PAGES[3]).status_code == 404
    assert officer_client.get(PAGES[4]).status_code == 404
    assert officer_client.get(PAGES[5]).status_code == 404


@pytest.mark.django_db
def test_erasure_request_page_shows_deadline_held_subjects_and_their_hold(officer_client, tenant):
    held = make_subject(tenant, "c-9", jurisdiction="US-CA")
    hold = make_hold(subjects=[held.pk])
    now = timezone.now()
    request = ErasureRequest.objects.create(
        jurisdiction_id="US-CA",
        tenant=tenant,
        external_ref="c-9",
        subject=held,
        status=ErasureStatus.BLOCKED_BY_HOLD,
        received_at=now - timedelta(days=46),
        verified_at=now - timedelta(days=45),
        due_at=now - timedelta(days=1),
        held_subjects=[held.pk],
    )

    dashboard = officer_client.get("/officer/").content.decode()
    assert 'class="overdue' in _row(dashboard, f"/officer/erasure-requests/{request.pk}/")
    html = officer_client.get(f"/officer/erasure-requests/{request.pk}/").content.decode()
    assert 'class="overdue"' in _row(html, "Due") and "CCPA/CPRA" in html
    assert 'id="held-subjects"' in html and str(held.pk) in html
    assert f"/officer/holds/{hold.pk}/release/" in html


def test_landing_page_links_the_officer_ui():
    # "/" is routed in config/urls.py by the lead; the view is tested on its own.
    response = index(RequestFactory().get("/"))
    assert response.status_code == 200 and b'href="/officer/"' in response.content


@pytest.mark.django_db
def test_dashboard_shows_webhook_deliveries_that_fail(officer_client, tenant):
    from compliance.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, url="https://hooks.acme.test/x", events=["subject.erased"], secret="s"
    )
    attempt = {"at": "2026-11-20T10:00:00+00:00", "status": 500, "latency_ms": 12, "error": ""}
    WebhookDelivery.objects.create(endpoint=endpoint, type="subject.erased", body="{}", attempts=[attempt])
    WebhookDelivery.objects.create(endpoint=endpoint, type="order.in_force", body="{}", status="delivered")
    WebhookDelivery.objects.create(endpoint=endpoint, type="order.lifted", body="{}")  # not tried yet
    html = officer_client.get("/officer/").content.decode()
    table = html.split('id="webhook-failures"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr class") == 1 and "subject.erased" in table and "retrying" in table and "500" in table
