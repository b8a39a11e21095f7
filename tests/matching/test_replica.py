"""The hot standby (core.replica, docs/replication.md): two real embedded PostgreSQL servers, the second a
synchronous streaming standby of the first, started by this module's fixture (devserver/standby.py).

A withdrawal answered by the API is never missed by a gated search on the standby; with the standby stopped, or
not applying WAL, searches are answered by the primary and withdrawals still commit. A signed tree head is on the
standby before it is published, so a failover never forks the audit log under a head a client kept.
"""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connections
from django.utils import timezone

from consent.models import Consent
from core.audit import Actor, audit_append
from core.replica import REPLICA, on_standby
from core.transparency import audit_integrate
from devserver import standby
from matching import selectors
from tests import factories
from tests.factories import FRAUD, GRANTED, MODEL

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

BOUND_S = 60  # a withdrawal that has not answered by then is stuck (the commit guard's bound is seconds)


@pytest.fixture(scope="module", autouse=True)
def _standby(django_db_setup, django_db_blocker):
    """A fresh copy of the primary (with the test database in it), streaming, and the `replica` alias on it as
    DATABASE_REPLICA_URL adds it: there before the tests' database set-up (module scope), a mirror of the test
    database (never flushed: it is read-only); the standby stopped and forgotten after the module."""
    with django_db_blocker.unblock():
        url = standby.start_standby(fresh=True)
    databases = connections.settings  # settings.DATABASES, with Django's defaults filled in
    host = parse_qs(urlsplit(url).query)["host"][0]
    default = databases["default"]
    databases[REPLICA] = {**default, "HOST": host, "TEST": {**default["TEST"], "MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del databases[REPLICA]
    standby.stop_standby()


@pytest.fixture
def replica(settings):
    settings.REPLICA_RETRY_SECONDS = 0  # each search here tries the standby again
    return connections[REPLICA]


@pytest.fixture
def people():
    """A tenant, its API key, and three consented subjects with one template each."""
    tenant = factories.tenant()
    raw_key = factories.api_key_created(tenant, [FRAUD])[1]
    templates = [factories.template(factories.subject(tenant, consented_at=GRANTED)) for _ in range(3)]
    return tenant, raw_key, templates


def search(tenant, probe):
    """The gated search as a match runs it (core.replica.on_standby): subject ids found, and the database."""
    (found, _path), database = on_standby(
        lambda: selectors.templates_nearest(
            tenant=tenant, purpose=FRAUD, model=MODEL, at=timezone.now(), embedding=list(probe.embedding), k=5
        )
    )
    return {t.subject_id for t in found}, database


def withdraw(client, raw_key, subject_id) -> int:
    """POST the withdrawal in a thread and wait for its answer at most BOUND_S: its status code."""
    consent = Consent.objects.get(subject_id=subject_id, purpose=FRAUD)
    answer = {}

    def post():
        response = client.post(
            f"/api/v1/consents/{consent.pk}/withdraw", {}, content_type="application/json", **factories.auth(raw_key)
        )
        answer["status"] = response.status_code
        connections.close_all()

    thread = threading.Thread(target=post)
    thread.start()
    thread.join(BOUND_S)
    assert not thread.is_alive(), "the withdrawal did not answer: its commit is waiting for the standby"
    return answer["status"]


def wait_until_standby_serves(tenant, probe):
    for _ in range(300):
        found, database = search(tenant, probe)
        if database == REPLICA:
            return found
        threading.Event().wait(0.1)
    raise AssertionError("the standby never became current")


@pytest.fixture
def late_replay(replica):
    """The standby replays WAL 300 ms late: a commit that did not wait for it would still be unseen there."""

    def delay(value: str) -> None:
        with replica.cursor() as cursor:
            cursor.execute(f"ALTER SYSTEM SET recovery_min_apply_delay = '{value}'")
            cursor.execute("SELECT pg_reload_conf()")

    delay("300ms")
    yield
    delay("0")


def test_a_withdrawal_is_never_missed_by_a_search_on_the_standby(replica, people, client, late_replay):
    tenant, raw_key, templates = people
    wait_until_standby_serves(tenant, templates[0])
    for template in templates:
        found, database = search(tenant, template)
        assert database == REPLICA and template.subject_id in found
        assert withdraw(client, raw_key, template.subject_id) == 200
        # Right after the answer, on the standby: the withdrawn subject is gone.
        found, database = search(tenant, template)
        assert database == REPLICA
        assert template.subject_id not in found


def test_standby_stopped_searches_fall_back_and_withdrawals_commit(replica, people, client):
    tenant, raw_key, (kept, withdrawn, _) = people
    wait_until_standby_serves(tenant, kept)
    standby.stop_standby(forget=False)  # pg_ctl stop; the primary still names it synchronous
    try:
        found, database = search(tenant, kept)
        assert database == "default" and kept.subject_id in found
        assert withdraw(client, raw_key, withdrawn.subject_id) == 200
        found, database = search(tenant, withdrawn)
        assert database == "default" and withdrawn.subject_id not in found
    finally:
        standby.start_standby()
    # Back, it serves again only once it has replayed the withdrawal made while it was away.
    assert withdrawn.subject_id not in wait_until_standby_serves(tenant, withdrawn)


def test_a_standby_that_stops_applying_is_fenced_off(replica, people, client, settings):
    """Streaming but not replaying: the withdrawal's wait for it is cut short at the bound, and the searches go
    to the primary until the standby has replayed the withdrawal."""
    settings.REPLICA_COMMIT_TIMEOUT_SECONDS = 0.5
    tenant, raw_key, (kept, withdrawn, _) = people
    wait_until_standby_serves(tenant, kept)
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        assert withdraw(client, raw_key, withdrawn.subject_id) == 200
        found, database = search(tenant, withdrawn)
        assert database == "default" and withdrawn.subject_id not in found
    finally:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    assert withdrawn.subject_id not in wait_until_standby_serves(tenant, withdrawn)


def test_a_signed_head_is_on_the_standby_once_published(replica, late_replay):
    """The sequencer signs a head; GET /audit/head publishes it at once, and a client keeps it. The standby replays
    300 ms late, so a head committed on the primary alone would not be there yet: promoted then (the primary
    lost), it would sign another tree of that size, and the kept head would be no prefix of the new log."""
    for n in range(3):
        audit_append(actor=Actor.system("test"), action="test.failover", object_type="test", object_id=str(n))
    head = audit_integrate()
    with replica.cursor() as cursor:
        cursor.execute("SELECT root_hash FROM core_audittreehead WHERE tree_size = %s", [head.tree_size])
        row = cursor.fetchone()
    assert row is not None, "the published head is not on the standby"
    assert bytes(row[0]) == bytes(head.root_hash)
