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
    """Consent c (joined to its notice n) is in force at `at`, under the exact published text for its purpose."""
    return (
        """c.granted_at <= %s
           AND (c.expires_at IS NULL OR c.expires_at > %s)
           AND (c.withdrawn_at IS NULL OR c.withdrawn_at > %s)
           AND (c.purpose_ended_at IS NULL OR c.purpose_ended_at > %s)
           AND n.published_at <= %s
           AND n.sha256 = c.notice_sha256
           AND n.purpose = c.purpose
           AND n.tenant_id = s.tenant_id""",
        [at, at, at, at, at],
    )


# --- Rule 4: retention limits ----------------------------------------------------------------------------
# Limits: the notice's own retention_days from granted_at, and every active RetentionRule that applies to the
# subject (jurisdiction and tenant null or equal) and to the purpose (blank or equal). Anchors: granted ->
# c.granted_at; purpose_end -> c.purpose_ended_at (NULL: not ended, no limit); last_interaction ->
# s.last_interaction_at, or the template's creation when the face was never matched.
# The consent-anchored limits are judged per consent (a fresh consent starts its own clock); the
# last-interaction limit belongs to the template and is a separate fragment, so the consent part never
# refers to the template row and PostgreSQL can plan it as a plain semi-join.
def _rule_applies(purpose_sql: str) -> str:
    return f"""r.active
        AND (r.jurisdiction_id IS NULL OR r.jurisdiction_id = s.jurisdiction_id)
        AND (r.tenant_id IS NULL OR r.tenant_id = s.tenant_id)
        AND (r.purpose = '' OR r.purpose = {purpose_sql})"""


def _consent_past_retention(at: datetime) -> Fragment:
    """Consent c (notice n, subject s) is past its notice's retention or a granted/purpose_end rule at `at`."""
    return (
        f"""(
            (n.retention_days IS NOT NULL
             AND c.granted_at + make_interval(days => n.retention_days) <= %s)
            OR EXISTS (
                SELECT 1 FROM compliance_retentionrule r
                WHERE {_rule_applies("c.purpose")}
                  AND CASE r.anchor
                        WHEN 'granted' THEN c.granted_at
                        WHEN 'purpose_end' THEN c.purpose_ended_at
                      END + make_interval(days => r.max_age_days) <= %s))""",
        [at, at],
    )


def _interaction_past_retention(at: datetime, purpose_sql: str, purpose_params: list, created_sql: str,
                                created_params: list) -> Fragment:
    """A last_interaction rule for the purpose has run out for subject s's template (created at `created_sql`)."""
    return (
        f"""EXISTS (
            SELECT 1 FROM compliance_retentionrule r
            WHERE r.anchor = 'last_interaction'
              AND {_rule_applies(purpose_sql)}
              AND COALESCE(s.last_interaction_at, {created_sql}) + make_interval(days => r.max_age_days) <= %s)""",
        [*purpose_params, *created_params, at],
    )


# --- The whole gate ---------------------------------------------------------------------------------------
def gate_predicate(*, tenant, purpose: str, model: str, at: datetime) -> Fragment:
    """Rules 1-5 as one predicate on matching_facetemplate.

    Rules 2-4 are one EXISTS over subject x consent x notice (not nested EXISTS), so PostgreSQL turns it into
    a semi-join it can drive from either side: from the index scan's rows when most templates are eligible,
    from the consents for the purpose when few are.
    """
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
    active_sql, active_params = _consent_active(at)
    past_sql, past_params = _consent_past_retention(at)
    idle_sql, idle_params = _interaction_past_retention(at, "%s", [purpose], f"{T}.created_at", [])
    return (
        f"""{T}.model_name = %s                                   /* rule 5: same embedding model */
            AND {T}.tenant_id = %s                                /* rule 1: the caller's tenant only */
            AND EXISTS (
                SELECT 1 FROM consent_subject s
                    JOIN consent_consent c ON c.subject_id = s.id
                    JOIN consent_notice n ON n.id = c.notice_id
                WHERE s.id = {T}.subject_id
                  AND s.tenant_id = {T}.tenant_id
                  AND s.erased_at IS NULL                         /* rule 2: not erased ... */
                  AND NOT {order_sql}                             /* ... nor under an erase/suspend order */
                  AND c.purpose = %s                              /* rule 3: a consent for P in force at t */
                  AND {active_sql}
                  AND NOT {past_sql})                             /* rule 4: within the consent's limits ... */
            AND NOT EXISTS (
                SELECT 1 FROM consent_subject s
                WHERE s.id = {T}.subject_id AND {idle_sql})      /* ... and the last-interaction limit */""",
        [model, _pk(tenant), *order_params, purpose, *active_params, *past_params, *idle_params],
    )


def templates_eligible(*, tenant, purpose: str, model: str, at: datetime) -> QuerySet[FaceTemplate]:
    """The templates the gate lets `tenant` use for `purpose` at `at` (tenant is ignored for erasure_lookup)."""
    sql, params = gate_predicate(tenant=tenant, purpose=purpose, model=model, at=at)
    return FaceTemplate.objects.extra(where=[sql], params=params)


def eligible_upper_bound(*, tenant, purpose: str, limit: int) -> int:
    """How many of the tenant's consents for `purpose` exist, counted up to `limit` (cheap: by notice).

    An upper bound of the eligible set, used only to choose a search path; never to decide eligibility.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM (
                   SELECT 1 FROM consent_notice n JOIN consent_consent c ON c.notice_id = n.id
                   WHERE n.tenant_id = %s AND n.purpose = %s AND c.purpose = %s LIMIT %s) bounded""",
            [_pk(tenant), purpose, purpose, limit],
        )
        return cursor.fetchone()[0]


def enrolment_check(*, subject: Subject, at: datetime) -> None:
    """Refuse collecting a face: an order restricting collection covers the subject, or no consent is in force."""
    order_sql, order_params = _subject_under_order(COLLECTION_BLOCKING_ACTIONS, at)
    active_sql, active_params = _consent_active(at)
    past_sql, past_params = _consent_past_retention(at)
    # No template exists yet: the last-interaction clock of a new face starts now.
    idle_sql, idle_params = _interaction_past_retention(at, "c.purpose", [], "%s", [at])
    sql = f"""SELECT s.erased_at IS NULL,
                     {order_sql},
                     EXISTS (SELECT 1 FROM consent_consent c JOIN consent_notice n ON n.id = c.notice_id
                             WHERE c.subject_id = s.id AND {active_sql} AND NOT {past_sql} AND NOT {idle_sql})
              FROM consent_subject s WHERE s.id = %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*order_params, *active_params, *past_params, *idle_params, subject.pk])
        live, restricted, consented = cursor.fetchone()
    if restricted:
        raise CollectionRestricted()
    if not (live and consented):
        raise ConsentRequired()


def templates_past_retention(*, at: datetime) -> QuerySet[FaceTemplate]:
    """Templates of live subjects whose every consent is past a retention limit at `at` (the sweep erases them).

    A subject whose consents merely lapsed or were withdrawn is `subjects_without_active_consent`'s case.
    """
    past_sql, past_params = _consent_past_retention(at)
    idle_sql, idle_params = _interaction_past_retention(at, "c.purpose", [], f"{T}.created_at", [])
    sql = f"""EXISTS (
        SELECT 1 FROM consent_subject s
        WHERE s.id = {T}.subject_id AND s.erased_at IS NULL
          AND EXISTS (SELECT 1 FROM consent_consent c WHERE c.subject_id = s.id)
          AND NOT EXISTS (
              SELECT 1 FROM consent_consent c JOIN consent_notice n ON n.id = c.notice_id
              WHERE c.subject_id = s.id AND NOT {past_sql} AND NOT {idle_sql}))"""
    return FaceTemplate.objects.extra(where=[sql], params=[*past_params, *idle_params])


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
