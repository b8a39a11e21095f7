"""Reads through the policy rules for everyone but the matcher: the consent ledger's "in force" (and a receipt's
status), who an order or hold covers, which holds are in force, and what the retention sweep must erase. Selectors
never write."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from consent.models import Consent, Subject
from policy import rules
from policy.models import LegalHold, RegulatorOrder, ScopeMatch

S = Subject._meta.db_table
C = Consent._meta.db_table
# Matching's template model, which policy may not name.
Template = TypeVar("Template", bound=Model)
Scoped = TypeVar("Scoped", RegulatorOrder, LegalHold)


def consents_in_force(*, at: datetime, subject: Subject | None = None, purpose: str | None = None) -> QuerySet[Consent]:
    """Consents in force at `at` (rule 3, exactly as the gate judges it)."""
    active_sql, params = rules.consent_in_force(at)
    sql = f"""EXISTS (SELECT 1 FROM {rules.CONSENTS} JOIN consent_subject s ON {rules.subject_of("c")}
                      WHERE c.tenant_id = {C}.tenant_id AND c.id = {C}.id AND {active_sql})"""
    qs = Consent.objects.extra(where=[sql], params=params)
    if subject is not None:
        qs = qs.filter(subject=subject)
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    return qs


def consent_status(*, consent_id: str, at: datetime) -> tuple[str, datetime | None]:
    """What a receipt's status link answers, and since when: `in_force` exactly as the gate judges it (rule 3),
    else why not: `withdrawn`, `expired`, `purpose_ended`, `erased` (the record is gone with its person's data),
    or `not_in_force` (no published notice with the text agreed to)."""
    consent = Consent.objects.filter(pk=consent_id).first()
    if consent is None:
        return "erased", None
    if consents_in_force(at=at).filter(pk=consent.pk).exists():
        return "in_force", consent.granted_at
    for status, since in (
        ("withdrawn", consent.withdrawn_at),
        ("expired", consent.expires_at),
        ("purpose_ended", consent.purpose_ended_at),
    ):
        if since is not None and since <= at:
            return status, since
    return "not_in_force", None


def subjects_covered(*, scoped: RegulatorOrder | LegalHold) -> QuerySet[Subject]:
    """Every subject (erased or not) the scope of an order or a legal hold covers."""
    return subjects_in_scope(
        jurisdictions=scoped.scope_jurisdictions,
        tenants=scoped.scope_tenants,
        subjects=scoped.scope_subjects,
        match=scoped.scope_match,
    )


def subjects_in_scope(
    *,
    jurisdictions: Collection[str],
    tenants: Collection[uuid.UUID],
    subjects: Collection[uuid.UUID | str],
    match: str = ScopeMatch.ANY,
) -> QuerySet[Subject]:
    """Every subject (erased or not) a scope covers, recorded or not yet (an order's preview): the one rule."""
    scope = (
        "(SELECT %s::varchar AS scope_match, %s::varchar[] AS scope_jurisdictions, %s::uuid[] AS scope_tenants,"
        " %s::uuid[] AS scope_subjects)"
    )
    sql = f"EXISTS (SELECT 1 FROM {scope} x WHERE {rules.scope_covers('x', S)})"
    params = [str(match), list(jurisdictions), [str(t) for t in tenants], [str(s) for s in subjects]]
    return Subject.objects.extra(where=[sql], params=params)


def legal_holds_in_force(*, at: datetime | None = None) -> QuerySet[LegalHold]:
    sql, params = rules.hold_in_force(LegalHold._meta.db_table, at or timezone.now())
    return LegalHold.objects.extra(where=[sql], params=params)


def subjects_held(*, subject_ids: Collection[uuid.UUID | str], at: datetime | None = None) -> set[uuid.UUID]:
    """The subjects among `subject_ids` that a legal hold in force covers."""
    if not subject_ids:
        return set()
    held = subjects_under_hold(Subject.objects.filter(pk__in=list(subject_ids)), at=at)
    return set(held.values_list("pk", flat=True))


def subjects_under_hold(
    subjects: QuerySet[Subject], *, at: datetime | None = None, but: LegalHold | None = None
) -> QuerySet[Subject]:
    """The `subjects` a legal hold in force covers; `but` (a hold) left out: what would stay held without it."""
    sql, params = rules.subject_under_hold(S, at or timezone.now(), but=but.pk if but else None)
    return subjects.extra(where=[sql], params=params)


def templates_past_retention(templates: QuerySet[Template], *, at: datetime) -> QuerySet[Template]:
    """Templates of live subjects whose every consent is past a retention limit at `at` (the sweep erases them).

    A subject whose consents merely lapsed or were withdrawn is `subjects_without_consent_in_force`'s case.
    """
    t = templates.model._meta.db_table
    past_sql, past_params = rules.consent_past_retention(at)
    idle_sql, idle_params = rules.interaction_past_retention(at, "c.purpose", [], f"{t}.created_at", [])
    sql = f"""EXISTS (
        SELECT 1 FROM consent_subject s
        WHERE {rules.subject_of(t)} AND s.erased_at IS NULL
          AND EXISTS (SELECT 1 FROM consent_consent c WHERE {rules.consent_of("s")})
          AND NOT EXISTS (
              SELECT 1 FROM {rules.CONSENTS}
              WHERE {rules.consent_of("s")} AND NOT {past_sql} AND NOT {idle_sql}))"""
    return templates.extra(where=[sql], params=[*past_params, *idle_params])


def subjects_without_consent_in_force(
    templates: QuerySet[Template], *, before: datetime, at: datetime
) -> QuerySet[Subject]:
    """Live subjects with templates, no consent in force at `at`, whose last consent ended before `before`.

    A subject with templates but no consent at all has nothing to wait for.
    """
    t = templates.model._meta.db_table
    active_sql, active_params = rules.consent_in_force(at)
    sql = f"""EXISTS (
        SELECT 1 FROM consent_subject s
        WHERE s.tenant_id = {S}.tenant_id AND s.id = {S}.id AND s.erased_at IS NULL
          AND EXISTS (SELECT 1 FROM {t} WHERE {t}.tenant_id = s.tenant_id AND {t}.subject_id = s.id)
          AND NOT EXISTS (
              SELECT 1 FROM {rules.CONSENTS}
              WHERE {rules.consent_of("s")} AND {active_sql})
          AND COALESCE(
              (SELECT max({rules.consent_ended_at()}) FROM consent_consent c WHERE {rules.consent_of("s")}),
              '-infinity'::timestamptz) < %s)"""
    return Subject.objects.extra(where=[sql], params=[*active_params, before])


def _covering(model: type[Scoped], *, subject: Subject, also: str = "") -> QuerySet[Scoped]:
    table = model._meta.db_table
    sql = f"EXISTS (SELECT 1 FROM {S} s WHERE s.id = %s AND {rules.scope_covers(table, 's')} {also})"
    return model.objects.extra(where=[sql], params=[subject.pk])


def orders_covering(*, subject: Subject) -> QuerySet[RegulatorOrder]:
    """Every regulator order that reaches the subject (by name, tenant or jurisdiction; lifted ones too)."""
    also = f"AND {rules.order_reaches(RegulatorOrder._meta.db_table, 's')}"
    return _covering(RegulatorOrder, subject=subject, also=also).order_by("received_at")


def holds_covering_subject(*, subject: Subject, at: datetime | None = None) -> QuerySet[LegalHold]:
    """The legal holds in force whose scope covers the subject."""
    sql, params = rules.hold_in_force(LegalHold._meta.db_table, at or timezone.now())
    return _covering(LegalHold, subject=subject).extra(where=[sql], params=params).order_by("created_at")


def holds_ever_covering(*, subject: Subject) -> QuerySet[LegalHold]:
    """Every legal hold whose scope covers the subject, released and expired ones too (its history)."""
    return _covering(LegalHold, subject=subject).order_by("created_at")
