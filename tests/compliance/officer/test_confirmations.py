"""Every irreversible or wide officer action asks first: its first POST renders a preview (subjects, templates,
tenants, holds in conflict, deadlines) and changes nothing; only the POST of the preview's Confirm form, whose
signed token matches its inputs, acts. A forged token, or a token with changed inputs, is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from consent.models import Tenant
from core.models import AuditEvent
from matching.models import FaceTemplate
from policy.models import LegalHold, OrderStatus, RegulatorOrder

from .conftest import confirm_form, make_hold, make_order, make_subject

pytestmark = pytest.mark.django_db

ORDER_FORM = {
    "regulator": "UK ICO",
    "reference": "ENF-GB-1",
    "action": "erase",
    "jurisdictions": "GB",
    "tenants": "",
    "subjects": "",
    "received_at": "2026-11-20T09:30",
    "deadline": "2026-12-20T09:30",
}


def _template(subject):
    return FaceTemplate.objects.create(
        tenant=subject.tenant,
        subject=subject,
        model_name="Dlib",
        detector="dlib",
        embedding=[0.1] * 128,
        source_sha256="d" * 64,
    )


def _between(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</td>", start)]


def _awaiting_request(tenant, subject, **fields):
    now = timezone.now()
    return ErasureRequest.objects.create(
        jurisdiction_id="GB",
        tenant=tenant,
        external_ref=subject.external_ref,
        subject=subject,
        email="someone@x.test",
        status=fields.pop("status", ErasureStatus.AWAITING_OFFICER),
        received_at=now - timedelta(days=2),
        verified_at=now,
        due_at=now + timedelta(days=28),
        **fields,
    )


def test_an_erase_order_over_a_jurisdiction_is_previewed_then_recorded_on_confirm(officer_client, tenant):
    other = Tenant.objects.create(slug="globex", name="Globex")
    british = [make_subject(tenant, f"gb-{i}") for i in range(3)] + [make_subject(other, "gb-x")]
    make_subject(tenant, "fr-1", jurisdiction="FR")
    for subject in british[:2]:
        _template(subject)
    hold = make_hold(subjects=[british[0].pk], reason="Doe v. Acme")

    preview = officer_client.post("/officer/orders/new/", ORDER_FORM)
    html = preview.content.decode()
    assert preview.status_code == 200 and not RegulatorOrder.objects.exists()
    assert "Nothing has been done yet" in html and "Erases 3 of the 4 subject(s)" in html
    assert _between(html, "preview-subjects").endswith(">4") and _between(html, "preview-templates").endswith(">2")
    assert "acme (3)" in html and "globex (1)" in html and "fr-1" not in html
    assert "Doe v. Acme" in _between(html, "preview-holds") and "1 subject(s) kept by them" in html
    assert "Order deadline: 2026-12-20 09:30 UTC" in html
    assert "onsubmit" not in html and "<script" not in html

    done = officer_client.post("/officer/orders/new/", confirm_form(html))
    order = RegulatorOrder.objects.get()
    assert done["Location"] == f"/officer/orders/{order.pk}/"
    assert order.scope_jurisdictions == ["GB"] and hold.pk and AuditEvent.objects.filter(action="order.create").exists()


def test_a_suspension_order_is_previewed_and_recorded_in_force_on_confirm(officer_client, tenant):
    make_subject(tenant, "c-1")
    form = {**ORDER_FORM, "action": "suspend_processing", "jurisdictions": "", "tenants": "acme", "deadline": ""}
    html = officer_client.post("/officer/orders/new/", form).content.decode()
    assert not RegulatorOrder.objects.exists()
    assert "no match or verification uses" in html and "holds only block erasure" in html
    officer_client.post("/officer/orders/new/", confirm_form(html))
    assert RegulatorOrder.objects.get().status == OrderStatus.DONE


def test_a_changed_input_or_a_forged_token_records_nothing(officer_client, tenant):
    make_subject(tenant, "c-1")
    make_subject(tenant, "us-1", jurisdiction="US-TX")
    inputs = confirm_form(officer_client.post("/officer/orders/new/", ORDER_FORM).content.decode())

    widened = officer_client.post("/officer/orders/new/", {**inputs, "jurisdictions": ["GB US-TX"]})
    html = widened.content.decode()
    assert widened.status_code == 400 and not RegulatorOrder.objects.exists()
    assert "does not match its preview" in html and "Erases 2 of the 2 subject(s)" in html  # the new scope, shown

    forged = officer_client.post(
        "/officer/orders/new/", {**inputs, "confirm_token": ["x" + inputs["confirm_token"][0]]}
    )
    assert forged.status_code == 400 and not RegulatorOrder.objects.exists()

    # A token is bound to its page: one hold's preview does not release another.
    first, second = make_hold(subjects=[]), make_hold(subjects=[])
    token = confirm_form(officer_client.post(f"/officer/holds/{first.pk}/release/").content.decode())
    replayed = officer_client.post(f"/officer/holds/{second.pk}/release/", token)
    assert replayed.status_code == 400 and not LegalHold.objects.filter(released_at__isnull=False).exists()


def test_a_confirmation_acts_once_a_double_click_records_one_order(officer_client, tenant):
    make_subject(tenant, "c-1")
    confirm = confirm_form(officer_client.post("/officer/orders/new/", ORDER_FORM).content.decode())
    assert officer_client.post("/officer/orders/new/", confirm).status_code == 302
    again = officer_client.post("/officer/orders/new/", confirm)
    # Refused twice over: the token is spent, and the regulator's reference now names an order.
    html = again.content.decode()
    assert ("already used" in html or "(order_reference_exists)" in html) and 'id="confirm-form"' not in html
    assert RegulatorOrder.objects.count() == 1


def test_the_order_preview_can_go_back_to_the_filled_form(officer_client, tenant):
    inputs = confirm_form(officer_client.post("/officer/orders/new/", ORDER_FORM).content.decode())
    edit = officer_client.post("/officer/orders/new/", {**inputs, "edit": "1"})
    html = edit.content.decode()
    assert 'class="officer-form"' in html and 'value="ENF-GB-1"' in html and not RegulatorOrder.objects.exists()


def test_a_refused_order_is_refused_at_the_preview(officer_client):
    response = officer_client.post("/officer/orders/new/", {**ORDER_FORM, "jurisdictions": "XX"})
    assert (
        "(unknown_jurisdiction)" in response.content.decode() and 'id="confirm-form"' not in response.content.decode()
    )


def test_releasing_a_hold_shows_what_it_resumes_and_releases_only_on_confirm(officer_client, tenant):
    held = make_subject(tenant, "c-held")
    _template(held)
    hold = make_hold(subjects=[held.pk], reason="Preserve for Doe v. Acme")
    order = make_order(
        reference="OPC-QC-7", deadline_in=timedelta(days=9), status=OrderStatus.BLOCKED_BY_HOLD, held=[held.pk]
    )
    url = f"/officer/holds/{hold.pk}/release/"

    preview = officer_client.post(url, {"next": f"/officer/orders/{order.pk}/"})
    html = preview.content.decode()
    hold.refresh_from_db()
    assert preview.status_code == 200 and hold.released_at is None
    assert "1 subject(s) it kept are erased" in html and "c-held" in html
    assert "UK ICO · OPC-QC-7" in html and f'href="/officer/orders/{order.pk}/"' in html
    assert _between(html, "preview-templates").endswith(">1") and "UK ICO · OPC-QC-7: " in html  # its deadline

    done = officer_client.post(url, confirm_form(html))
    hold.refresh_from_db()
    assert done["Location"] == f"/officer/orders/{order.pk}/" and hold.released_at is not None


def test_a_subject_kept_by_another_hold_is_not_promised_to_resume(officer_client, tenant):
    held = make_subject(tenant, "c-held")
    first = make_hold(subjects=[held.pk], reason="first")
    make_hold(subjects=[held.pk], reason="second")
    make_order(reference="R-2", deadline_in=timedelta(days=9), status=OrderStatus.BLOCKED_BY_HOLD, held=[held.pk])
    html = officer_client.post(f"/officer/holds/{first.pk}/release/").content.decode()
    assert "0 subject(s) it kept are erased" in html and 'id="preview-resumes"' not in html
    holds = _between(html, "preview-holds")
    assert "second" in holds and "first" not in holds and "1 subject(s) kept by them" in holds


def test_an_officers_erasure_confirmation_is_previewed_then_started(officer_client, tenant):
    subject = make_subject(tenant, "c-7")
    _template(subject)
    request = _awaiting_request(tenant, subject)
    url = f"/officer/erasure-requests/{request.pk}/confirm/"

    html = officer_client.post(url, {"next": f"/officer/erasure-requests/{request.pk}/"}).content.decode()
    request.refresh_from_db()
    assert request.status == ErasureStatus.AWAITING_OFFICER
    assert "Erases 1 of the 1 subject(s)" in html and "c-7" in html and "Request due:" in html

    officer_client.post(url, confirm_form(html))
    request.refresh_from_db()
    assert request.status == ErasureStatus.RUNNING


def test_a_refusal_is_previewed_then_recorded(officer_client, tenant):
    subject = make_subject(tenant, "c-7")
    request = _awaiting_request(tenant, subject)
    url = f"/officer/erasure-requests/{request.pk}/refuse/"

    html = officer_client.post(url, {"basis": "GDPR Art. 17(3)(e)"}).content.decode()
    request.refresh_from_db()
    assert request.status == ErasureStatus.AWAITING_OFFICER and not request.refusal_basis
    assert "Refuses the request for all 1 subject(s)" in html and "17(3)(e)" in html

    officer_client.post(url, confirm_form(html))
    request.refresh_from_db()
    assert request.status == ErasureStatus.REFUSED and request.refusal_basis == "GDPR Art. 17(3)(e)"


def test_a_refusal_without_a_basis_is_refused_at_the_preview(officer_client, tenant):
    request = _awaiting_request(tenant, make_subject(tenant, "c-7"))
    response = officer_client.post(f"/officer/erasure-requests/{request.pk}/refuse/", {"basis": " "}, follow=True)
    assert "reason_required" in response.content.decode() and 'id="confirm-form"' not in response.content.decode()
