"""Consent-ledger fixtures built through the services, so every row is one the product could have written."""
from __future__ import annotations

import itertools

from compliance.audit import Actor
from consent import services
from consent.models import CONSENTABLE_PURPOSES

SYSTEM = Actor.system("tests")
_seq = itertools.count()


def tenant(slug: str | None = None):
    slug = slug or f"tenant-{next(_seq)}"
    return services.tenant_create(slug=slug, name=slug.title(), actor=SYSTEM)[0]


def api_key(tenant_obj, purposes=None):
    """Returns (key, raw secret)."""
    return services.api_key_create(tenant=tenant_obj, purposes=purposes or list(CONSENTABLE_PURPOSES), actor=SYSTEM)


def auth(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def subject(tenant_obj, jurisdiction="GB", email="person@example.org", external_ref=None):
    return services.subject_create(tenant=tenant_obj, external_ref=external_ref or f"ref-{next(_seq)}",
                                   jurisdiction=jurisdiction, email=email, actor=SYSTEM)


def notice(tenant_obj, purpose="fraud_prevention", version=None, text="We compare your face to stop fraud."):
    return services.notice_create(tenant=tenant_obj, purpose=purpose, version=version or f"v{next(_seq)}",
                                  text=text, retention_days=365, actor=SYSTEM)


def consent(subject_obj, purpose="fraud_prevention", notice_obj=None, method="written_release", evidence=None,
            expires_at=None):
    notice_obj = notice_obj or notice(subject_obj.tenant, purpose=purpose)
    return services.consent_grant(subject=subject_obj, purpose=purpose, notice=notice_obj, method=method,
                                  evidence=evidence or {}, expires_at=expires_at, actor=SYSTEM)
