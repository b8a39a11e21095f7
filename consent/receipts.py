"""Consent receipts after the Kantara Initiative Consent Receipt Specification v1.1: JSON, and the same fields as a
JWT signed EdDSA with the platform key (verifiable with the key at /.well-known/jwks.json).

A receipt says the consent's state when it was issued; its `statusUrl` (public, signed) says whether the consent
is in force now, so a receipt kept from before a withdrawal is not taken for a consent in force."""

from __future__ import annotations

import time

from django.conf import settings
from django.urls import reverse

from consent.links import receipt_status_url
from consent.models import Consent
from core.jws import jwt_sign

KANTARA_VERSION = "KI-CR-v1.1.0"

PURPOSE_CATEGORY = {
    "identity_verification": "Identity verification (1:1 comparison with your enrolled face)",
    "fraud_prevention": "Fraud prevention (search of your face among enrolled faces)",
    "access_control": "Access control (search of your face among enrolled faces)",
}


def _termination(consent: Consent) -> str:
    parts = ["Withdrawal by the PII principal at any time"]
    if consent.expires_at:
        parts.append(f"expiry at {consent.expires_at.isoformat()}")
    if consent.notice.retention_days is not None:
        parts.append(f"face data deleted at most {consent.notice.retention_days} days after the purpose ends")
    return "; ".join(parts)


def consent_receipt(consent: Consent) -> dict:
    subject = consent.subject
    tenant = subject.tenant
    notice = consent.notice
    return {
        "version": KANTARA_VERSION,
        "jurisdiction": subject.jurisdiction_id,
        "consentTimestamp": int(consent.granted_at.timestamp()),
        "collectionMethod": consent.get_method_display(),
        "consentReceiptID": str(consent.id),
        "language": "en",
        "piiPrincipalId": str(subject.id),
        "piiControllers": [
            {
                "piiController": tenant.name,
                "piiControllerId": str(tenant.id),
                "onBehalf": False,
                "contact": tenant.contact,
                "address": tenant.address,
                "email": tenant.email,
                "phone": tenant.phone,
                "piiControllerUrl": tenant.url,
            }
        ],
        "policyUrl": settings.PUBLIC_BASE_URL.rstrip("/")
        + reverse("consent-portal:notice", kwargs={"notice_id": notice.id}),
        "services": [
            {
                "service": "Facegate face matching",
                "purposes": [
                    {
                        "purpose": consent.purpose,
                        "purposeCategory": [PURPOSE_CATEGORY.get(consent.purpose, consent.get_purpose_display())],
                        "consentType": "EXPLICIT",
                        "piiCategory": ["Biometric template (face)"],
                        "primaryPurpose": True,
                        "termination": _termination(consent),
                        "thirdPartyDisclosure": False,
                    }
                ],
            }
        ],
        "sensitive": True,
        "spiCat": ["biometric"],
        # Facegate extension: the exact text agreed to, and the consent's current state.
        "notice": {"id": str(notice.id), "version": notice.version, "sha256": consent.notice_sha256},
        "expiresAt": consent.expires_at.isoformat() if consent.expires_at else None,
        "withdrawnAt": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
        "statusUrl": receipt_status_url(consent.id),
    }


def consent_receipt_jwt(consent: Consent) -> str:
    """The receipt's fields as JWT claims, with the issuer and the time of issue (the receipt says the consent's
    state at that time)."""
    return jwt_sign({"iss": settings.PUBLIC_BASE_URL.rstrip("/"), "iat": int(time.time()), **consent_receipt(consent)})
