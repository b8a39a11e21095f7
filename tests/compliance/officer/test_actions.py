"""The officer UI's buttons and forms: each calls one compliance service, and a refusal is shown, never a 500."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from core.models import AuditEvent
from policy.models import LegalHold, OrderStatus, RegulatorOrder

from .conftest import PASSWORD, make_hold, make_order, make_subject, post_confirmed


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _last_event():
    return AuditEvent.objects.order_by("-seq").first()


@pytest.mark.django_db
def test_recording_a_suspension_order_puts_it_in_force_and_audits_the_officer(officer_client, tenant):
    response = post_confirmed(
        officer_client,
        "/officer/orders/new/",
        {
            "regulator": "Garante (IT)",
            "reference": "DOC-9870832",
            "action": "suspend_processing",
            "jurisdictions": "it, gb",
            "tenants": "acme",
            "subjects": "",
            "received_at": "2026-11-20T09:30",
            "deadline": "",
        },
        follow=True,
    )
    order = RegulatorOrder.objects.get(reference="DOC-9870832")
    assert response.redirect_chain[-1][0] == f"/officer/orders/{order.pk}/"
    assert order.scope_jurisdictions == ["GB", "IT"] and order.scope_tenants == [tenant.pk]
    assert order.received_at.isoformat().startswith("2026-11-20T09:30")
    assert (_last_event().action, _last_event().actor) == ("order.create", "user:olivia")
    assert "in force from now" in " ".join(_messages(response))
    dashboard = officer_client.get("/officer/").content.decode()
    assert "DOC-9870832" in dashboard and "In force" in dashboard


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scope, error",
    [
        ({"jurisdictions": "", "tenants": "", "subjects": ""}, "(empty_scope)"),
        ({"jurisdictions": "XX", "tenants": "", "subjects": ""}, "(unknown_jurisdiction)"),
        ({"jurisdictions": "", "tenants": "", "subjects": "not-a-uuid"}, "Not a subject id: not-a-uuid"),
    ],
)
def test_a_refused_order_is_shown_on_the_form_and_nothing_is_recorded(officer_client, scope, error):
    response = officer_client.post(
        "/officer/orders/new/",
        {"regulator": "UK ICO", "reference": "ENF-1", "action": "erase", "received_at": "2026-11-20T09:30", **scope},
    )
    assert response.status_code == 200 and error in response.content.decode()
    assert not RegulatorOrder.objects.exists()


@pytest.mark.django_db
def test_place_and_release_a_legal_hold(officer_client, tenant):
    subject = make_subject(tenant, "c-1")
    response = officer_client.post(
        "/officer/holds/new/",
        {
            "reason": "Doe v. Acme, case 22-cv-1",
            "subjects": str(subject.pk),
            "jurisdictions": "",
            "tenants": "",
            "expires_at": "",
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.scope_subjects == [subject.pk] and hold.created_by == "user:olivia"
    assert "Doe v. Acme" in officer_client.get("/officer/").content.decode()

    released = post_confirmed(officer_client, f"/officer/holds/{hold.pk}/release/", {"next": "/officer/"}, follow=True)
    hold.refresh_from_db()
    assert hold.released_at is not None and _last_event().action == "legal_hold.release"
    assert "Legal hold released" in " ".join(_messages(released))
    assert 'id="holds"' not in released.content.decode()  # no hold in force any more

    again = officer_client.post(f"/officer/holds/{hold.pk}/release/", follow=True)  # refused at the preview
    assert again.status_code == 200 and "Refused" in " ".join(_messages(again))


@pytest.mark.django_db
def test_release_redirects_only_to_this_site(officer_client):
    hold = make_hold(subjects=[])
    response = post_confirmed(officer_client, f"/officer/holds/{hold.pk}/release/", {"next": "https://evil.example/"})
    assert response["Location"] == "/officer/"


@pytest.mark.django_db
def test_record_an_exception_for_a_held_subject(officer_client, tenant):
    held = make_subject(tenant, "c-held")
    order = make_order(
        reference="HOLD-2", deadline_in=timedelta(days=9), status=OrderStatus.BLOCKED_BY_HOLD, held=[held.pk]
    )
    url = f"/officer/orders/{order.pk}/exceptions/"

    empty = officer_client.post(url, {"subject": str(held.pk), "reason": "  "}, follow=True)
    assert "needs a reason" in " ".join(_messages(empty))

    done = officer_client.post(url, {"subject": str(held.pk), "reason": "Evidence in Doe v. Acme"}, follow=True)
    order.refresh_from_db()
    assert order.held_subjects == [] and order.exceptions[0]["reason"] == "Evidence in Doe v. Acme"
    assert order.exceptions[0]["by"] == "user:olivia" and _last_event().action == "order.exception"
    assert "Evidence in Doe v. Acme" in done.content.decode()

    not_held = officer_client.post(url, {"subject": str(held.pk), "reason": "again"}, follow=True)
    assert "Refused" in " ".join(_messages(not_held))


@pytest.mark.django_db
def test_officer_confirms_an_erasure_request(officer_client, tenant):
    subject = make_subject(tenant, "c-7")
    now = timezone.now()
    request = ErasureRequest.objects.create(
        jurisdiction_id="GB",
        tenant=tenant,
        external_ref="c-7",
        subject=subject,
        status=ErasureStatus.AWAITING_OFFICER,
        received_at=now,
        verified_at=now,
        due_at=now + timedelta(days=30),
    )
    page = f"/officer/erasure-requests/{request.pk}/"
    assert "Confirm erasure" in officer_client.get("/officer/").content.decode()
    assert "Confirm erasure" in officer_client.get(page).content.decode()
    response = post_confirmed(officer_client, f"{page}confirm/", {"next": page}, follow=True)
    assert response.redirect_chain[-1][0] == page
    request.refresh_from_db()
    assert request.status == ErasureStatus.RUNNING and _last_event().action == "erasure_request.officer_confirm"
    again = officer_client.post(f"/officer/erasure-requests/{request.pk}/confirm/", follow=True)
    assert "Refused" in " ".join(_messages(again)) and response.status_code == 200


@pytest.mark.django_db
def test_actions_refuse_non_officers_and_get(client, officer):
    hold = make_hold(subjects=[])
    client.force_login(officer)
    assert client.get(f"/officer/holds/{hold.pk}/release/").status_code == 405
    client.force_login(get_user_model().objects.create_user("sam", password=PASSWORD, is_staff=True))
    for url in (
        f"/officer/holds/{hold.pk}/release/",
        "/officer/orders/new/",
        "/officer/holds/new/",
        "/officer/audit/verify/",
    ):
        assert client.post(url).status_code == 403
    hold.refresh_from_db()
    assert hold.released_at is None


@pytest.mark.django_db
def test_officer_sees_each_selfie_candidates_distance_and_modelled_fpir(officer_client, tenant):
    near, far = make_subject(tenant, "s-1"), make_subject(tenant, "s-2")
    now = timezone.now()
    request = ErasureRequest.objects.create(
        email="a@x.test",
        jurisdiction_id="GB",
        lookup_status="done",
        status=ErasureStatus.AWAITING_OFFICER,
        candidates=[near.pk, far.pk],
        candidate_scores={
            str(near.pk): {"distance": 0.021, "fpir_at_score": 0.000012},
            str(far.pk): {"distance": 0.0587, "fpir_at_score": 0.4213},
        },
        received_at=now,
        due_at=now + timedelta(days=30),
    )
    page = officer_client.get(f"/officer/erasure-requests/{request.pk}/").content.decode()
    table = page[page.index('id="candidates"') :]
    assert "Modelled FPIR" in table and "0.021" in table and "0.0587" in table and "0.4213" in table
