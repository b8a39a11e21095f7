"""The outbox relay of compliance's work: a selfie lookup, an erase order and an erasure request's run whose
messages were lost (the broker down at commit) are sent again by the relay and end; the selfie's bytes are deleted.
A run left started by a dead worker is taken back, and a copy of its message while its worker may live does nothing."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from compliance.services import erasure_requests, orders, relay
from config.celery import app
from core.audit import Actor
from core.models import AuditEvent
from matching.models import FINISHED
from policy.models import OrderAction, OrderStatus, RegulatorOrder
from tests import factories
from tests.helpers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("test")


def _later(settings):
    return timezone.now() + timedelta(seconds=settings.JOB_RELAY_AFTER_SECONDS + 1)


def test_a_lost_selfie_lookup_and_a_lost_erase_order_are_relayed_and_end(faces_dir, settings):
    tenant = factories.tenant("acme")
    person = factories.consented_subject(tenant, factories.notice(tenant))
    request = erasure_requests.erasure_request_create(
        email="a@x.test",
        jurisdiction="GB",
        selfie=(faces_dir / "people/df-01/img1.jpg").read_bytes(),
        source="portal",
        actor=ACTOR,
    )
    order = orders.order_create(
        regulator="UK ICO",
        reference="R-relay",
        action=OrderAction.ERASE,
        scope={"subjects": [person.pk]},
        received_at=timezone.now(),
        actor=ACTOR,
    )
    app.control.purge()  # both messages lost: only the rows know the work

    assert relay.erasure_relay(now=timezone.now()) == {
        "lookups": 0,
        "erasure_runs": 0,
        "orders": 0,
        "webhooks": 0,
        "withdrawals": 0,
    }  # not overdue yet
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert relay.erasure_relay(now=_later(settings)) == {
            "lookups": 1,
            "erasure_runs": 0,
            "orders": 1,
            "webhooks": 0,
            "withdrawals": 0,
        }
        request = wait_for(
            lambda: ErasureRequest.objects.get(pk=request.pk), lambda r: r.lookup_status in FINISHED, timeout=90
        )
        order = wait_for(
            lambda: RegulatorOrder.objects.get(pk=order.pk), lambda o: o.status == OrderStatus.DONE, timeout=90
        )
    assert request.selfie is None
    assert order.subjects_erased == 1


def test_a_lost_erasure_run_is_relayed_and_a_dead_workers_run_is_taken_back(settings):
    tenant = factories.tenant("acme")
    notice = factories.notice(tenant)
    lost_person, dead_person = factories.consented_subject(tenant, notice), factories.consented_subject(tenant, notice)
    lost = erasure_requests.subject_erasure_request_create(subject=lost_person, actor=ACTOR)
    dead = erasure_requests.subject_erasure_request_create(subject=dead_person, actor=ACTOR)
    app.control.purge()  # both runs' messages lost
    assert relay.erasure_relay(now=timezone.now())["erasure_runs"] == 0  # not overdue yet

    # A worker started one of them and died: the row says started.
    ErasureRequest.objects.filter(pk=dead.pk).update(run_started_at=timezone.now())
    erasure_requests.erasure_request_erase_run(request_id=dead.pk)  # a copy of its message: its worker may live
    assert ErasureRequest.objects.get(pk=dead.pk).subjects_erased == 0
    assert relay.erasure_relay(now=_later(settings))["erasure_runs"] == 1  # the lost one; the other's worker may live

    ErasureRequest.objects.filter(pk=dead.pk).update(run_started_at=timezone.now() - timedelta(minutes=10))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert relay.erasure_relay(now=timezone.now())["erasure_runs"] == 1  # reaped: its worker is taken for dead
        for request in (lost, dead):
            request = wait_for(
                lambda pk=request.pk: ErasureRequest.objects.get(pk=pk),
                lambda r: r.status == ErasureStatus.DONE,
                timeout=90,
            )
            assert request.subjects_erased == 1 and request.run_started_at is None
            assert AuditEvent.objects.filter(object_id=str(request.pk), action="erasure_request.done").count() == 1
