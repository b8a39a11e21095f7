"""The policy gate, rule by rule, on templates made directly (random unit vectors), at explicit times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from consent.models import Consent, Subject
from matching.models import FaceTemplate
from policy import gate
from policy.models import OrderAction, RetentionRule
from policy.selectors import consents_in_force, subjects_without_consent_in_force, templates_past_retention
from tests import factories
from tests.factories import ACCESS, FRAUD, GRANTED, MODEL, NOW

pytestmark = pytest.mark.django_db


def eligible(tenant, purpose=FRAUD, at=NOW, model=MODEL) -> set:
    return set(
        gate.templates_eligible(
            FaceTemplate.objects.all(), tenant=tenant, purpose=purpose, model=model, at=at
        ).values_list("id", flat=True)
    )


@pytest.fixture
def tenant():
    return factories.tenant()


@pytest.fixture
def template(tenant):
    return factories.template(factories.subject(tenant, consented_at=GRANTED))


# --- rule 1 and 5: tenant and model ---------------------------------------------------------------------
def test_consented_template_is_eligible(tenant, template):
    assert eligible(tenant) == {template.id}


def test_other_tenant_never_sees_the_template(tenant, template):
    other = factories.tenant()
    mine = factories.template(factories.subject(other, consented_at=GRANTED))
    assert eligible(other) == {mine.id}


def test_other_model_is_excluded(tenant, template):
    assert eligible(tenant, model="Facenet") == set()
    factories.template(template.subject, model="Facenet")
    assert eligible(tenant) == {template.id}


# --- rule 2: erasure and orders -------------------------------------------------------------------------
def test_erased_subject_is_excluded(tenant, template):
    Subject.objects.filter(pk=template.subject_id).update(erased_at=NOW - timedelta(hours=1))
    assert eligible(tenant) == set()


@pytest.mark.parametrize("action", [OrderAction.ERASE, OrderAction.SUSPEND_PROCESSING])
def test_order_by_jurisdiction_excludes_only_that_jurisdiction(tenant, template, action):
    quebec = factories.template(factories.subject(tenant, jurisdiction="CA-QC", consented_at=GRANTED))
    factories.order(action, scope_jurisdictions=["GB"])
    assert eligible(tenant) == {quebec.id}


def test_order_by_tenant_excludes_the_tenant(tenant, template):
    other = factories.tenant()
    theirs = factories.template(factories.subject(other, consented_at=GRANTED))
    factories.order(OrderAction.SUSPEND_PROCESSING, scope_tenants=[tenant.id])
    assert eligible(tenant) == set()
    assert eligible(other) == {theirs.id}


def test_order_by_subject_excludes_the_subject(tenant, template):
    kept = factories.template(factories.subject(tenant, consented_at=GRANTED))
    factories.order(OrderAction.ERASE, scope_subjects=[template.subject_id])
    assert eligible(tenant) == {kept.id}


@pytest.mark.parametrize(
    "match, excluded",
    [("any", {"demo_tx", "demo_gb", "other_tx"}), ("all", {"demo_tx"})],
)
def test_an_order_over_a_tenant_and_a_jurisdiction_is_a_union_unless_it_says_all(match, excluded):
    demo, other = factories.tenant(), factories.tenant()
    templates = {
        "demo_tx": factories.template(factories.subject(demo, jurisdiction="US-TX", consented_at=GRANTED)),
        "demo_gb": factories.template(factories.subject(demo, jurisdiction="GB", consented_at=GRANTED)),
        "other_tx": factories.template(factories.subject(other, jurisdiction="US-TX", consented_at=GRANTED)),
        "other_gb": factories.template(factories.subject(other, jurisdiction="GB", consented_at=GRANTED)),
    }
    factories.order(
        OrderAction.SUSPEND_PROCESSING, scope_match=match, scope_tenants=[demo.id], scope_jurisdictions=["US-TX"]
    )
    kept = eligible(demo) | eligible(other)
    assert {name for name, t in templates.items() if t.id not in kept} == excluded


def test_an_all_scope_with_one_list_is_that_list(tenant, template):
    kept = factories.template(factories.subject(tenant, jurisdiction="FR", consented_at=GRANTED))
    factories.order(OrderAction.SUSPEND_PROCESSING, scope_match="all", scope_jurisdictions=["GB"])
    assert eligible(tenant) == {kept.id}


def test_lifted_order_no_longer_excludes(tenant, template):
    factories.order(OrderAction.SUSPEND_PROCESSING, scope_tenants=[tenant.id], lifted_at=NOW - timedelta(minutes=1))
    assert eligible(tenant) == {template.id}
    # ...but before it was lifted it did.
    assert eligible(tenant, at=NOW - timedelta(minutes=2)) == set()


def test_restrict_collection_does_not_stop_matching(tenant, template):
    factories.order(OrderAction.RESTRICT_COLLECTION, scope_tenants=[tenant.id])
    assert eligible(tenant) == {template.id}


# --- rule 3: consent for the purpose at t -----------------------------------------------------------------
def test_no_consent_is_excluded(tenant):
    factories.template(factories.subject(tenant))
    assert eligible(tenant) == set()


def test_consent_for_another_purpose_only_is_excluded(tenant):
    subject = factories.subject(tenant)
    factories.consent(subject, purpose=ACCESS, granted_at=GRANTED)
    template = factories.template(subject)
    assert eligible(tenant, purpose=FRAUD) == set()
    assert eligible(tenant, purpose=ACCESS) == {template.id}


def test_expired_consent_is_excluded_from_its_expiry(tenant):
    subject = factories.subject(tenant)
    factories.consent(subject, expires_at=NOW, granted_at=GRANTED)
    template = factories.template(subject)
    assert eligible(tenant, at=NOW - timedelta(seconds=1)) == {template.id}
    assert eligible(tenant, at=NOW) == set()


def test_withdrawn_consent_is_excluded_from_its_withdrawal(tenant):
    subject = factories.subject(tenant)
    factories.consent(subject, withdrawn_at=NOW - timedelta(days=1), granted_at=GRANTED)
    template = factories.template(subject)
    assert eligible(tenant) == set()
    assert eligible(tenant, at=NOW - timedelta(days=2)) == {template.id}


def test_consent_not_yet_granted_and_purpose_ended(tenant):
    subject = factories.subject(tenant)
    factories.consent(subject, granted_at=NOW + timedelta(days=1))
    ended = factories.subject(tenant)
    factories.consent(ended, purpose_ended_at=NOW - timedelta(days=1), granted_at=GRANTED)
    factories.template(subject), factories.template(ended)
    assert eligible(tenant) == set()


def test_consent_needs_a_notice_for_its_purpose_published_by_then_with_its_exact_text(tenant):
    subject = factories.subject(tenant)
    notice = factories.notice(tenant, published_at=NOW + timedelta(days=1))
    factories.consent(subject, notice, granted_at=GRANTED)
    tampered = factories.subject(tenant)
    consent = factories.consent(tampered, granted_at=GRANTED)
    Consent.objects.filter(pk=consent.pk).update(notice_sha256="f" * 64)
    wrong_notice = factories.subject(tenant)
    factories.consent(wrong_notice, factories.notice(tenant, purpose=ACCESS), granted_at=GRANTED)
    factories.template(subject), factories.template(tampered), factories.template(wrong_notice)
    assert eligible(tenant) == set()
    assert eligible(tenant, at=NOW + timedelta(days=2)) == {subject.templates.get().id}


def test_time_travel_with_the_clock(tenant):
    """The gate at 'now': eligible until the consent's expiry passes on the wall clock."""
    subject = factories.subject(tenant)
    factories.consent(subject, expires_at=NOW + timedelta(days=10), granted_at=GRANTED)
    template = factories.template(subject)
    from django.utils import timezone

    with time_machine.travel(NOW + timedelta(days=9), tick=False):
        assert eligible(tenant, at=timezone.now()) == {template.id}
    with time_machine.travel(NOW + timedelta(days=11), tick=False):
        assert eligible(tenant, at=timezone.now()) == set()


# --- rule 4: retention ------------------------------------------------------------------------------------
def test_notice_retention_days_from_grant(tenant):
    subject = factories.subject(tenant)
    factories.consent(subject, factories.notice(tenant, retention_days=100), granted_at=NOW - timedelta(days=100))
    template = factories.template(subject)
    assert eligible(tenant) == set()
    assert eligible(tenant, at=NOW - timedelta(days=1)) == {template.id}
    assert set(templates_past_retention(FaceTemplate.objects.all(), at=NOW).values_list("id", flat=True)) == {
        template.id
    }


def test_rule_anchored_on_grant_for_this_tenant_and_purpose(tenant, template):
    RetentionRule.objects.create(tenant=tenant, purpose=FRAUD, anchor="granted", max_age_days=30)
    assert eligible(tenant) == set()  # granted 30 days ago
    assert eligible(tenant, at=NOW - timedelta(days=1)) == {template.id}


def test_rule_for_another_purpose_tenant_or_jurisdiction_or_inactive_does_not_apply(tenant, template):
    RetentionRule.objects.create(tenant=tenant, purpose=ACCESS, anchor="granted", max_age_days=1)
    RetentionRule.objects.create(tenant=factories.tenant(), anchor="granted", max_age_days=1)
    RetentionRule.objects.create(jurisdiction_id="IT", anchor="granted", max_age_days=1)
    RetentionRule.objects.create(tenant=tenant, anchor="granted", max_age_days=1, active=False)
    assert eligible(tenant) == {template.id}


def test_bipa_last_interaction_anchor(tenant):
    """Seeded US-IL rule: 3 years after the last interaction, or the template's creation if never matched.
    NOW - 1,096 days is exactly 3 calendar years before NOW (29 February 2024 lies between)."""
    matched = factories.subject(
        tenant, jurisdiction="US-IL", last_interaction_at=NOW - timedelta(days=3 * 365 + 2), consented_at=GRANTED
    )
    never = factories.subject(tenant, jurisdiction="US-IL", consented_at=GRANTED)
    recent = factories.subject(
        tenant, jurisdiction="US-IL", last_interaction_at=NOW - timedelta(days=10), consented_at=GRANTED
    )
    t_matched, t_never, t_recent = factories.template(matched), factories.template(never), factories.template(recent)
    FaceTemplate.objects.filter(pk=t_never.pk).update(created_at=NOW - timedelta(days=3 * 365 + 1))
    FaceTemplate.objects.filter(pk=t_recent.pk).update(created_at=NOW - timedelta(days=5 * 365))
    assert eligible(tenant) == {t_recent.id}
    assert set(templates_past_retention(FaceTemplate.objects.all(), at=NOW).values_list("id", flat=True)) == {
        t_matched.id,
        t_never.id,
    }


def test_bipa_three_years_are_calendar_years_across_a_leap_day(tenant):
    """Last interaction on 1 March 2024: the 3 years end on 1 March 2027, not 1,095 days later (29 February 2024
    lies between, so that would be 28 February 2027, a day early)."""
    subject = factories.subject(
        tenant, jurisdiction="US-IL", last_interaction_at=datetime(2024, 3, 1, 12, tzinfo=UTC), consented_at=GRANTED
    )
    template = factories.template(subject)
    assert eligible(tenant, at=datetime(2027, 2, 28, 13, tzinfo=UTC)) == {template.id}
    assert eligible(tenant, at=datetime(2027, 3, 1, 11, 59, tzinfo=UTC)) == {template.id}
    assert eligible(tenant, at=datetime(2027, 3, 1, 12, tzinfo=UTC)) == set()


def test_texas_purpose_end_anchor(tenant):
    """Seeded US-TX rule: one year after the purpose ends. Not matchable once ended; erased a year later."""
    subject = factories.subject(tenant, jurisdiction="US-TX")
    factories.consent(subject, granted_at=NOW - timedelta(days=800), purpose_ended_at=NOW - timedelta(days=200))
    template = factories.template(subject)
    assert eligible(tenant) == set()
    assert eligible(tenant, at=NOW - timedelta(days=201)) == {template.id}
    assert not templates_past_retention(FaceTemplate.objects.all(), at=NOW).filter(pk=template.pk).exists()
    assert (
        templates_past_retention(FaceTemplate.objects.all(), at=NOW + timedelta(days=166))
        .filter(pk=template.pk)
        .exists()
    )


def test_past_retention_needs_every_consent_past_its_limit(tenant):
    subject = factories.subject(tenant, jurisdiction="US-TX")
    factories.consent(subject, granted_at=NOW - timedelta(days=800), purpose_ended_at=NOW - timedelta(days=400))
    factories.consent(subject, purpose=ACCESS, granted_at=GRANTED)
    template = factories.template(subject)
    assert not templates_past_retention(FaceTemplate.objects.all(), at=NOW).filter(pk=template.pk).exists()
    assert eligible(tenant, purpose=ACCESS) == {template.id}


# --- an erasure lookup sees every tenant ------------------------------------------------------------------
def test_erasure_lookup_is_cross_tenant_and_ignores_consent_and_orders(tenant, template):
    other = factories.tenant()
    theirs = factories.template(factories.subject(other))
    suspended = factories.template(factories.subject(other, jurisdiction="IT", consented_at=GRANTED))
    factories.order(OrderAction.SUSPEND_PROCESSING, scope_jurisdictions=["IT"])
    erased = factories.template(factories.subject(other, consented_at=GRANTED))
    Subject.objects.filter(pk=erased.subject_id).update(erased_at=NOW)
    factories.template(template.subject, model="Facenet")
    found = set(gate.templates_erasable(FaceTemplate.objects.all(), model=MODEL).values_list("id", flat=True))
    assert found >= {template.id, theirs.id, suspended.id}
    assert erased.id not in found
    assert FaceTemplate.objects.filter(id__in=found, model_name="Facenet").count() == 0


# --- the gate is in the same statement as the vector search -----------------------------------------------
def test_gate_orders_by_distance_in_one_statement(tenant, template):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pgvector.django import CosineDistance

    blocked = factories.template(factories.subject(tenant))
    probe = list(blocked.embedding)
    with connection.cursor() as cursor:  # as the search does: keep walking the graph until rows pass the gate
        cursor.execute("SET LOCAL hnsw.iterative_scan = strict_order")
    with CaptureQueriesContext(connection) as queries:
        rows = list(
            gate.templates_eligible(FaceTemplate.objects.all(), tenant=tenant, purpose=FRAUD, model=MODEL, at=NOW)
            .annotate(distance=CosineDistance("embedding", probe))
            .order_by("distance")[:5]
        )
    assert [r.id for r in rows] == [template.id]
    assert len(queries) == 1 and "<=>" in queries[0]["sql"] and "consent_consent" in queries[0]["sql"]


# --- every join carries the tenant (one partition, one Citus shard) ---------------------------------------------
TENANT_TABLES = {"s", "c", "n", "consent_subject", "consent_consent", "consent_notice", "matching_facetemplate"}


def untenanted_joins(sql: str) -> list[str]:
    """Equalities of id columns between two rows of tenant tables that no tenant_id equality pairs with."""
    missing = []
    for a, col_a, b, col_b in re.findall(r"\b(\w+)\.(\w+) = (\w+)\.(\w+)", sql):
        if a == b or {a, b} - TENANT_TABLES or not col_a.endswith("id") or "tenant_id" in (col_a, col_b):
            continue
        if f"{a}.tenant_id = {b}.tenant_id" not in sql and f"{b}.tenant_id = {a}.tenant_id" not in sql:
            missing.append(f"{a}.{col_a} = {b}.{col_b}")
    return missing


def test_every_join_of_the_gate_carries_the_tenant(tenant, template):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    templates = FaceTemplate.objects.all()
    gated = gate.templates_eligible(templates, tenant=tenant, purpose=FRAUD, model=MODEL, at=NOW)
    with CaptureQueriesContext(connection) as queries:
        gate.enrollment_check(subject=template.subject, at=NOW)
    statements = [
        str(gated.query),
        queries[-1]["sql"],
        str(consents_in_force(at=NOW).query),
        str(templates_past_retention(templates, at=NOW).query),
        str(subjects_without_consent_in_force(templates, before=NOW, at=NOW).query),
    ]
    assert all("tenant_id" in sql for sql in statements)
    assert [untenanted_joins(sql) for sql in statements] == [[]] * len(statements)
    # The check can fail: the join the gate had before consents carried their tenant.
    assert untenanted_joins("consent_subject s JOIN consent_consent c ON c.subject_id = s.id") == [
        "c.subject_id = s.id"
    ]


def test_a_consent_lives_in_its_subjects_tenant(tenant):
    from django.db import IntegrityError, connection, transaction

    subject = factories.subject(tenant)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for wrong in ({"tenant_id": factories.tenant().id}, {"notice": factories.notice(factories.tenant())}):
        with pytest.raises(IntegrityError), transaction.atomic():
            row = {"tenant_id": tenant.id, "notice": factories.notice(tenant)} | wrong
            Consent.objects.create(
                subject=subject,
                purpose=FRAUD,
                notice_sha256=row["notice"].sha256,
                method="explicit_opt_in",
                granted_at=NOW,
                **row,
            )


# --- enrolment and the sweep's selectors -----------------------------------------------------------------
def test_enrollment_check(tenant):
    consented = factories.subject(tenant, consented_at=GRANTED)
    gate.enrollment_check(subject=consented, at=NOW)
    with pytest.raises(gate.ConsentRequired):
        gate.enrollment_check(subject=factories.subject(tenant), at=NOW)
    withdrawn = factories.subject(tenant)
    factories.consent(withdrawn, purpose=ACCESS, withdrawn_at=NOW - timedelta(days=1), granted_at=GRANTED)
    with pytest.raises(gate.ConsentRequired):
        gate.enrollment_check(subject=withdrawn, at=NOW)


@pytest.mark.parametrize("action", [OrderAction.RESTRICT_COLLECTION, OrderAction.SUSPEND_PROCESSING])
def test_enrollment_refused_under_collection_order(tenant, action):
    subject = factories.subject(tenant, jurisdiction="CA-QC", consented_at=GRANTED)
    factories.order(action, scope_jurisdictions=["CA-QC"])
    with pytest.raises(gate.CollectionRestricted):
        gate.enrollment_check(subject=subject, at=NOW)
    gate.enrollment_check(subject=factories.subject(tenant, consented_at=GRANTED), at=NOW)


def test_erase_order_reaches_only_subjects_created_before_it_completed(tenant, template):
    Subject.objects.filter(pk=template.subject_id).update(created_at=NOW - timedelta(days=2))
    template.subject.refresh_from_db()
    erase = factories.order(OrderAction.ERASE, scope_jurisdictions=["GB"])
    # Open: what it covers is out of matching and refused new collection (it would be erased on arrival).
    with pytest.raises(gate.CollectionRestricted):
        gate.enrollment_check(subject=template.subject, at=NOW)
    assert eligible(tenant) == set()
    erase.status, erase.completed_at = "done", NOW - timedelta(hours=1)
    erase.save()
    later = factories.subject(tenant, consented_at=GRANTED)
    Subject.objects.filter(pk=later.pk).update(created_at=NOW - timedelta(minutes=30))
    later.refresh_from_db()
    later_template = factories.template(later)
    # Done: a subject that arrived afterwards is governed by the orders in force like any other ...
    gate.enrollment_check(subject=later, at=NOW)
    assert eligible(tenant) == {later_template.pk}
    # ... one it reached but did not erase (created before it completed) stays out, and no new face is collected.
    with pytest.raises(gate.CollectionRestricted):
        gate.enrollment_check(subject=template.subject, at=NOW)


def test_subjects_without_active_consent(tenant):
    withdrawn_long_ago = factories.subject(tenant)
    factories.consent(withdrawn_long_ago, withdrawn_at=NOW - timedelta(days=2), granted_at=GRANTED)
    withdrawn_just_now = factories.subject(tenant)
    factories.consent(withdrawn_just_now, withdrawn_at=NOW - timedelta(hours=1), granted_at=GRANTED)
    still_consenting = factories.subject(tenant, consented_at=GRANTED)
    factories.consent(still_consenting, purpose=ACCESS, withdrawn_at=NOW - timedelta(days=5), granted_at=GRANTED)
    no_template = factories.subject(tenant)
    factories.consent(no_template, withdrawn_at=NOW - timedelta(days=5), granted_at=GRANTED)
    for subject in (withdrawn_long_ago, withdrawn_just_now, still_consenting):
        factories.template(subject)
    found = subjects_without_consent_in_force(FaceTemplate.objects.all(), before=NOW - timedelta(hours=24), at=NOW)
    assert set(found.values_list("id", flat=True)) == {withdrawn_long_ago.id}
