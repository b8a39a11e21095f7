"""The signed, expiring link to a subject's consent page (the token carries only the subject id), and the signed
status link a consent receipt carries (consent id and signature; it never expires)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from consent.models import Consent, Subject
from consent.wording import purpose_title
from core.links import SignedLink

CONSENT_PAGE_LINK = SignedLink(salt="consent.portal", url_name="consent-portal:consents")
# No timestamp: the same consent always gets the same URL (the JSON receipt and its JWT say the same thing), and a
# receipt can be checked for as long as it is kept. SECRET_KEY_FALLBACKS keep the links of a rotated key working.
RECEIPT_STATUS_SIGNER = signing.Signer(salt="consent.receipt-status")


def receipt_status_url(consent_id) -> str:
    """Public: whoever holds the receipt may ask whether its consent is still in force, without credentials."""
    token = RECEIPT_STATUS_SIGNER.sign(str(consent_id))
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("consent-receipt-status", kwargs={"token": token})


def receipt_status_consent_id(token: str) -> str | None:
    """The consent id a status link names; None when the signature does not hold (a guessed or edited link)."""
    try:
        return RECEIPT_STATUS_SIGNER.unsign(token)
    except signing.BadSignature:
        return None


@dataclass(frozen=True)
class PortalLink:
    url: str
    expires_at: datetime


def portal_link(subject: Subject) -> PortalLink:
    expires_at = timezone.now() + timedelta(days=settings.PORTAL_LINK_MAX_AGE_DAYS)
    return PortalLink(url=CONSENT_PAGE_LINK.url(subject.id), expires_at=expires_at)


def portal_link_send(*, subject: Subject, consent: Consent) -> None:
    """Tell the subject what they agreed to and how to take it back (GDPR Art. 7(3))."""
    send_mail(
        subject="Your consent to the use of your face data",
        message=(
            f"You gave {subject.tenant.name} your consent for: {purpose_title(consent.purpose)}.\n"
            f"Notice version {consent.notice.version}, recorded {consent.granted_at:%d %B %Y %H:%M} UTC.\n\n"
            f"See your consents and withdraw any of them at any time here:\n{CONSENT_PAGE_LINK.url(subject.id)}\n\n"
            f"This link is personal and works for {settings.PORTAL_LINK_MAX_AGE_DAYS} days.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[subject.email],
    )
