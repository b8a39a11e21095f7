"""Signed, expiring links to a subject's consent page. The token carries only the subject id."""
from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse

from consent.models import Consent, Subject
from consent.wording import purpose_title

_SALT = "consent.portal"


class InvalidLink(Exception):
    """Tampered, expired or malformed: the portal shows one plain error page for all of them."""


def portal_token(subject: Subject) -> str:
    return signing.dumps(str(subject.id), salt=_SALT)


def portal_token_subject_id(token: str) -> str:
    try:
        return signing.loads(token, salt=_SALT, max_age=settings.PORTAL_LINK_MAX_AGE_DAYS * 86400)
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
        raise InvalidLink(str(exc)) from exc


def portal_url(subject: Subject) -> str:
    path = reverse("consent-portal:consents", kwargs={"token": portal_token(subject)})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def portal_link_send(*, subject: Subject, consent: Consent) -> None:
    """Tell the subject what they agreed to and how to take it back (GDPR Art. 7(3))."""
    send_mail(
        subject="Your consent to the use of your face data",
        message=(
            f"You gave {subject.tenant.name} your consent for: {purpose_title(consent.purpose)}.\n"
            f"Notice version {consent.notice.version}, recorded {consent.granted_at:%d %B %Y %H:%M} UTC.\n\n"
            f"See your consents and withdraw any of them at any time here:\n{portal_url(subject)}\n\n"
            f"This link is personal and works for {settings.PORTAL_LINK_MAX_AGE_DAYS} days.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[subject.email],
    )
