"""Upgrading a database of the first layout loses nothing: the moved tables keep every row and the audit log
stays append-only."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("compliance", "0003_seed_and_audit_trigger"),
    ("consent", "0002_notice_immutable"),
    ("matching", "0001_initial"),
    ("core", None),
    ("policy", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_rows_of_the_first_layout_survive_the_move():
    try:
        _rows_survive()
    finally:
        _migrate(_migrate_targets_latest())  # the next tests need today's schema whatever happened here


def _rows_survive():
    old = _migrate(BEFORE)
    now = timezone.now()
    Tenant, Subject = old.get_model("consent", "Tenant"), old.get_model("consent", "Subject")
    tenant = Tenant.objects.create(slug="upgrade", name="upgrade")
    subject = Subject.objects.create(tenant=tenant, jurisdiction_id="GB", external_ref="u-1")
    notice = old.get_model("consent", "Notice").objects.create(
        tenant=tenant, purpose="fraud_prevention", version="1", text="t", sha256="c" * 64, published_at=now
    )
    consent = old.get_model("consent", "Consent").objects.create(
        subject=subject, purpose="fraud_prevention", notice=notice, notice_sha256="c" * 64, method="x", granted_at=now
    )
    face = old.get_model("matching", "FaceTemplate").objects.create(
        tenant=tenant,
        subject=subject,
        model_name="Dlib",
        detector="dlib",
        embedding=[0.5] * 128,
        source_sha256="d" * 64,
    )
    order = old.get_model("compliance", "RegulatorOrder").objects.create(
        regulator="ICO", reference="UP-1", action="suspend_processing", received_at=now, scope_subjects=[subject.pk]
    )
    old.get_model("compliance", "LegalHold").objects.create(reason="claim", created_by="t", scope_tenants=[tenant.pk])
    old.get_model("compliance", "AuditEvent").objects.create(
        seq=10_000,
        at=now,
        actor="t",
        action="old.event",
        object_type="x",
        object_id="1",
        prev_hash="0" * 64,
        hash="a" * 64,
    )
    job = old.get_model("matching", "MatchJob").objects.create(
        purpose="erasure_lookup",
        status="queued",
        model_name="Dlib",
        threshold=0.06,
        probe=b"selfie",
        probe_sha256="b" * 64,
    )
    request = old.get_model("compliance", "ErasureRequest").objects.create(
        email="a@x.test", jurisdiction_id="GB", lookup_job=job, received_at=now, due_at=now
    )

    _migrate(_migrate_targets_latest())

    from compliance.models import ErasureRequest
    from consent.models import Consent, Jurisdiction
    from consent.models import Subject as NewSubject
    from core.models import AuditEvent
    from matching.models import FaceTemplate
    from policy.models import LegalHold, RegulatorOrder, RetentionRule

    assert Consent.objects.get(pk=consent.pk).tenant_id == tenant.pk  # backfilled from its subject
    assert FaceTemplate.objects.get(pk=face.pk).subject_id == subject.pk  # moved into the shared partition
    assert NewSubject.objects.get(pk=subject.pk).jurisdiction == Jurisdiction.objects.get(code="GB")
    assert RegulatorOrder.objects.get(pk=order.pk).scope_subjects == [subject.pk]
    assert LegalHold.objects.get().scope_tenants == [tenant.pk]
    assert RetentionRule.objects.filter(jurisdiction_id="US-IL").exists()  # the seed came along
    assert AuditEvent.objects.filter(action="old.event").exists()
    moved = ErasureRequest.objects.get(pk=request.pk)
    assert (moved.lookup_status, bytes(moved.selfie), moved.selfie_sha256) == ("queued", b"selfie", "b" * 64)
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE action = 'old.event'")


def _migrate_targets_latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


BEFORE_DERIVED_OVERDUE = [
    ("compliance", "0006_erasure_lookup_on_request"),
    ("policy", "0001_initial"),
    ("consent", "0003_jurisdiction_alter_apikey_purposes_and_more"),
]


@pytest.mark.django_db(transaction=True)
def test_rows_stored_as_overdue_go_back_to_their_state():
    try:
        _overdue_rows_go_back()
    finally:
        _migrate(_migrate_targets_latest())


def _overdue_rows_go_back():
    old = _migrate(BEFORE_DERIVED_OVERDUE)
    now = timezone.now()
    held = "0b8e1f9c-2f7a-4c43-9d0e-3c8c5a4c9a11"
    Request = old.get_model("compliance", "ErasureRequest")
    Order = old.get_model("policy", "RegulatorOrder")
    late = {"status": "overdue", "jurisdiction_id": "GB", "received_at": now, "due_at": now, "verified_at": now}
    waiting = Request.objects.create(**late)
    blocked = Request.objects.create(**late, held_subjects=[held])
    order = {"regulator": "ICO", "action": "erase", "received_at": now, "deadline": now, "status": "overdue"}
    unstarted = Order.objects.create(reference="O-1", **order)
    started = Order.objects.create(reference="O-2", subjects_total=5, subjects_erased=2, **order)
    held_order = Order.objects.create(reference="O-3", held_subjects=[held], **order)

    _migrate(_migrate_targets_latest())

    from compliance.models import ErasureRequest
    from consent.models import Jurisdiction
    from policy.models import RegulatorOrder

    status = {r.pk: r.status for r in ErasureRequest.objects.all()}
    assert status == {waiting.pk: "awaiting_officer", blocked.pk: "blocked_by_hold"}
    status = {o.pk: o.status for o in RegulatorOrder.objects.all()}
    assert status == {unstarted.pk: "received", started.pk: "running", held_order.pk: "blocked_by_hold"}
    gb, us_ca = Jurisdiction.objects.get(code="GB"), Jurisdiction.objects.get(code="US-CA")
    assert (gb.extension_months, gb.identity_pause_allowed) == (2, True)
    assert (us_ca.extension_days, us_ca.identity_pause_allowed) == (45, False)


@pytest.mark.django_db(transaction=True)
def test_addresses_stored_before_the_canonical_form_get_it():
    try:
        old = _migrate([("consent", "0007_consent_withdrawal_notified")])
        tenant = old.get_model("consent", "Tenant").objects.create(slug="canon", name="canon")
        Subject = old.get_model("consent", "Subject")
        for ref, email in [("a", "Victim@GMail.com"), ("b", "victim@gma\u0131l.com"), ("c", ""), ("d", "x@-bad-")]:
            Subject.objects.create(tenant=tenant, jurisdiction_id="GB", external_ref=ref, email=email)
        _migrate(_migrate_targets_latest())
        from consent.models import Subject as Now

        canonical = dict(Now.objects.filter(tenant__slug="canon").values_list("external_ref", "email_canonical"))
        assert canonical == {"a": "victim@gmail.com", "b": "victim@xn--gmal-nza.com", "c": "", "d": ""}
    finally:
        _migrate(_migrate_targets_latest())


@pytest.mark.django_db(transaction=True)
def test_orders_and_retention_rules_recorded_twice_are_set_apart():
    try:
        old = _migrate([("policy", "0004_retention_calendar_interval")])
        Order, Rule = old.get_model("policy", "RegulatorOrder"), old.get_model("policy", "RetentionRule")
        order = {"action": "suspend_processing", "received_at": timezone.now(), "reference": "ENF-7"}
        first = Order.objects.create(regulator="UK ICO", **order)
        again = Order.objects.create(regulator="uk ico", **order)
        other = Order.objects.create(regulator="CNIL", **order)
        limit = {"jurisdiction_id": "FR", "anchor": "granted", "max_age_months": 12}
        kept, twin = Rule.objects.create(**limit), Rule.objects.create(**limit)
        stricter = Rule.objects.create(**{**limit, "max_age_months": 6})
        _migrate(_migrate_targets_latest())
        from policy.models import RegulatorOrder, RetentionRule

        references = dict(RegulatorOrder.objects.values_list("pk", "reference"))
        assert references == {first.pk: "ENF-7", again.pk: "ENF-7 [duplicate 2]", other.pk: "ENF-7"}
        active = dict(RetentionRule.objects.filter(pk__in=[kept.pk, twin.pk, stricter.pk]).values_list("pk", "active"))
        assert active == {kept.pk: True, twin.pk: False, stricter.pk: True}
    finally:
        _migrate(_migrate_targets_latest())
