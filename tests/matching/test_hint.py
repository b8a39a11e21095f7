"""The purposes hint on templates: after any sequence of consent, order, hold, retention and enrolment writes, at any
later time, it is a superset of what the gate allows, and the search returns exactly the gate's nearest rows."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consent.models import Consent, Subject
from consent.services import consent_grant, consent_withdraw
from core.audit import Actor
from matching import partitions, selectors
from matching.models import FaceTemplate
from policy import gate
from policy.models import LegalHold, OrderAction, RetentionRule
from tests import factories
from tests.factories import ACCESS, FRAUD, GRANTED, MODEL
from tests.policy.test_gate import untenanted_joins

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PURPOSES = (FRAUD, ACCESS)
DAY = timedelta(days=1)
# The gate is asked from a minute after the writes (the hint holds from its last write on) to a year later.
LATER = (timedelta(minutes=1), 3 * DAY, 40 * DAY, 400 * DAY)

subject_no = st.integers(0, 2)
offset = st.sampled_from([-40 * DAY, -DAY, 2 * DAY, 30 * DAY])
operation = st.one_of(
    st.tuples(st.just("subject"), st.booleans()),
    st.tuples(st.just("template"), subject_no),
    st.tuples(st.just("grant"), subject_no, st.sampled_from(PURPOSES)),
    st.tuples(st.just("consent_row"), subject_no, st.sampled_from(PURPOSES), offset, st.none() | offset),
    st.tuples(st.just("withdraw"), subject_no, st.integers(0, 3)),
    st.tuples(st.just("withdraw_at"), subject_no, st.integers(0, 3), offset),
    st.tuples(st.just("unwithdraw"), subject_no, st.integers(0, 3)),
    st.tuples(st.just("repurpose"), subject_no, st.integers(0, 3)),
    st.tuples(st.just("end_purpose"), subject_no, st.integers(0, 3), offset),
    st.tuples(st.just("delete_consents"), subject_no),
    st.tuples(st.just("erase"), subject_no),
    st.tuples(st.just("order"), st.none() | subject_no, st.sampled_from(OrderAction.values), st.none() | offset),
    st.tuples(st.just("lift_orders"), offset),
    st.tuples(st.just("hold"), subject_no),
    st.tuples(st.just("retention"), st.sampled_from(["granted", "last_interaction", "purpose_end"]), st.booleans()),
    st.tuples(st.just("interact"), subject_no, offset),
    st.tuples(
        st.just("promote"),
    ),
)


class World:
    def __init__(self):
        self.tenant = factories.tenant()
        self.now = timezone.now()
        self.notices = {p: factories.notice(self.tenant, p) for p in PURPOSES}
        self.subjects: list[Subject] = []
        self.orders = []

    def subject(self, i) -> Subject | None:
        return self.subjects[i % len(self.subjects)] if self.subjects else None

    def consent(self, i, j) -> Consent | None:
        s = self.subject(i)
        consents = list(Consent.objects.filter(subject=s).order_by("granted_at", "id")) if s else []
        return consents[j % len(consents)] if consents else None

    def apply(self, op):  # noqa: C901 - one branch per kind of write
        name, *args = op
        now = self.now
        if name == "subject":
            created = factories.subject(self.tenant, consented_at=GRANTED if args[0] else None)
            self.subjects.append(created)
            factories.template(created)
        elif name == "promote":
            partitions.partition_promote(tenant_id=self.tenant.pk)
        elif (s := self.subject(args[0] if args and isinstance(args[0], int) else 0)) is None:
            return
        elif name == "template":
            factories.template(s)
        elif name == "grant":
            if s.erased_at is None:
                notice = self.notices[args[1]]
                consent_grant(subject=s, purpose=args[1], notice=notice, method="written_release", actor=SYSTEM)
        elif name == "consent_row":
            expires = None if args[3] is None else now + args[2] + abs(args[3])
            factories.consent(s, self.notices[args[1]], granted_at=now + args[2], expires_at=expires)
        elif name == "delete_consents":
            Consent.objects.filter(subject=s).delete()
        elif name == "erase":  # what the eraser does to the rows the gate reads
            Consent.objects.filter(subject=s).delete()
            Subject.objects.filter(pk=s.pk).update(erased_at=now)
            s.erased_at = now
        elif name == "hold":
            LegalHold.objects.create(reason="test", created_by="test", scope_subjects=[s.pk])
        elif name == "retention":
            # The same active limit twice is refused (retention_rule_unique_when_active); it would change nothing.
            limit = {"tenant": self.tenant, "anchor": args[0], "max_age_days": 10}
            if not (args[1] and RetentionRule.objects.filter(active=True, **limit).exists()):
                RetentionRule.objects.create(active=args[1], **limit)
        elif name == "interact":
            Subject.objects.filter(pk=s.pk).update(last_interaction_at=now + args[1])
        elif name == "order":
            scope = {"scope_subjects": [s.pk]} if args[0] is not None else {"scope_tenants": [self.tenant.pk]}
            lifted = None if args[2] is None else now + args[2]
            self.orders.append(factories.order(args[1], lifted_at=lifted, **scope))
        elif name == "lift_orders":
            for order in self.orders:
                type(order).objects.filter(pk=order.pk).update(lifted_at=now + args[0])
        elif (c := self.consent(args[0], args[1])) is None:
            return
        elif name == "withdraw":
            consent_withdraw(consent=c, actor=SYSTEM)
        elif name == "withdraw_at":
            Consent.objects.filter(pk=c.pk).update(withdrawn_at=now + args[2])
        elif name == "unwithdraw":
            Consent.objects.filter(pk=c.pk).update(withdrawn_at=None)
        elif name == "repurpose":  # as bench/search.py moves consents between purposes
            other = ACCESS if c.purpose == FRAUD else FRAUD
            n = self.notices[other]
            Consent.objects.filter(pk=c.pk).update(purpose=other, notice=n, notice_sha256=n.sha256)
        elif name == "end_purpose":
            Consent.objects.filter(pk=c.pk).update(purpose_ended_at=now + args[2])


def hints(tenant) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, purposes_hint FROM matching_facetemplate WHERE tenant_id = %s", [tenant.pk])
        return dict(cursor.fetchall())


def eligible(tenant, purpose, at) -> set:
    gated = gate.templates_eligible(FaceTemplate.objects.all(), tenant=tenant, purpose=purpose, model=MODEL, at=at)
    return set(gated.values_list("id", flat=True))


def nearest(tenant, purpose, at, probe, k) -> list:
    with transaction.atomic():
        rows, _ = selectors.templates_nearest(tenant=tenant, purpose=purpose, model=MODEL, at=at, embedding=probe, k=k)
    return [r.id for r in rows]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
# Each write that can make a template eligible again, after a hint was computed without it.
@example(start=[True] * 3, operations=[("withdraw", 0, 0), ("template", 0), ("unwithdraw", 0, 0)], k=8)
@example(start=[True] * 3, operations=[("repurpose", 1, 0), ("template", 1), ("repurpose", 1, 0)], k=8)
@example(start=[False] * 3, operations=[("template", 2), ("consent_row", 2, ACCESS, 2 * DAY, None)], k=3)
@example(start=[True] * 3, operations=[("promote",), ("withdraw", 0, 0), ("grant", 0, FRAUD), ("template", 0)], k=3)
@given(
    start=st.lists(st.booleans(), min_size=3, max_size=3),
    operations=st.lists(operation, min_size=3, max_size=30),
    k=st.sampled_from([1, 3, 8]),
)
def test_hint_is_a_superset_and_search_returns_the_gates_nearest(start, operations, k, monkeypatch_module):
    world = World()
    for op in [("subject", consented) for consented in start] + operations:
        world.apply(op)
    templates = {t.id: np.asarray(t.embedding) for t in FaceTemplate.objects.filter(tenant=world.tenant)}
    hint = hints(world.tenant)
    probe = np.random.default_rng(len(operations)).normal(size=128)
    for purpose in PURPOSES:
        for later in LATER:
            at = world.now + later
            allowed = eligible(world.tenant, purpose, at)
            assert all(purpose in hint[t] for t in allowed), (purpose, later)
            ranked = sorted(allowed, key=lambda t: float(1 - templates[t] @ probe / np.linalg.norm(probe)))
            assert nearest(world.tenant, purpose, at, probe.tolist(), k) == ranked[:k], (purpose, later)


@pytest.fixture
def monkeypatch_module(monkeypatch):
    """Any hinted share of a promoted tenant takes its graph, so both paths are exercised."""
    monkeypatch.setattr(selectors, "EXACT_BELOW", 0)
    return monkeypatch


def test_a_grant_reaches_templates_enrolled_before_and_a_template_enrolled_after():
    tenant = factories.tenant()
    s = factories.subject(tenant)
    before = factories.template(s)
    assert hints(tenant) == {before.id: []}
    factories.consent(s, purpose=ACCESS, granted_at=timezone.now() + 3 * DAY)  # a future start is in the hint already
    after = factories.template(s)
    assert hints(tenant) == {before.id: [ACCESS], after.id: [ACCESS]}


def test_the_search_runs_the_gate_on_the_hinted_candidates_in_one_statement():
    from django.test.utils import CaptureQueriesContext

    tenant = factories.tenant()
    mine = factories.template(factories.subject(tenant, consented_at=GRANTED))
    with CaptureQueriesContext(connection) as queries:
        assert nearest(tenant, FRAUD, timezone.now(), list(mine.embedding), 1) == [mine.id]
    search = [q["sql"] for q in queries if "<=>" in q["sql"]]
    assert len(search) == 1 and "purposes_hint" in search[0] and "consent_consent" in search[0]
    # The candidates are template rows: their joins carry the tenant like the gate's on the table itself.
    assert untenanted_joins(search[0].replace("nearest.", "matching_facetemplate.")) == []
    assert "s.tenant_id = matching_facetemplate.tenant_id" in search[0].replace("nearest.", "matching_facetemplate.")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_subject_never_lose_a_purpose():
    """Raw row writes in threads, each its own connection and transaction (no service lock): a withdrawal, a new
    consent and an enrolment of one subject at once; the triggers' own subject lock orders them."""
    import threading

    tenant = factories.tenant()
    for _ in range(4):
        s = factories.subject(tenant, consented_at=GRANTED)
        factories.template(s)
        notice = factories.notice(tenant, FRAUD)
        withdrawn = list(Consent.objects.filter(subject=s).values_list("pk", flat=True))
        barrier, errors = threading.Barrier(3), list[Exception]()

        def run(write, s=s, notice=notice, barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                with transaction.atomic():
                    write(s, notice)
            except Exception as exc:  # reported below, in the test's own thread
                errors.append(exc)
            finally:
                connection.close()

        writes = [
            lambda s, n, ids=withdrawn: Consent.objects.filter(pk__in=ids).update(withdrawn_at=timezone.now()),
            lambda s, n: factories.consent(s, n, granted_at=GRANTED),
            lambda s, n: factories.template(s),
        ]
        threads = [threading.Thread(target=run, args=(w,)) for w in writes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert Consent.objects.filter(subject=s, purpose=FRAUD, withdrawn_at__isnull=True).count() == 1
        every = hints(tenant)
        assert [FRAUD in every[t.pk] for t in FaceTemplate.objects.filter(subject=s)] == [True, True]
