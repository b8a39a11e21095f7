"""The officer's search, through the real view: every kind found by what an officer has in hand, grouped by kind
and linked; an exact id straight to its page; a typed e-mail address compared in its canonical form, never shown
back nor kept."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AccessRequest, ErasureRequest
from core.models import AuditEvent
from tests import factories

from .conftest import make_certificate, make_order, make_subject

pytestmark = pytest.mark.django_db


def _search(client, q):
    return client.get("/officer/search/", {"q": q})


def _request(model, tenant, ref, **fields):
    now = timezone.now()
    return model.objects.create(
        jurisdiction_id="GB",
        tenant=tenant,
        external_ref=ref,
        received_at=now,
        due_at=now + timedelta(days=30),
        **fields,
    )


def test_a_subject_reference_finds_the_subject_and_the_requests_naming_it(officer_client, tenant):
    subject = make_subject(tenant, "cust-42")
    erasure = _request(ErasureRequest, tenant, "cust-42")
    access = _request(AccessRequest, tenant, "cust-42")
    make_subject(tenant, "cust-43")

    html = _search(officer_client, "cust-42").content.decode()

    assert 'id="found-subjects"' in html and f"/officer/subjects/{subject.pk}/" in html
    assert f"/officer/erasure-requests/{erasure.pk}/" in html and f"/officer/access-requests/{access.pk}/" in html
    assert "cust-43" not in html


def test_an_email_address_finds_its_subjects_in_canonical_form_and_is_never_shown_back(officer_client, tenant):
    subject = factories.subject(tenant, email="Ann.Lee@Example.ORG")
    factories.subject(tenant, email="someone@example.org")
    events_before = AuditEvent.objects.count()

    response = _search(officer_client, "ANN.LEE@example.org")
    html = response.content.decode()

    assert f"/officer/subjects/{subject.pk}/" in html and "1 found" in html
    assert "ann.lee" not in html.lower()
    assert AuditEvent.objects.count() == events_before  # the address is not written anywhere


def test_the_sha256_of_a_canonical_address_finds_its_subject(officer_client, tenant):
    subject = factories.subject(tenant, email="Bob@Example.org")
    digest = hashlib.sha256(b"bob@example.org").hexdigest()

    html = _search(officer_client, digest).content.decode()

    assert f"/officer/subjects/{subject.pk}/" in html


def test_an_order_reference_lists_the_order_with_a_link(officer_client):
    order = make_order(reference="ENF-2026-17", deadline_in=timedelta(days=3))
    make_order(reference="ENF-2026-18", deadline_in=timedelta(days=3))

    html = _search(officer_client, "enf-2026-17").content.decode()

    assert 'id="found-orders"' in html and f"/officer/orders/{order.pk}/" in html and "ENF-2026-18" not in html


@pytest.mark.parametrize("kind", ["subject", "order", "erasure", "access", "certificate"])
def test_an_exact_id_goes_straight_to_its_page(officer_client, tenant, kind):
    made = {
        "subject": lambda: (make_subject(tenant, "x"), "subjects"),
        "order": lambda: (make_order(reference="R1", deadline_in=timedelta(days=1)), "orders"),
        "erasure": lambda: (_request(ErasureRequest, tenant, "y"), "erasure-requests"),
        "access": lambda: (_request(AccessRequest, tenant, "z"), "access-requests"),
        "certificate": lambda: (make_certificate(subjects=[]), "certificates"),
    }
    row, path = made[kind]()

    response = _search(officer_client, f"  {row.pk}  ")

    assert response.status_code == 302 and response["Location"] == f"/officer/{path}/{row.pk}/"


def test_nothing_found_and_bad_input_are_pages_not_errors(officer_client):
    assert "0 found" in _search(officer_client, "no-such-thing").content.decode()
    assert _search(officer_client, "not-an-address@").status_code == 200
    assert _search(officer_client, "").status_code == 200
    assert _search(officer_client, "x" * 321).status_code == 400


def test_the_search_box_is_on_every_console_page_and_officers_only(client, officer_client):
    assert 'role="search"' in officer_client.get("/officer/").content.decode()
    assert 'role="search"' in officer_client.get("/officer/orders/").content.decode()
    client.logout()
    assert client.get("/officer/search/", {"q": "x"}).status_code == 302
