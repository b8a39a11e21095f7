"""The policy gate: "may template T be used for purpose P by tenant X at time t?" (docs/compliance.md, the first row).

One predicate built from the rules in policy.rules. Matching passes its template QuerySet in and gets it back
filtered, then orders it by distance: the gate sits inside the very statement that runs the vector search, so a
consent withdrawn or an order recorded before the statement starts is already honoured. The gate learns the
template table from the QuerySet it is given (policy sits below matching and never imports it); it reads the
template's tenant_id, subject_id, model_name and created_at columns.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

from consent.models import Subject, Tenant
from core.errors import Conflict, Forbidden
from core.metrics import gate_refusals
from core.replica import search_connection
from policy import rules
from policy.models import COLLECTION_BLOCKING_ACTIONS, MATCH_BLOCKING_ACTIONS


class ConsentRequired(Conflict):
    code = "consent_required"
    default_message = "The subject has no active consent; record one before enrolling a face."


class CollectionRestricted(Forbidden):
    code = "collection_restricted"
    default_message = "A regulator order restricts the collection of this subject's face data."


# Matching's template model, which policy may not name.
Template = TypeVar("Template", bound=Model)
# A tenant or its id: callers hold one or the other.
TenantRef = Tenant | uuid.UUID


def _pk(obj: TenantRef) -> uuid.UUID:
    return obj.pk if isinstance(obj, Tenant) else obj


def templates_eligible(
    templates: QuerySet[Template], *, tenant: TenantRef, purpose: str, model: str, at: datetime
) -> QuerySet[Template]:
    """The templates the gate lets `tenant` use for `purpose` at `at`."""
    sql, params = eligible(templates.model._meta.db_table, tenant=tenant, purpose=purpose, model=model, at=at)
    return templates.extra(where=[sql], params=params)


def eligible(t: str, *, tenant: TenantRef, purpose: str, model: str, at: datetime) -> rules.Fragment:
    """The gate as (sql, params) on template row `t` (a table or an alias): may `tenant` use it for `purpose` at `at`?

    Rules 2-4 are one EXISTS over subject x consent x notice (not nested EXISTS), so PostgreSQL turns it into
    a semi-join it can drive from either side: from the index scan's rows when most templates are eligible,
    from the consents for the purpose when few are.
    """
    order_sql, order_params = rules.subject_under_order("s", MATCH_BLOCKING_ACTIONS, at)
    active_sql, active_params = rules.consent_in_force(at)
    past_sql, past_params = rules.consent_past_retention(at)
    idle_sql, idle_params = rules.interaction_past_retention(at, "%s", [purpose], f"{t}.created_at", [])
    sql = f"""{t}.model_name = %s                                     /* rule 5: same embedding model */
        AND {t}.tenant_id = %s                                        /* rule 1: the caller's tenant only */
        AND EXISTS (
            SELECT 1 FROM consent_subject s JOIN {rules.CONSENTS} ON {rules.consent_of("s")}
            WHERE {rules.subject_of(t)}
              AND s.erased_at IS NULL                                 /* rule 2: not erased ... */
              AND NOT {order_sql}                                     /* ... nor under an erase/suspend order */
              AND c.purpose = %s                                      /* rule 3: a consent for P in force at t */
              AND {active_sql}
              AND NOT {past_sql})                                     /* rule 4: within the consent's limits ... */
        AND NOT EXISTS (
            SELECT 1 FROM consent_subject s
            WHERE {rules.subject_of(t)} AND {idle_sql})              /* ... and the last-interaction limit */"""
    return sql, [model, _pk(tenant), *order_params, purpose, *active_params, *past_params, *idle_params]


def templates_erasable(templates: QuerySet[Template], *, model: str) -> QuerySet[Template]:
    """The templates an erasure lookup may search: every tenant's, of live subjects, of the probe's model.

    Not a client purpose: consent, retention and orders do not apply, because an erase or suspend order must
    not hide a person's faces from their own erasure request.
    """
    t = templates.model._meta.db_table
    sql = f"""{t}.model_name = %s
        AND EXISTS (SELECT 1 FROM consent_subject s WHERE s.id = {t}.subject_id AND s.erased_at IS NULL)"""
    return templates.extra(where=[sql], params=[model])


def eligible_upper_bound(*, tenant: TenantRef, purpose: str, limit: int) -> int:
    """How many of the tenant's consents for `purpose` exist, counted up to `limit` (cheap: one index range).

    An upper bound of the eligible set, used only to choose a search path; never to decide eligibility.
    """
    with search_connection().cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM (
                   SELECT 1 FROM consent_consent c
                   WHERE c.tenant_id = %s AND c.purpose = %s LIMIT %s) bounded""",
            [_pk(tenant), purpose, limit],
        )
        row = cursor.fetchone()
    assert row is not None  # count(*) returns one row
    return int(row[0])


def enrollment_check(*, subject: Subject, at: datetime, purposes: list[str] | None = None) -> None:
    """Refuse collecting a face: an order restricting collection covers the subject, or no consent is in force
    (for one of `purposes`, the calling key's, when given: a key never collects a face for a purpose it lacks)."""
    order_sql, order_params = rules.subject_under_order("s", COLLECTION_BLOCKING_ACTIONS, at)
    active_sql, active_params = rules.consent_in_force(at)
    past_sql, past_params = rules.consent_past_retention(at)
    # No template exists yet: the last-interaction clock of a new face starts now.
    idle_sql, idle_params = rules.interaction_past_retention(at, "c.purpose", [], "%s", [at])
    sql = f"""SELECT s.erased_at IS NULL,
                     {order_sql},
                     EXISTS (SELECT 1 FROM {rules.CONSENTS}
                             WHERE {rules.consent_of("s")} AND {active_sql} AND NOT {past_sql} AND NOT {idle_sql}
                               AND (%s::text[] IS NULL OR c.purpose = ANY(%s::text[])))
              FROM consent_subject s WHERE s.tenant_id = %s AND s.id = %s"""
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *order_params,
                *active_params,
                *past_params,
                *idle_params,
                purposes,
                purposes,
                subject.tenant_id,
                subject.pk,
            ],
        )
        live, restricted, consented = cursor.fetchone()
    if restricted:
        gate_refusals.labels(reason=CollectionRestricted.code).inc()
        raise CollectionRestricted()
    if not (live and consented):
        gate_refusals.labels(reason=ConsentRequired.code).inc()
        raise ConsentRequired()
