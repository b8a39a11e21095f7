"""Writes of the consent ledger. Each runs in one transaction and appends its audit event."""
from __future__ import annotations

import secrets

from django.db import transaction

from compliance.audit import Actor, audit_append
from consent.auth import hash_key
from consent.models import CONSENTABLE_PURPOSES, ApiKey, Purpose, Tenant
from config.errors import DomainError


class UnknownPurpose(DomainError):
    code = "unknown_purpose"


@transaction.atomic
def tenant_create(*, slug: str, name: str = "", actor: Actor) -> tuple[Tenant, bool]:
    tenant, created = Tenant.objects.get_or_create(slug=slug, defaults={"name": name or slug})
    if created:
        audit_append(actor=actor, action="tenant.create", obj=tenant, details={"slug": slug})
    return tenant, created


def _validate_purposes(purposes: list[str]) -> list[str]:
    unknown = [p for p in purposes if p not in Purpose.values]
    if unknown or not purposes:
        raise UnknownPurpose(f"Unknown purposes: {unknown}", allowed=CONSENTABLE_PURPOSES)
    return sorted(set(purposes))


@transaction.atomic
def api_key_create(*, tenant: Tenant, purposes: list[str], name: str = "", actor: Actor) -> tuple[ApiKey, str]:
    """Returns the key and its secret; the secret is never stored, only its SHA-256."""
    prefix = secrets.token_hex(4)
    raw = f"fg_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        tenant=tenant, prefix=prefix, key_hash=hash_key(raw), purposes=_validate_purposes(purposes), name=name
    )
    audit_append(actor=actor, action="api_key.create", obj=key, details={"prefix": prefix, "purposes": key.purposes})
    return key, raw
