"""The officer console: every list is paged, the dashboard shows the first rows of each with a link to the rest,
failing webhook deliveries per tenant, and the audit log's latest signed head with its signature checked."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus, WebhookDelivery, WebhookEndpoint
from compliance.officer.list_views import PAGE_SIZE
from compliance.officer.views import DASHBOARD_ROWS
from consent.models import Tenant
from core.audit import Actor, audit_append
from core.models import AuditEvent, AuditTreeHead
from core.transparency import audit_integrate
from policy.models import OrderStatus

from .conftest import make_certificate, make_hold, make_order, make_subject


def _links(html: str, table_id: str) -> int:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return table.count("<tr") - 1  # less the header row


def _failing(endpoint, type_, status="pending", code=500):
    attempt = {"at": "2026-11-20T10:00:00+00:00", "status": code, "latency_ms": 9, "error": ""}
    return WebhookDelivery.objects.create(endpoint=endpoint, type=type_, body="{}", status=status, attempts=[attempt])


@pytest.mark.django_db
def test_order_list_pages_and_filters_open_orders(officer_client):
    for i in range(PAGE_SIZE + 3):
        make_order(reference=f"ORD-{i:03}", deadline_in=timedelta(days=5))
    make_order(reference="DONE-X", deadline_in=timedelta(days=5), status=OrderStatus.DONE, erased=10)

    first = officer_client.get("/officer/orders/").content.decode()
    assert _links(first, "order-list") == PAGE_SIZE and 'id="next-page"' in first
    assert f"{PAGE_SIZE + 4} in all" in first
    second = officer_client.get("/officer/orders/?page=2").content.decode()
    assert _links(second, "order-list") == 4 and 'id="next-page"' not in second and "previous" in second
    open_only = officer_client.get("/officer/orders/?state=open&page=2").content.decode()
    assert _links(open_only, "order-list") == 3 and "DONE-X" not in open_only
    assert 'href="?state=open&amp;page=1"' in open_only  # the filter is kept across pages


@pytest.mark.django_db
def test_dashboard_shows_the_first_open_orders_and_links_to_all(officer_client):
    for i in range(DASHBOARD_ROWS + 2):
        make_order(reference=f"OPEN-{i:03}", deadline_in=timedelta(days=i + 1))
    html = officer_client.get("/officer/").content.decode()
    assert _links(html, "orders") == DASHBOARD_ROWS
    assert "OPEN-000" in html and f"OPEN-{DASHBOARD_ROWS + 1:03}" not in html  # soonest deadlines first
    link = re.search(r'<a href="([^"]+)" id="all-orders">All (\d+) open orders', html)
    assert link and link.group(1) == "/officer/orders/?state=open" and int(link.group(2)) == DASHBOARD_ROWS + 2
    assert "2 more not shown" in html  # the deadline chart counts what the dashboard did not read


@pytest.mark.django_db
def test_erasure_request_hold_and_certificate_lists_are_paged(officer_client, tenant):
    now = timezone.now()
    for i in range(PAGE_SIZE + 1):
        ErasureRequest.objects.create(
            jurisdiction_id="GB",
            tenant=tenant,
            external_ref=f"c-{i}",
            status=ErasureStatus.DONE if i == 0 else ErasureStatus.AWAITING_OFFICER,
            received_at=now - timedelta(days=1),
            due_at=now + timedelta(days=20),
        )
        make_hold(subjects=[uuid.uuid4()], reason=f"case {i}")
        make_certificate(subjects=[uuid.uuid4()])
    for url, table in [
        ("/officer/erasure-requests/", "erasure-request-list"),
        ("/officer/holds/", "hold-list"),
        ("/officer/certificates/", "certificate-list"),
    ]:
        first = officer_client.get(url).content.decode()
        assert _links(first, table) == PAGE_SIZE and 'id="next-page"' in first, url
        assert _links(officer_client.get(url + "?page=2").content.decode(), table) == 1, url
    open_requests = officer_client.get("/officer/erasure-requests/?state=open").content.decode()
    assert f"{PAGE_SIZE} in all" in open_requests
    assert officer_client.get("/officer/holds/?page=junk").status_code == 200


@pytest.mark.django_db
def test_order_page_pages_its_events_and_held_subjects(officer_client, tenant):
    held = [make_subject(tenant, f"h-{i}").pk for i in range(101)]
    order = make_order(reference="BIG-1", deadline_in=timedelta(days=3), status=OrderStatus.BLOCKED_BY_HOLD, held=held)
    with transaction.atomic():
        for i in range(55):
            audit_append(actor=Actor.system("test"), action="order.note", obj=order, details={"i": i})
    page = officer_client.get(f"/officer/orders/{order.pk}/").content.decode()
    assert 'id="events-next"' in page and "55 events" in page and 'id="held-next"' in page
    assert _links(page, "held-subjects") == 100 and "(101)" in page
    last = officer_client.get(f"/officer/orders/{order.pk}/?events_page=2&held_page=2").content.decode()
    assert last.count("order.note") == 5 and _links(last, "held-subjects") == 1


@pytest.mark.django_db
def test_dashboard_shows_webhook_failures_per_tenant_and_pages_them(officer_client, tenant):
    other = Tenant.objects.create(slug="globex", name="Globex")
    acme_hook = WebhookEndpoint.objects.create(
        tenant=tenant, url="https://a.test/h", events=["subject.erased"], secret="s"
    )
    globex_hook = WebhookEndpoint.objects.create(
        tenant=other, url="https://g.test/h", events=["subject.erased"], secret="s"
    )
    _failing(acme_hook, "subject.erased", status="failed")
    _failing(acme_hook, "subject.erased", status="failed")
    _failing(globex_hook, "order.in_force")
    WebhookDelivery.objects.create(endpoint=globex_hook, type="order.lifted", body="{}", status="delivered")

    html = officer_client.get("/officer/").content.decode()
    per_tenant = html.split('id="webhook-tenants"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*><td><a[^>]*>(\w+)</a></td>\s*<td>(\d+)</td><td>(\d+)</td>", per_tenant)
    assert rows == [("acme", "2", "0"), ("globex", "0", "1")]
    assert 'href="/officer/webhook-deliveries/?tenant=acme"' in per_tenant

    for _ in range(PAGE_SIZE):
        _failing(globex_hook, "consent.withdrawn", code=503)
    listing = officer_client.get("/officer/webhook-deliveries/?tenant=globex").content.decode()
    assert _links(listing, "delivery-list") == PAGE_SIZE and 'id="next-page"' in listing and "a.test" not in listing
    second = officer_client.get("/officer/webhook-deliveries/?tenant=globex&page=2").content.decode()
    assert _links(second, "delivery-list") == 1  # the delivered one is not failing
    every = officer_client.get("/officer/webhook-deliveries/?tenant=globex&state=all&page=2").content.decode()
    assert _links(every, "delivery-list") == 2 and "delivered" in every


@pytest.mark.django_db
def test_dashboard_shows_the_latest_signed_head_and_checks_its_signature(officer_client):
    html = officer_client.get("/officer/").content.decode()
    assert "No signed head yet." in html.split('id="latest-head"', 1)[1].split("</div>\n  <div", 1)[0]

    with transaction.atomic():
        audit_append(actor=Actor.system("test"), action="test.event", object_type="test", object_id="1")
    head = audit_integrate()
    card = officer_client.get("/officer/").content.decode().split('id="latest-head"', 1)[1][:1200]
    assert f'<div class="figure">{head.tree_size}</div>' in card
    assert bytes(head.root_hash).hex() in card and "signature valid" in card
    assert datetime.fromtimestamp(head.timestamp / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S") in card

    # A head whose signature does not hold under the published key is shown as such.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_audittreehead DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE core_audittreehead SET signature = %s WHERE tree_size = %s", [b"\0" * 64, head.tree_size]
        )
        cursor.execute("ALTER TABLE core_audittreehead ENABLE TRIGGER USER")
    html = officer_client.get("/officer/").content.decode()
    assert 'class="card broken" id="latest-head"' in html
    assert "signature INVALID" in html.split('id="latest-head"', 1)[1][:1200]
    assert AuditTreeHead.objects.count() == 1 and AuditEvent.objects.count() >= 1


@pytest.mark.django_db
def test_order_page_links_its_evidence_pack(officer_client, tenant):
    order = make_order(reference="EV-1", deadline_in=timedelta(days=3))
    page = officer_client.get(f"/officer/orders/{order.pk}/").content.decode()
    assert f'href="/officer/orders/{order.pk}/evidence.zip"' in page
    download = officer_client.get(f"/officer/orders/{order.pk}/evidence.zip")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download.content[:2] == b"PK"
