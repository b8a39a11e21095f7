"""The subject's consent page through Django's test client: the emailed link, withdrawal, and refused links."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from consent.links import CONSENT_PAGE_LINK
from core.models import AuditEvent
from policy.selectors import consents_in_force
from tests import factories

pytestmark = pytest.mark.django_db


def portal_url(subject):
    return CONSENT_PAGE_LINK.url(subject.id)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def subject():
    return factories.subject_created(factories.tenant_created("acme"), "US-IL", email="ada@example.org")


def _grant_and_get_link(subject, mailoutbox, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        consent = factories.consent_granted(subject, **kwargs)
    message = mailoutbox[-1]
    assert message.to == ["ada@example.org"]
    link = re.search(r"https?://\S+/portal/c/\S+/", message.body).group(0)
    assert link.startswith(settings.PUBLIC_BASE_URL)
    return consent, _path(link)


def test_each_grant_emails_a_link_after_commit(subject, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        factories.consent_granted(subject)
    assert mailoutbox == [] and len(callbacks) == 1  # nothing is sent before the consent exists for good
    callbacks[0]()
    assert len(mailoutbox) == 1 and "/portal/c/" in mailoutbox[0].body


def test_no_email_for_a_subject_without_one(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.consent_granted(factories.subject_created(factories.tenant_created("acme"), email=""))
    assert mailoutbox == []


def test_page_lists_consents_in_plain_language(client, subject, mailoutbox, django_capture_on_commit_callbacks):
    expires = timezone.now() + timedelta(days=90)
    consent, link = _grant_and_get_link(subject, mailoutbox, django_capture_on_commit_callbacks, expires_at=expires)
    other = factories.consent_granted(subject, purpose="access_control")
    bob = factories.subject_created(subject.tenant, email="bob@example.org")
    factories.consent_granted(bob, purpose="identity_verification")  # not Ada's
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Fraud prevention" in html and "to prevent fraud" in html and "Access control" in html
    assert "Identity check" not in html and "comparing a new photo" not in html
    assert consent.notice.text in html and f"version {consent.notice.version}" in html
    assert expires.strftime("%Y") in html and html.count("Withdraw this consent") == 2
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    assert str(other.id) in html


def test_withdraw_needs_a_confirmation_then_takes_effect(
    client, subject, mailoutbox, django_capture_on_commit_callbacks
):
    consent, link = _grant_and_get_link(subject, mailoutbox, django_capture_on_commit_callbacks)
    confirm = client.get(link)
    withdraw_path = re.search(r'href="([^"]+/withdraw/[^"]+)"', confirm.content.decode()).group(1)
    page = client.get(withdraw_path)
    assert page.status_code == 200 and "Yes, withdraw my consent" in page.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None  # looking is not withdrawing

    done = client.post(withdraw_path, follow=True)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not consents_in_force(at=timezone.now()).filter(pk=consent.pk).exists()
    assert done.redirect_chain[-1][0] == link
    html = done.content.decode()
    assert "is withdrawn" in html and "Withdrawn on" in html and "Withdraw this consent" not in html
    event = AuditEvent.objects.get(action="consent.withdraw", object_id=str(consent.id))
    assert event.actor == f"subject:{subject.id}"
    # A second POST (double click, back button) changes nothing.
    first_time = consent.withdrawn_at
    client.post(withdraw_path)
    consent.refresh_from_db()
    assert consent.withdrawn_at == first_time


def test_withdraw_without_csrf_token_is_refused(subject):
    consent = factories.consent_granted(subject)
    path = f"{_path(portal_url(subject))}withdraw/{consent.id}/"
    response = Client(enforce_csrf_checks=True).post(path)
    assert response.status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def _assert_plain_error(response, status, *secrets):
    html = response.content.decode()
    assert response.status_code == status and "This link does not work" in html
    for secret in secrets:
        assert secret not in html


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "x" + t,  # payload changed
        lambda t: "not-a-token",
    ],
)
def test_tampered_link_shows_a_plain_error_page(client, subject, tamper):
    consent = factories.consent_granted(subject)
    token = _path(portal_url(subject)).split("/")[3]
    response = client.get(f"/portal/c/{tamper(token)}/")
    _assert_plain_error(response, 400, subject.email, consent.notice.text, str(consent.id))
    response = client.post(f"/portal/c/{tamper(token)}/withdraw/{consent.id}/")
    _assert_plain_error(response, 400)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_expired_link_shows_a_plain_error_page(client, subject):
    consent = factories.consent_granted(subject)
    link = _path(portal_url(subject))
    with time_machine.travel(timezone.now() + timedelta(days=settings.PORTAL_LINK_MAX_AGE_DAYS, hours=1)):
        _assert_plain_error(client.get(link), 400, consent.notice.text)
    assert client.get(link).status_code == 200


def test_a_link_cannot_withdraw_someone_elses_consent(client, subject):
    factories.consent_granted(subject)
    bob = factories.subject_created(subject.tenant, email="bob@example.org")
    bobs = factories.consent_granted(bob)
    response = client.post(f"{_path(portal_url(subject))}withdraw/{bobs.id}/")
    _assert_plain_error(response, 404, "bob@example.org")
    bobs.refresh_from_db()
    assert bobs.withdrawn_at is None


def test_erased_subject_link_shows_nothing(client, subject):
    consent = factories.consent_granted(subject)
    link = _path(portal_url(subject))
    type(subject).objects.filter(pk=subject.pk).update(erased_at=timezone.now())
    _assert_plain_error(client.get(link), 400, consent.notice.text)


def test_an_unreachable_mail_server_does_not_fail_the_committed_consent(
    client, settings, subject, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens on 1
    tenant = subject.tenant
    raw = factories.api_key_created(tenant)[1]
    notice = factories.notice_created(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/subjects/{subject.id}/consents",
            {
                "purpose": "fraud_prevention",
                "notice": str(notice.id),
                "method": "written_release",
            },
            content_type="application/json",
            **factories.auth(raw),
        )
    assert response.status_code == 201
    assert "could not email the portal link" in caplog.text
