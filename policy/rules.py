"""Every rule of the policy gate, each written once as a SQL fragment (docs/compliance.md, the first row).

The gate (policy.gate) combines them into one predicate that matching runs inside the very statement of its
vector search; the ledger, the dashboard, erasure and the retention sweep read through the same fragments
(policy.selectors), so no rule has an ORM twin that could drift from it.

Fragments take the SQL aliases they apply to; the consent fragments use these:
    s       a consent_subject row
    c, n    a consent_consent row and its consent_notice
Each returns (sql, params) with positional %s parameters, in the order they appear.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from consent.models import MAX_RETENTION_DAYS, MAX_RETENTION_MONTHS

# SQL and its positional parameters.
Fragment = tuple[str, list[Any]]


def _days(column: str) -> str:
    """An interval of `column` days, capped: a row stored before the input bound existed (2147483647 days) must
    not push a date past PostgreSQL's range and fail every statement that reads the gate."""
    return f"make_interval(days => LEAST({column}, {MAX_RETENTION_DAYS}))"


def _rule_age(rule: str) -> str:
    """A retention rule's calendar interval (months, then days), capped like `_days`."""
    return (
        f"make_interval(months => LEAST({rule}.max_age_months, {MAX_RETENTION_MONTHS}), "
        f"days => LEAST({rule}.max_age_days, {MAX_RETENTION_DAYS}))"
    )


# --- Joins: every one by (tenant_id, id), so a statement stays in one tenant's partition (and Citus shard) ---
CONSENTS = "consent_consent c JOIN consent_notice n ON n.tenant_id = c.tenant_id AND n.id = c.notice_id"


def consent_of(subject: str) -> str:
    """Consent c belongs to subject row `subject`."""
    return f"c.tenant_id = {subject}.tenant_id AND c.subject_id = {subject}.id"


def subject_of(row: str) -> str:
    """Subject s is the subject of `row` (a template, a consent)."""
    return f"s.tenant_id = {row}.tenant_id AND s.id = {row}.subject_id"


# --- Scopes: orders and holds name jurisdictions, tenants and subjects ---------------------------------------
def scope_covers(scope: str, subject: str) -> str:
    """Scope row `scope` (an order or a hold) covers subject row `subject`: the union of what it names, or with
    `scope_match = 'all'` their intersection (a list left empty does not narrow; a scope names something, so an
    all-empty one is refused before it is stored)."""
    return f"""(CASE WHEN {scope}.scope_match = 'all' THEN
                  (cardinality({scope}.scope_jurisdictions) = 0 OR {subject}.jurisdiction_id = ANY({scope}.scope_jurisdictions))
                  AND (cardinality({scope}.scope_tenants) = 0 OR {subject}.tenant_id = ANY({scope}.scope_tenants))
                  AND (cardinality({scope}.scope_subjects) = 0 OR {subject}.id = ANY({scope}.scope_subjects))
               ELSE {subject}.jurisdiction_id = ANY({scope}.scope_jurisdictions)
                  OR {subject}.tenant_id = ANY({scope}.scope_tenants)
                  OR {subject}.id = ANY({scope}.scope_subjects) END)"""


# --- Rule 2: regulator orders and legal holds in force ---------------------------------------------------------
def order_in_force(order: str, actions: Iterable[str], at: datetime) -> Fragment:
    """Order row `order` is one of `actions` and not lifted at `at`."""
    return (
        f"{order}.action = ANY(%s) AND ({order}.lifted_at IS NULL OR {order}.lifted_at > %s)",
        [[str(a) for a in actions], at],
    )


def subject_under_order(subject: str, actions: Iterable[str], at: datetime) -> Fragment:
    """An order of `actions` in force at `at` covers subject row `subject`.

    An erase order reaches what was held when it was received and what arrived while it ran (subjects created
    before it completed): those are erased, or (held, excepted, or created after its pass) kept out of matching
    and refused new collection. Subjects created after it completed are governed by the restrict_collection and
    suspend_processing orders in force, like any others."""
    in_force, params = order_in_force("o", actions, at)
    return (
        f"""EXISTS (SELECT 1 FROM policy_regulatororder o
                    WHERE {in_force} AND {scope_covers("o", subject)} AND {order_reaches("o", subject)})""",
        params,
    )


def order_reaches(order: str, subject: str) -> str:
    """Order row `order` reaches subject row `subject` (in its scope or not): an erase order only what existed
    before it completed (subject_under_order)."""
    return f"({order}.action <> 'erase' OR {order}.completed_at IS NULL OR {subject}.created_at < {order}.completed_at)"


def hold_in_force(hold: str, at: datetime) -> Fragment:
    """Legal hold row `hold` is neither released nor expired at `at`."""
    return f"{hold}.released_at IS NULL AND ({hold}.expires_at IS NULL OR {hold}.expires_at > %s)", [at]


def subject_under_hold(subject: str, at: datetime, but: uuid.UUID | None = None) -> Fragment:
    """A legal hold in force at `at` covers subject row `subject`; hold id `but` left out when given (what a
    release would leave held)."""
    in_force, params = hold_in_force("h", at)
    if but is not None:
        in_force, params = f"{in_force} AND h.id <> %s", [*params, str(but)]
    return f"EXISTS (SELECT 1 FROM policy_legalhold h WHERE {in_force} AND {scope_covers('h', subject)})", params


# --- Rule 3: a consent in force at t, tied to a published notice -------------------------------------------------
def consent_in_force(at: datetime) -> Fragment:
    """Consent c (notice n, subject s) is in force at `at`, under the exact published text for its purpose."""
    return (
        """c.granted_at <= %s
           AND (c.expires_at IS NULL OR c.expires_at > %s)
           AND (c.withdrawn_at IS NULL OR c.withdrawn_at > %s)
           AND (c.purpose_ended_at IS NULL OR c.purpose_ended_at > %s)
           AND n.published_at <= %s
           AND n.sha256 = c.notice_sha256
           AND n.purpose = c.purpose""",
        [at, at, at, at, at],
    )


def consent_ended_at() -> str:
    """When consent c stopped being in force for good: the earliest of withdrawal, expiry and purpose end."""
    return "LEAST(c.withdrawn_at, c.expires_at, c.purpose_ended_at)"


# --- Rule 4: retention limits ------------------------------------------------------------------------------------
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


def consent_past_retention(at: datetime) -> Fragment:
    """Consent c (notice n, subject s) is past its notice's retention or a granted/purpose_end rule at `at`."""
    return (
        f"""(
            (n.retention_days IS NOT NULL
             AND c.granted_at + {_days("n.retention_days")} <= %s)
            OR EXISTS (
                SELECT 1 FROM policy_retentionrule r
                WHERE {_rule_applies("c.purpose")}
                  AND CASE r.anchor
                        WHEN 'granted' THEN c.granted_at
                        WHEN 'purpose_end' THEN c.purpose_ended_at
                      END + {_rule_age("r")} <= %s))""",
        [at, at],
    )


def interaction_past_retention(
    at: datetime, purpose_sql: str, purpose_params: list[Any], created_sql: str, created_params: list[Any]
) -> Fragment:
    """A last_interaction rule for the purpose has run out for subject s's template (created at `created_sql`)."""
    return (
        f"""EXISTS (
            SELECT 1 FROM policy_retentionrule r
            WHERE r.anchor = 'last_interaction'
              AND {_rule_applies(purpose_sql)}
              AND COALESCE(s.last_interaction_at, {created_sql}) + {_rule_age("r")} <= %s)""",
        [*purpose_params, *created_params, at],
    )
