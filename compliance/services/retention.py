"""Retention: officers record rules (the gate applies them at once); the hourly sweep erases what is past them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from compliance.services import eraser
from consent.models import Jurisdiction, Tenant
from core.audit import Actor, audit_append
from core.errors import Conflict, UnknownJurisdiction, UnknownTenant
from core.replica import eligibility_removed
from matching.models import FaceTemplate
from policy.models import RetentionRule
from policy.selectors import subjects_without_consent_in_force, templates_past_retention

log = logging.getLogger(__name__)
CAUSES = ("retention", "withdrawal")


class RetentionRuleExists(Conflict):
    code = "retention_rule_exists"
    default_message = "The same retention limit is already in force."


@transaction.atomic
def retention_rule_create(
    *,
    jurisdiction: str | None,
    tenant: str | None,
    purpose: str,
    anchor: str,
    max_age_months: int = 0,
    max_age_days: int = 0,
    citation: str,
    actor: Actor,
) -> RetentionRule:
    """A retention limit; the gate and the hourly sweep apply it from this commit on."""
    jurisdiction_obj = tenant_obj = None
    if jurisdiction:
        jurisdiction_obj = Jurisdiction.objects.filter(code=jurisdiction.upper()).first()
        if jurisdiction_obj is None:
            raise UnknownJurisdiction(jurisdiction=jurisdiction)
    if tenant:
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if tenant_obj is None:
            raise UnknownTenant(tenant=tenant)
    limit = dict(
        jurisdiction=jurisdiction_obj,
        tenant=tenant_obj,
        purpose=purpose,
        anchor=anchor,
        max_age_months=max_age_months,
        max_age_days=max_age_days,
    )
    if existing := RetentionRule.objects.filter(active=True, **limit).first():
        raise RetentionRuleExists(rule=existing.pk)
    try:
        with transaction.atomic():  # the unique index decides a race between two officers
            rule = RetentionRule.objects.create(citation=citation, **limit)
    except IntegrityError as exc:
        raise RetentionRuleExists() from exc
    eligibility_removed()
    audit_append(
        actor=actor,
        action="retention_rule.create",
        obj=rule,
        details={
            "jurisdiction": jurisdiction_obj and jurisdiction_obj.code,
            "tenant": tenant,
            "purpose": purpose,
            "anchor": anchor,
            "max_age_months": max_age_months,
            "max_age_days": max_age_days,
            "citation": citation,
        },
    )
    return rule


@transaction.atomic
def retention_rule_deactivate(*, rule: RetentionRule, actor: Actor) -> RetentionRule:
    """The gate and the sweep stop applying it from this commit; the row stays (what was erased under it)."""
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    if rule.active:
        rule.active = False
        rule.save(update_fields=["active"])
        audit_append(actor=actor, action="retention_rule.deactivate", obj=rule, details={})
    return rule


def retention_sweep(*, at: datetime, dry_run: bool, actor: Actor) -> dict[str, Any]:
    """Erase the templates past a retention limit, and those of subjects without any consent in force whose
    last consent ended more than WITHDRAWN_TEMPLATE_GRACE_HOURS ago.

    Only templates (with their enrolment rows) go: the subject record and its consent ledger stay, because the
    relationship with the tenant may continue (a new consent, a new enrolment); a full erasure is what orders
    and requests do. The sweep runs tenant by tenant, so one tenant's failure (reported under "failed") never
    stops it for the others; each non-empty group of a tenant gets its own certificate (cause retention /
    withdrawal). "retention" and "withdrawal" sum the tenants.
    """
    report: dict[str, Any] = {"at": at.isoformat(), "dry_run": dry_run, "tenants": {}, "failed": {}}
    totals: dict[str, dict[str, Any]] = {
        cause: {"templates": 0, "subjects": 0, "erased": 0, "held_subjects": [], "certificates": []} for cause in CAUSES
    }
    tenants = Tenant.objects.filter(pk__in=FaceTemplate.objects.values("tenant_id")).order_by("slug")
    for tenant in tenants:
        try:
            entries = _sweep_tenant(tenant, at=at, dry_run=dry_run, actor=actor)
        except Exception as exc:
            log.exception("retention sweep failed for tenant %s", tenant.slug)
            report["failed"][tenant.slug] = type(exc).__name__
            continue
        report["tenants"][tenant.slug] = entries
        for cause, entry in entries.items():
            total = totals[cause]
            total["templates"] += entry["templates"]
            total["subjects"] += entry["subjects"]
            total["erased"] += entry.get("erased", 0)
            total["held_subjects"] += entry.get("held_subjects", [])
            if entry["certificate"]:
                total["certificates"].append(entry["certificate"])
    report.update(totals)
    return report


def _sweep_tenant(tenant: Tenant, *, at: datetime, dry_run: bool, actor: Actor) -> dict[str, dict[str, Any]]:
    grace = timedelta(hours=settings.WITHDRAWN_TEMPLATE_GRACE_HOURS)
    own = FaceTemplate.objects.filter(tenant=tenant)
    past = FaceTemplate.objects.filter(pk__in=templates_past_retention(own, at=at).values("pk"))
    lapsed = subjects_without_consent_in_force(own, before=at - grace, at=at)
    withdrawn = own.filter(subject__in=lapsed).exclude(pk__in=past.values("pk"))
    # The reads in a transaction of their own: a failing statement rolls back only this tenant's reads.
    with transaction.atomic():
        found = {
            cause: list(qs.values_list("pk", "subject_id")) for cause, qs in zip(CAUSES, (past, withdrawn), strict=True)
        }
    entries: dict[str, dict[str, Any]] = {}
    for cause, rows in found.items():
        entry: dict[str, Any] = {"templates": len(rows), "subjects": len({r[1] for r in rows}), "certificate": None}
        if rows and not dry_run:
            cert = eraser.templates_erase(
                template_ids=[r[0] for r in rows],
                cause=cause,
                cause_id=f"sweep:{at.isoformat()}",
                actor=actor,
                scope={
                    "sweep_at": at.isoformat(),
                    "tenant": tenant.slug,
                    "rule": "retention limit"
                    if cause == "retention"
                    else f"no consent in force for {settings.WITHDRAWN_TEMPLATE_GRACE_HOURS} h",
                },
            )
            entry.update(
                certificate=str(cert.pk),
                erased=cert.counts.get(eraser.TEMPLATES, 0),
                held_subjects=cert.scope["held_subjects"],
            )
        entries[cause] = entry
    return entries
