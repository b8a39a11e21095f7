"""Webhook events are written in the transaction of the change they report (an outbox), relayed when their message
is lost, and never grow with the number of subjects."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from compliance.models import WebhookDelivery, WebhookEndpoint
from compliance.services import eraser, orders, relay, webhooks
from consent.services import consent_withdraw
from core.audit import Actor
from core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def endpoint(tenant):
    return WebhookEndpoint.objects.create(
        tenant=tenant,
        url="https://hooks.acme.test/in",
        events=["subject.erased", "templates.expired", "order.in_force"],
        secret="whsec_test",
    )


def _events(type_):
    return [json.loads(d.body)["data"] for d in WebhookDelivery.objects.filter(type=type_).order_by("created_at")]


class Died(Exception):
    pass


def test_an_erasure_batch_commits_with_its_event_even_if_the_pass_dies_after_it(tenant, notice, endpoint, settings):
    settings.ERASE_BATCH_SIZE = 1
    people = sorted((factories.consented_subject(tenant, notice) for _ in range(2)), key=lambda s: str(s.pk))

    def die(_n):
        raise Died  # the process is gone after the first batch committed: no certificate, no end of the pass

    with pytest.raises(Died):
        eraser.subjects_erase(
            subject_ids=[p.pk for p in people], cause="order", cause_id="o-1", scope={}, actor=ACTOR, on_batch=die
        )
    (event,) = _events("subject.erased")
    batch = AuditEvent.objects.get(action="erasure.batch")
    assert event["subjects"] == [str(people[0].pk)] == batch.details["subjects"]
    assert event["certificate"] == batch.object_id and event["cause"] == "order"
    assert (event["part"], event["parts"], event["subjects_total"]) == (1, 1, 1)


def test_templates_expired_is_told_batch_by_batch_with_the_certificate(tenant, notice, endpoint, settings):
    settings.ERASE_BATCH_SIZE = 2
    people = [factories.consented_subject(tenant, notice) for _ in range(2)]
    templates = [t.pk for p in people for t in p.templates.all()]
    certificate = eraser.templates_erase(template_ids=templates, cause="retention", scope={}, actor=ACTOR)
    events = _events("templates.expired")
    assert len(events) == 2 and {e["certificate"] for e in events} == {str(certificate.pk)}
    # Batches go by template: a person whose two templates fall in two batches is named by both.
    assert {s for e in events for s in e["subjects"]} == {str(p.pk) for p in people}


def test_order_in_force_names_subjects_in_bounded_parts(tenant, endpoint, monkeypatch):
    monkeypatch.setattr(webhooks, "SUBJECTS_PER_EVENT", 2)
    people = sorted(str(factories.subject(tenant, "GB").pk) for _ in range(5))
    orders.order_create(
        regulator="UK ICO",
        reference="ENF-9",
        action="suspend_processing",
        scope={"tenants": ["acme"]},
        received_at=timezone.now(),
        actor=ACTOR,
    )
    events = sorted(_events("order.in_force"), key=lambda e: e["part"])
    assert [len(e["subjects"]) for e in events] == [2, 2, 1]
    assert [e["part"] for e in events] == [1, 2, 3] and {e["parts"] for e in events} == {3}
    assert {e["subjects_total"] for e in events} == {5}
    assert [s for e in events for s in e["subjects"]] == people
    assert {e["reference"] for e in events} == {"ENF-9"}


def test_a_delivery_never_tried_is_relayed(tenant, endpoint, settings):
    fresh = WebhookDelivery.objects.create(endpoint=endpoint, type="subject.erased", body="{}")
    tried = WebhookDelivery.objects.create(
        endpoint=endpoint, type="subject.erased", body="{}", attempts=[{"at": "x", "status": 500}]
    )
    later = timezone.now() + timedelta(seconds=settings.JOB_RELAY_AFTER_SECONDS + 1)
    assert relay.erasure_relay(now=timezone.now())["webhooks"] == 0  # its message may still be on its way
    assert relay.erasure_relay(now=later)["webhooks"] == 1
    assert relay.erasure_relay(now=later)["webhooks"] == 0  # once per relay period
    assert fresh.status == tried.status == "pending"


def test_a_withdrawal_whose_task_was_lost_is_relayed_and_told_once(tenant, notice, endpoint, settings):
    endpoint.events = ["consent.withdrawn"]
    endpoint.save()
    consent = factories.consent(factories.subject(tenant, "GB"), notice)
    consent_withdraw(consent=consent, actor=ACTOR)  # its task's message never left (no commit hook runs here)
    later = timezone.now() + timedelta(seconds=settings.JOB_RELAY_AFTER_SECONDS + 1)
    assert relay.erasure_relay(now=later)["withdrawals"] == 1

    assert webhooks.consent_withdrawn_notify(consent_id=consent.pk) == 1  # what the re-sent task does
    assert webhooks.consent_withdrawn_notify(consent_id=consent.pk) == 0  # the original arriving late: told once
    (event,) = _events("consent.withdrawn")
    assert event["consent"] == str(consent.pk)
    cache.clear()  # forget the relay's once-per-period hint: only the row decides now
    assert relay.erasure_relay(now=later)["withdrawals"] == 0
