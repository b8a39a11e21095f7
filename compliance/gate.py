"""The policy gate: "may template T be used for purpose P by tenant X at time t?" (DESIGN.md, rules 1-5).

Every rule is one SQL fragment below, written once, and combined into ONE predicate on
`matching_facetemplate`. Matching applies it inside the very statement that runs the vector search
(`templates_eligible(...)` returns a QuerySet the caller orders by distance), so a consent withdrawn or an
order recorded before the statement starts is already honoured. Enrolment and the retention sweep reuse
the same fragments, so a rule is never written twice.

Fragments refer to these aliases:
    matching_facetemplate   the template row (Django's unaliased table name in the outer query)
    s                       consent_subject of that template
    c, n                    a consent_consent and its consent_notice
Each fragment returns (sql, params) with positional %s parameters, in the order they appear.
"""
from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import status

from compliance.models import OrderAction
from config.errors import DomainError
from consent.models import Purpose, Subject
from matching.models import FaceTemplate

T = "matching_facetemplate"
Fragment = tuple[str, list]


class ConsentRequired(DomainError):
    code = "consent_required"
    status_code = status.HTTP_409_CONFLICT
    default_message = "The subject has no active consent; record one before enrolling a face."


class CollectionRestricted(DomainError):
    code = "collection_restricted"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = "A regulator order restricts the collection of this subject's face data."


# Orders that take a subject out of matching, and orders that refuse new enrolments.
MATCH_BLOCKING_ACTIONS = (OrderAction.ERASE, OrderAction.SUSPEND_PROCESSING)
COLLECTION_BLOCKING_ACTIONS = (OrderAction.RESTRICT_COLLECTION, OrderAction.SUSPEND_PROCESSING)


# --- Rule 2: subject under a regulator order ----------------------------------------------------------
def _subject_under_order(actions, at: datetime) -> Fragment:
    """An order not lifted at `at` whose scope (the union of jurisdictions, tenants, subjects) covers s."""
    return (
        """EXISTS (
            SELECT 1 FROM compliance_regulatororder o
            WHERE o.action = ANY(%s)
              AND (o.lifted_at IS NULL OR o.lifted_at > %s)
              AND (s.jurisdiction_id = ANY(o.scope_jurisdictions)
                   OR s.tenant_id = ANY(o.scope_tenants)
                   OR s.id = ANY(o.scope_subjects)))""",
        [[str(a) for a in actions], at],
    )


# --- Rule 3: a consent active at t, tied to a published notice -----------------------------------------
def _consent_active(at: datetime) -> Fragment:
    """Consent c (joined to its notice n) is in force at `at` and points at the exact published notice text."""
    return (
        """c.granted_at <= %s
           AND (c.expires_at IS NULL OR c.expires_at > %s)
           AND (c.withdrawn_at IS NULL OR c.withdrawn_at > %s)
           AND (c.purpose_ended_at IS NULL OR c.purpose_ended_at > %s)
           AND n.published_at <= %s
           AND n.sha256 = c.notice_sha256
           AND n.tenant_id = s.tenant_id""",
        [at, at, at, at, at],
    )


# --- Rule 4: retention limits ----------------------------------------------------------------------------
def _consent_past_retention(at: datetime, template_created_sql: str, template_created_params: list) -> Fragment:
    """Consent c's use of s's template is past a retention limit at `at`.

    Limits: the notice's own retention_days from granted_at, and every active RetentionRule that applies to
    the subject (jurisdiction and tenant null or equal) and to c's purpose (blank or equal). Anchors:
    granted -> c.granted_at; last_interaction -> s.last_interaction_at, or the template's creation when the
    face was never matched; purpose_end -> c.purpose_ended_at (NULL: the purpose has not ended, no limit).
    Judged per consent, so a fresh consent for a purpose starts its own clock.
    """
    return (
        f"""(
            (n.retention_days IS NOT NULL
             AND c.granted_at + make_interval(days => n.retention_days) <= %s)
            OR EXISTS (
                SELECT 1 FROM compliance_retentionrule r
                WHERE r.active
                  AND (r.jurisdiction_id IS NULL OR r.jurisdiction_id = s.jurisdiction_id)
                  AND (r.tenant_id IS NULL OR r.tenant_id = s.tenant_id)
                  AND (r.purpose = '' OR r.purpose = c.purpose)
                  AND CASE r.anchor
                        WHEN 'granted' THEN c.granted_at
                        WHEN 'last_interaction' THEN COALESCE(s.last_interaction_at, {template_created_sql})
                        WHEN 'purpose_end' THEN c.purpose_ended_at
                      END + make_interval(days => r.max_age_days) <= %s))""",
        [at, *template_created_params, at],
    )


def _usable_consent(purpose: str, at: datetime) -> Fragment:
    """Rules 3 + 4 for the template row: a consent for `purpose` in force at `at` and within retention."""
    active_sql, active_params = _consent_active(at)
    past_sql, past_params = _consent_past_retention(at, f"{T}.created_at", [])
    return (
        f"""EXISTS (
            SELECT 1 FROM consent_consent c JOIN consent_notice n ON n.id = c.notice_id
            WHERE c.subject_id = s.id AND c.purpose = %s
              AND {active_sql}
              AND NOT {past_sql})""",
        [purpose, *active_params, *past_params],
    )


# --- The whole gate ---------------------------------------------------------------------------------------
def gate_predicate(*, tenant, purpose: str, model: str, at: datetime) -> Fragment:
    """Rules 1-5 as one predicate on matching_facetemplate."""
    if purpose == Purpose.ERASURE_LOOKUP:
        # The platform looking for a person's faces so it can erase them: every tenant, and consent,
        # retention and orders do not apply (an erase or suspend order must not hide faces from an erasure).
        # Erased subjects and other models are still excluded.
        return (
            f"""{T}.model_name = %s
                AND EXISTS (SELECT 1 FROM consent_subject s
                            WHERE s.id = {T}.subject_id AND s.erased_at IS NULL)""",
            [model],
        )
    order_sql, order_params = _subject_under_order(MATCH_BLOCKING_ACTIONS, at)
    consent_sql, consent_params = _usable_consent(purpose, at)
    return (
        f"""{T}.model_name = %s                                   /* rule 5: same embedding model */
            AND {T}.tenant_id = %s                                /* rule 1: the caller's tenant only */
            AND EXISTS (
                SELECT 1 FROM consent_subject s
                WHERE s.id = {T}.subject_id
                  AND s.tenant_id = {T}.tenant_id
                  AND s.erased_at IS NULL                         /* rule 2: not erased ... */
                  AND NOT {order_sql}                             /* ... nor under an erase/suspend order */
                  AND {consent_sql})                              /* rules 3 + 4: consent for P, within retention */""",
        [model, _pk(tenant), *order_params, *consent_params],
    )


def templates_eligible(*, tenant, purpose: str, model: str, at: datetime) -> QuerySet[FaceTemplate]:
    """The templates the gate lets `tenant` use for `purpose` at `at` (tenant is ignored for erasure_lookup)."""
    sql, params = gate_predicate(tenant=tenant, purpose=purpose, model=model, at=at)
    return FaceTemplate.objects.extra(where=[sql], params=params)


def enrolment_check(*, subject: Subject, at: datetime) -> None:
    """Refuse collecting a face: an order restricting collection covers the subject, or no consent is in force."""
    order_sql, order_params = _subject_under_order(COLLECTION_BLOCKING_ACTIONS, at)
    active_sql, active_params = _consent_active(at)
    # No template exists yet: the last-interaction clock of a new face starts now.
    past_sql, past_params = _consent_past_retention(at, "%s", [at])
    sql = f"""SELECT s.erased_at IS NULL,
                     {order_sql},
                     EXISTS (SELECT 1 FROM consent_consent c JOIN consent_notice n ON n.id = c.notice_id
                             WHERE c.subject_id = s.id AND {active_sql} AND NOT {past_sql})
              FROM consent_subject s WHERE s.id = %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*order_params, *active_params, *past_params, subject.pk])
        live, restricted, consented = cursor.fetchone()
    if restricted:
        raise CollectionRestricted()
    if not (live and consented):
        raise ConsentRequired()


def templates_past_retention(*, at: datetime) -> QuerySet[FaceTemplate]:
    """Templates of live subjects whose every consent is past a retention limit at `at` (the sweep erases them).

    A subject whose consents merely lapsed or were withdrawn is `subjects_without_active_consent`'s case.
    """
    past_sql, past_params = _consent_past_retention(at, f"{T}.created_at", [])
    sql = f"""EXISTS (
        SELECT 1 FROM consent_subject s
        WHERE s.id = {T}.subject_id AND s.erased_at IS NULL
          AND EXISTS (SELECT 1 FROM consent_consent c WHERE c.subject_id = s.id)
          AND NOT EXISTS (
              SELECT 1 FROM consent_consent c JOIN consent_notice n ON n.id = c.notice_id
              WHERE c.subject_id = s.id AND NOT {past_sql}))"""
    return FaceTemplate.objects.extra(where=[sql], params=past_params)


def subjects_without_active_consent(*, before: datetime, at: datetime | None = None) -> QuerySet[Subject]:
    """Live subjects with templates, no consent in force at `at` (default now), whose last consent ended before `before`.

    A consent "ends" at the earliest of its withdrawal, expiry and purpose end; a subject with templates but
    no consent at all has nothing to wait for.
    """
    at = at or timezone.now()
    active_sql, active_params = _consent_active(at)
    sql = f"""EXISTS (
        SELECT 1 FROM consent_subject s
        WHERE s.id = consent_subject.id AND s.erased_at IS NULL
          AND EXISTS (SELECT 1 FROM {T} WHERE {T}.subject_id = s.id)
          AND NOT EXISTS (
              SELECT 1 FROM consent_consent c JOIN consent_notice n ON n.id = c.notice_id
              WHERE c.subject_id = s.id AND {active_sql})
          AND COALESCE(
              (SELECT max(LEAST(c.withdrawn_at, c.expires_at, c.purpose_ended_at))
               FROM consent_consent c WHERE c.subject_id = s.id),
              '-infinity'::timestamptz) < %s)"""
    return Subject.objects.extra(where=[sql], params=[*active_params, before])


def _pk(obj):
    return getattr(obj, "pk", obj)
