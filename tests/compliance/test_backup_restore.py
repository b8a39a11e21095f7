"""Backups that honour erasure: a restored backup never makes an erased face matchable again.

Real PostgreSQL (pg_dump / pg_restore into the test database itself), the real Celery worker and DeepFace on one
photo of tests/faces. Every test is transactional: the restore replaces the tables of the test database, which
the suite's truncation then empties as after any other test.
"""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connections

from compliance.models import DeletionCertificate, ErasureRequest
from compliance.services import eraser
from compliance.services.backups import RESTORE_MARKER
from compliance.services.certificates import certificate_sha256
from compliance.services.erasure_journal import journal_append, journal_verify
from compliance.services.holds import legal_hold_create, legal_hold_release
from consent.models import Subject
from core import checks
from core.audit import Actor, audit_append, canonical
from core.models import AuditEvent
from matching.models import FaceTemplate
from policy.models import LegalHold
from tests import factories
from tests.factories import FRAUD, GRANTED
from tests.helpers import wait_for
from tests.matching.test_pipeline_integration import client_for, enrol, match_ids

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("test")


@pytest.fixture
def journal(settings, tmp_path):
    """This test's own erasure journal; yields the journal file."""
    settings.ERASURE_JOURNAL_DIR = tmp_path / "journal"
    return settings.ERASURE_JOURNAL_DIR / "erasures.jsonl"


def backup(tmp_path):
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=io.StringIO())
    return max((tmp_path / "backups").glob("*.json"))


def restore(sidecar) -> dict:
    out = io.StringIO()
    call_command("restore", str(sidecar), stdout=out)
    return json.loads(out.getvalue())


def test_a_restored_backup_erases_again_before_the_first_request(celery_worker, journal, tmp_path, faces_dir):
    tenant = factories.tenant("acme")
    client = client_for(tenant, [FRAUD])
    person = factories.subject(tenant, consented_at=GRANTED)
    photos = faces_dir / "people" / "df-01"
    assert enrol(client, person, photos / "img1.jpg")["status"] == "done"
    assert match_ids(client, photos / "img2.jpg") == [str(person.pk)]
    sidecar = backup(tmp_path)

    response = client.delete(f"/api/v1/subjects/{person.pk}")
    assert response.status_code == 202, response.content
    request_id = response.json()["erasure_request"]
    wait_for(lambda: ErasureRequest.objects.get(pk=request_id).status, lambda status: status == "done")
    line = json.loads(journal.read_text().splitlines()[-1])
    assert line["subjects"] == [[str(person.pk), str(tenant.pk)]] and line["kind"] == "subjects"

    # The worker (a thread of this test, which must stay up for the last match) idle, as a stopped one would be:
    # its last task sealed the certificate.
    wait_for(lambda: DeletionCertificate.objects.get().transparency, bool)
    summary = restore(sidecar)

    # Straight after the command, before anything is served: the backup's copy of the person is erased again.
    assert summary["subjects"] == [str(person.pk)] and summary["lines_newer"] == 1
    assert not ErasureRequest.objects.filter(pk=request_id).exists()  # the database is the backup's
    tombstone = Subject.objects.get(pk=person.pk)
    assert tombstone.erased_at and tombstone.erasure_cause == "backup_restore"
    assert not FaceTemplate.objects.filter(subject=person).exists()
    cert = DeletionCertificate.objects.get(pk__in=summary["certificates"])
    assert cert.cause == "backup_restore" and [str(s) for s in cert.subjects] == [str(person.pk)]
    assert cert.sha256 == certificate_sha256(cert) and cert.scope["backup"] == sidecar.with_suffix(".dump").name
    assert AuditEvent.objects.filter(action="backup.restore").count() == 1
    assert checks.run(preflight_only=True)["restore"]["ok"]
    # The replay is journalled like any erasure: a later restore of the same backup erases them again too.
    assert json.loads(journal.read_text().splitlines()[-1])["certificate"] == str(cert.pk)

    assert match_ids(client, photos / "img2.jpg") == []


def test_the_replay_erases_templates_again_and_sees_past_a_released_hold(journal, tmp_path):
    tenant = factories.tenant("acme")
    held, expiring = factories.subject(tenant, consented_at=GRANTED), factories.subject(tenant, consented_at=GRANTED)
    factories.template(held)
    expired, kept = factories.template(expiring), factories.template(expiring)
    hold = legal_hold_create(scope={"subjects": [str(held.pk)]}, reason="litigation", expires_at=None, actor=ACTOR)
    sidecar = backup(tmp_path)
    legal_hold_release(hold=hold, actor=ACTOR)
    eraser.subjects_erase(subject_ids=[held.pk], cause="order", scope={}, actor=ACTOR)
    eraser.templates_erase(template_ids=[expired.pk], cause="retention", scope={}, actor=ACTOR)

    summary = restore(sidecar)

    assert (summary["subjects"], summary["templates"]) == ([str(held.pk)], [str(expired.pk)])
    # The restored hold is the backup's (released only afterwards): the journal proves the erasure happened.
    assert LegalHold.objects.get(pk=hold.pk).released_at is None and Subject.objects.get(pk=held.pk).erased_at
    assert list(FaceTemplate.objects.filter(subject=expiring)) == [kept]
    assert Subject.objects.get(pk=expiring.pk).erased_at is None
    # Restored once more: the first replay's own journal lines name the same data again, erased once.
    again = restore(sidecar)
    assert (again["subjects"], again["templates"], len(again["certificates"])) == ([str(held.pk)], [str(expired.pk)], 2)


@pytest.mark.parametrize("tamper", ["edit", "drop"])
def test_a_tampered_journal_makes_restore_refuse(journal, tmp_path, tamper):
    tenant = factories.tenant("acme")
    first, second = factories.subject(tenant, consented_at=GRANTED), factories.subject(tenant, consented_at=GRANTED)
    factories.template(first), factories.template(second)
    sidecar = backup(tmp_path)
    for person in (first, second):
        eraser.subjects_erase(subject_ids=[person.pk], cause="client_request", scope={}, actor=ACTOR)
    lines = journal.read_text().splitlines()
    if tamper == "edit":  # the first erasure hidden from a restore: the face would come back
        body = json.loads(lines[0])
        body["subjects"] = []
        lines[0] = canonical(body)
        expected = "line 1: the signature does not match"
    else:
        del lines[0]
        expected = "line 1: the hash chain is broken"
    journal.write_text("\n".join(lines) + "\n")

    with pytest.raises(CommandError, match=f"refusing to restore: the erasure journal is broken: .*{expected}"):
        restore(sidecar)

    # Refused before the database was touched: both erasures (after the backup) are still there.
    assert Subject.objects.filter(pk__in=[first.pk, second.pk], erased_at__isnull=False).count() == 2
    assert not (journal.parent / RESTORE_MARKER).exists()


def test_restore_ends_the_sessions_left_connected(journal, tmp_path):
    sidecar = backup(tmp_path)
    web = connections.create_connection("default")  # a web process left running
    web.ensure_connection()
    try:
        assert restore(sidecar)["sessions_ended"] >= 1
        with pytest.raises(OperationalError):
            web.cursor().execute("SELECT 1")
    finally:
        web.close()


def test_a_dump_cut_short_changes_nothing(journal, tmp_path):
    person = factories.subject(factories.tenant("acme"), consented_at=GRANTED)
    factories.template(person)
    sidecar = backup(tmp_path)
    eraser.subjects_erase(subject_ids=[person.pk], cause="client_request", scope={}, actor=ACTOR)
    dump = sidecar.with_suffix(".dump")
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])  # pg_restore fails half-way through
    described = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**described, "sha256": hashlib.sha256(dump.read_bytes()).hexdigest()}))

    with pytest.raises(CommandError, match="failed, nothing changed"):
        restore(sidecar)

    # The half of the dump that was applied was rolled back with the schema's drop: the database is as it was.
    assert Subject.objects.get(pk=person.pk).erased_at and DeletionCertificate.objects.count() == 1
    assert checks.run(preflight_only=True)["restore"]["ok"]


def test_a_half_done_restore_keeps_the_service_closed(journal):
    journal.parent.mkdir(parents=True)
    (journal.parent / RESTORE_MARKER).write_text(json.dumps({"backup": "b.json", "since": "2026-12-04T10:00:00"}))

    check = checks.run(preflight_only=True)["restore"]

    assert not check["ok"] and "has not replayed the erasure journal" in check["problems"][0]


def test_a_line_cut_short_by_a_crash_is_left_out_then_overwritten(journal):
    journal_append(kind="subjects", certificate_id="c1", cause="order", subjects=[("s1", "t1")])
    with open(journal, "ab") as f:
        f.write(b'{"at":"2026-12-04T10:00:00+00:00","cause":"order"')  # the process died in the write

    assert [e["certificate"] for e in journal_verify()] == ["c1"]
    journal_append(kind="subjects", certificate_id="c2", cause="order", subjects=[("s2", "t1")])
    assert [(e["seq"], e["certificate"]) for e in journal_verify()] == [(1, "c1"), (2, "c2")]


def test_a_restore_says_which_signed_events_it_rolled_back_and_keeps_the_older_heads(journal, tmp_path):
    from core.merkle import Tree
    from core.models import AuditLeaf
    from core.transparency import audit_integrate, latest_signed_head

    for n in range(3):
        audit_append(actor=ACTOR, action="test.before", object_id=str(n))
    audit_integrate()
    before_backup = latest_signed_head()
    sidecar = backup(tmp_path)
    for n in range(4):
        audit_append(actor=ACTOR, action="test.after", object_id=str(n))
    audit_integrate()
    replaced = latest_signed_head()
    assert replaced["tree_size"] > before_backup["tree_size"]

    summary = restore(sidecar)

    audit = summary["audit"]
    assert audit["restored_tree_size"] == before_backup["tree_size"]
    assert (audit["replaced_tree_size"], audit["replaced_root"]) == (replaced["tree_size"], replaced["root_hash"])
    assert audit["signed_events_lost"] == replaced["tree_size"] - before_backup["tree_size"]
    # The statement is an event of the restored log, signed before the service opens.
    (event,) = AuditEvent.objects.filter(action="backup.restore")
    assert event.details["audit"] == audit and latest_signed_head()["tree_size"] == AuditEvent.objects.count()
    # Every head signed before the backup is a prefix of the restored tree.
    leaves = [bytes(h) for h in AuditLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert Tree(leaves[: before_backup["tree_size"]]).root().hex() == before_backup["root_hash"]
    assert not AuditEvent.objects.filter(action="test.after").exists()


def test_a_journal_spanning_a_key_rotation_restores_and_replays_every_line(journal, signing_key_ring, tmp_path):
    tenant = factories.tenant("acme")
    first, second = factories.subject(tenant, consented_at=GRANTED), factories.subject(tenant, consented_at=GRANTED)
    factories.template(first), factories.template(second)
    sidecar = backup(tmp_path)
    eraser.subjects_erase(subject_ids=[first.pk], cause="client_request", scope={}, actor=ACTOR)
    call_command("rotate_signing_key", stdout=io.StringIO())
    eraser.subjects_erase(subject_ids=[second.pk], cause="client_request", scope={}, actor=ACTOR)
    assert len({line["kid"] for line in journal_verify()}) == 2

    summary = restore(sidecar)

    assert summary["lines_newer"] == 2 and summary["subjects"] == sorted([str(first.pk), str(second.pk)])
    assert Subject.objects.filter(pk__in=[first.pk, second.pk], erased_at__isnull=False).count() == 2
    assert not FaceTemplate.objects.filter(subject__in=[first, second]).exists()
