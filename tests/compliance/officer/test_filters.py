"""The lists' filters through the real views: status, jurisdiction, tenant and due window as GET parameters,
kept across paging; the due window is the one overdue rule (compliance.selectors.deadlines); a value the form does
not know is ignored with a note, never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AccessRequest, AccessStatus, ErasureRequest, ErasureStatus
from compliance.officer.list_views import PAGE_SIZE
from consent.models import Tenant
from policy.models import LegalHold, OrderStatus, RegulatorOrder

from .conftest import make_order

pytestmark = pytest.mark.django_db


def _request(model, *, due_in, status, jurisdiction="GB", tenant=None):
    now = timezone.now()
    return model.objects.create(
        jurisdiction_id=jurisdiction,
        tenant=tenant,
        status=status,
        received_at=now - timedelta(days=5),
        due_at=now + due_in,
    )


def _shown(client, url, params, rows):
    html = client.get(url, params).content.decode()
    return {row for row in rows if str(row.pk) in html}


def test_orders_by_status_jurisdiction_tenant_and_due_window(officer_client, tenant):
    late = make_order(reference="LATE", deadline_in=timedelta(hours=-1))
    soon = make_order(reference="SOON", deadline_in=timedelta(days=3), scope_tenants=[tenant.pk])
    later = make_order(reference="LATER", deadline_in=timedelta(days=20))
    RegulatorOrder.objects.filter(pk=later.pk).update(scope_jurisdictions=["US-IL"])
    done = make_order(reference="DONE", deadline_in=timedelta(hours=-1), status=OrderStatus.DONE)
    rows = [late, soon, later, done]

    assert _shown(officer_client, "/officer/orders/", {"due": "overdue"}, rows) == {late}  # done owes nothing
    assert _shown(officer_client, "/officer/orders/", {"due": "due_soon"}, rows) == {late, soon}
    assert _shown(officer_client, "/officer/orders/", {"status": "done"}, rows) == {done}
    assert _shown(officer_client, "/officer/orders/", {"jurisdiction": "US-IL"}, rows) == {later}
    assert _shown(officer_client, "/officer/orders/", {"tenant": tenant.slug}, rows) == {soon}
    assert _shown(officer_client, "/officer/orders/", {"tenant": "nobody"}, rows) == set()


def test_erasure_and_access_requests_by_status_jurisdiction_tenant_and_due(officer_client, tenant):
    other = Tenant.objects.create(slug="other", name="Other")
    late = _request(ErasureRequest, due_in=timedelta(hours=-2), status=ErasureStatus.AWAITING_OFFICER, tenant=tenant)
    waiting = _request(ErasureRequest, due_in=timedelta(hours=-2), status=ErasureStatus.AWAITING_VERIFICATION)
    texas = _request(
        ErasureRequest, due_in=timedelta(days=30), status=ErasureStatus.DONE, jurisdiction="US-TX", tenant=other
    )
    rows = [late, waiting, texas]
    url = "/officer/erasure-requests/"
    assert _shown(officer_client, url, {"due": "overdue"}, rows) == {late}
    assert _shown(officer_client, url, {"status": "done"}, rows) == {texas}
    assert _shown(officer_client, url, {"jurisdiction": "US-TX"}, rows) == {texas}
    assert _shown(officer_client, url, {"tenant": "acme", "due": "due_soon"}, rows) == {late}

    a_late = _request(AccessRequest, due_in=timedelta(days=-1), status=AccessStatus.AWAITING_OFFICER, tenant=tenant)
    a_soon = _request(AccessRequest, due_in=timedelta(days=2), status=AccessStatus.AWAITING_OFFICER, tenant=other)
    a_done = _request(AccessRequest, due_in=timedelta(days=-1), status=AccessStatus.DONE, jurisdiction="US-TX")
    rows = [a_late, a_soon, a_done]
    url = "/officer/access-requests/"
    assert _shown(officer_client, url, {"due": "overdue"}, rows) == {a_late}
    assert _shown(officer_client, url, {"due": "due_soon"}, rows) == {a_late, a_soon}
    assert _shown(officer_client, url, {"tenant": "other"}, rows) == {a_soon}
    assert _shown(officer_client, url, {"status": "done", "jurisdiction": "US-TX"}, rows) == {a_done}


def test_holds_by_state_jurisdiction_and_tenant(officer_client, tenant):
    active = LegalHold.objects.create(reason="A", created_by="o", scope_jurisdictions=["GB"])
    released = LegalHold.objects.create(
        reason="B", created_by="o", scope_tenants=[tenant.pk], released_at=timezone.now()
    )
    expired = LegalHold.objects.create(
        reason="C", created_by="o", scope_jurisdictions=["US-TX"], expires_at=timezone.now() - timedelta(days=1)
    )
    rows = [active, released, expired]
    for status, expected in [("active", active), ("released", released), ("expired", expired)]:
        assert _shown(officer_client, "/officer/holds/", {"status": status}, rows) == {expected}
    assert _shown(officer_client, "/officer/holds/", {"jurisdiction": "GB"}, rows) == {active}
    assert _shown(officer_client, "/officer/holds/", {"tenant": "acme"}, rows) == {released}


def test_the_filters_are_kept_across_pages(officer_client):
    for i in range(PAGE_SIZE + 1):
        make_order(reference=f"O-{i:03}", deadline_in=timedelta(hours=-1))
    make_order(reference="NOT-DUE", deadline_in=timedelta(days=30))

    first = officer_client.get("/officer/orders/", {"due": "overdue"}).content.decode()
    assert f"{PAGE_SIZE + 1} in all" in first
    assert 'href="?due=overdue&amp;page=2"' in first
    second = officer_client.get("/officer/orders/", {"due": "overdue", "page": 2}).content.decode()
    assert "page 2 of 2" in second and "NOT-DUE" not in second


@pytest.mark.parametrize(
    "url", ["/officer/orders/", "/officer/erasure-requests/", "/officer/access-requests/", "/officer/holds/"]
)
def test_an_unknown_value_is_ignored_not_a_500(officer_client, url):
    make_order(reference="ANY", deadline_in=timedelta(days=1))
    params = {"status": "nonsense", "jurisdiction": "XX-NOPE", "tenant": "<script>", "due": "yesterday", "page": "z"}

    response = officer_client.get(url, params)

    assert response.status_code == 200
    assert "(ignored)" in response.content.decode() and "<script>" not in response.content.decode()


def test_every_filter_has_a_label(officer_client):
    html = officer_client.get("/officer/orders/").content.decode()
    for name in ("status", "jurisdiction", "tenant", "due"):
        assert f'<label for="id_{name}">' in html
