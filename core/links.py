"""Signed, expiring links that carry one id: the consent portal and the erasure portal both use this.

The shape of Django's PasswordResetTokenGenerator: one object per kind of link, `make_token`/`check_token`,
and the full URL for the e-mail. The token carries only the id; the salt keeps kinds apart.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from core.errors import InvalidLink, LinkExpired


class SignedLink:
    def __init__(self, *, salt: str, url_name: str) -> None:
        self.salt = salt
        self.url_name = url_name

    def make_token(self, value: object) -> str:
        return signing.dumps(str(value), salt=self.salt)

    def check_token(self, token: str) -> str:
        """The id the token carries; LinkExpired past PORTAL_LINK_MAX_AGE_DAYS, InvalidLink when tampered."""
        try:
            value: str = signing.loads(token, salt=self.salt, max_age=timedelta(days=settings.PORTAL_LINK_MAX_AGE_DAYS))
        except signing.SignatureExpired:
            raise LinkExpired() from None
        except signing.BadSignature:
            raise InvalidLink() from None
        return value

    def url(self, value: object) -> str:
        path = reverse(self.url_name, kwargs={"token": self.make_token(value)})
        base: str = settings.PUBLIC_BASE_URL
        return base.rstrip("/") + path
