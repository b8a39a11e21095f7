"""What erasure leaves behind: nothing of the subject but a tombstone, and a certificate that proves it."""

import base64
import json

import pytest
from django.db import connection
from django.utils import timezone

from compliance.models import DeletionCertificate, ErasureRequest
from compliance.services import eraser, erasure_requests, holds
from compliance.services.certificates import certificate_seal, certificate_sha256
from consent.models import Consent, Subject
from core.audit import Actor
from core.errors import SubjectErased
from core.models import AuditEvent
from core.transparency import audit_integrate, audit_verify
from matching import partitions
from matching.models import Enrollment, FaceTemplate
from tests import factories
from tests.helpers import load_tool, rows_mentioning

ACTOR = Actor.system("test")
PROBE = b"\xff\xd8PROBE-OF-THE-PERSON"


def _erase(subjects, **kw):
    return eraser.subjects_erase(
        subject_ids=[s.pk for s in subjects], cause="order", cause_id="test", scope={"test": True}, actor=ACTOR, **kw
    )


@pytest.mark.django_db
def test_erasure_leaves_no_row_with_the_subjects_template_probe_or_email(tenant, notice, settings):
    settings.ERASE_BATCH_SIZE = 2
    people = [factories.consented_subject(tenant, notice) for _ in range(5)]
    bystander = factories.consented_subject(tenant, notice)
    target = people[0]
    email, ref = target.email, target.external_ref
    assert ref is not None
    job = factories.match_job_naming([target, bystander], tenant)
    assert rows_mentioning(email)

    cert = _erase(people)

    ids = [p.pk for p in people]
    assert not FaceTemplate.objects.filter(subject_id__in=ids).exists()
    assert not Enrollment.objects.filter(subject_id__in=ids).exists()
    assert not Consent.objects.filter(subject_id__in=ids).exists()
    for s in Subject.objects.filter(pk__in=ids):
        assert (s.email, s.external_ref, s.erasure_cause) == ("", None, "order")
        assert s.erased_at is not None
    job.refresh_from_db()
    assert [r["subject_id"] for r in job.results] == [str(bystander.pk)]
    # Nothing anywhere: not in any table, the audit log included.
    assert rows_mentioning(email) == {}
    assert rows_mentioning(ref) == {}
    # The bystander is untouched.
    assert FaceTemplate.objects.filter(subject=bystander).count() == 2
    assert Subject.objects.get(pk=bystander.pk).email == bystander.email

    assert cert.counts == {
        "consent_consent": 5,
        "consent_subject": 5,
        "matching_enrollment": 10,
        "matching_facetemplate": 10,
        "matching_matchjob.results": 1,
    }
    assert sorted(cert.subjects) == sorted(str(i) for i in ids)
    batches = AuditEvent.objects.filter(action="erasure.batch", object_id=str(cert.pk))
    assert batches.count() == 3  # 5 subjects in batches of 2
    assert cert.audit_seq_from <= batches.first().seq and batches.last().seq <= cert.audit_seq_to
    assert email not in json.dumps(list(batches.values_list("details", flat=True)))
    audit_integrate()
    assert audit_verify()["valid"]


@pytest.mark.django_db
def test_certificate_sha256_recomputes_and_detects_a_changed_field(tenant, notice):
    cert = _erase([factories.consented_subject(tenant, notice)])
    cert = DeletionCertificate.objects.get(pk=cert.pk)
    assert certificate_sha256(cert) == cert.sha256 and len(cert.sha256) == 64
    cert.counts["matching_facetemplate"] = 1
    assert certificate_sha256(cert) != cert.sha256


@pytest.mark.django_db
def test_held_subjects_are_never_erased_and_are_listed(tenant, notice):
    held, free = factories.consented_subject(tenant, notice), factories.consented_subject(tenant, notice)
    holds.legal_hold_create(scope={"subjects": [held.pk]}, reason="litigation", expires_at=None, actor=ACTOR)
    cert = _erase([held, free])
    assert cert.subjects == [free.pk] or [str(s) for s in cert.subjects] == [str(free.pk)]
    assert cert.scope["held_subjects"] == [str(held.pk)]
    assert FaceTemplate.objects.filter(subject=held).count() == 2
    assert Subject.objects.get(pk=held.pk).erased_at is None


@pytest.mark.django_db
def test_expired_or_released_holds_do_not_block(tenant, notice):
    from datetime import timedelta

    from django.utils import timezone

    a, b = factories.consented_subject(tenant, notice), factories.consented_subject(tenant, notice)
    holds.legal_hold_create(
        scope={"subjects": [a.pk]}, reason="old", expires_at=timezone.now() - timedelta(days=1), actor=ACTOR
    )
    hold = holds.legal_hold_create(scope={"tenants": [tenant.slug]}, reason="x", expires_at=None, actor=ACTOR)
    holds.legal_hold_release(hold=hold, actor=ACTOR)
    cert = _erase([a, b])
    assert cert.scope["held_subjects"] == [] and len(cert.subjects) == 2


@pytest.mark.django_db(transaction=True)
def test_vacuum_runs_outside_a_transaction_and_its_time_is_certified(tenant, notice):
    s = factories.consented_subject(tenant, notice)
    partitions.partition_promote(tenant_id=tenant.pk)  # a partition of its own, with an HNSW graph to rebuild
    own = partitions.partition_name(tenant.pk)
    cert = _erase([s])
    assert cert.vacuumed_at is not None and cert.started_at <= cert.vacuumed_at <= cert.finished_at
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = %s", [own])
        assert cursor.fetchone()[0] == 0
        # A large share of the table went, so the HNSW index was rebuilt first: every one valid, no leftover.
        cursor.execute(
            """SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_am am ON am.oid = c.relam
               WHERE i.indrelid = %s::regclass AND am.amname = 'hnsw'""",
            [own],
        )
        indexes = cursor.fetchall()
        assert indexes and all(valid and "ccnew" not in name for name, valid in indexes), indexes
    assert certificate_sha256(DeletionCertificate.objects.get(pk=cert.pk)) == cert.sha256


@pytest.mark.django_db
def test_client_request_erases_the_subject_and_certifies(tenant, notice, django_capture_on_commit_callbacks):
    s = factories.consented_subject(tenant, notice)
    request = erasure_requests.subject_erasure_request_create(subject=s, actor=ACTOR)
    assert request.verified_at and request.source == "client"
    request = erasure_requests.erasure_request_erase_run(request_id=request.pk)
    assert request.status == "done" and request.subjects_erased == 1
    assert request.certificate.cause == "client_request"
    assert Subject.objects.get(pk=s.pk).erasure_cause == "client_request"
    with pytest.raises(SubjectErased):
        erasure_requests.subject_erasure_request_create(subject=Subject.objects.get(pk=s.pk), actor=ACTOR)
    assert ErasureRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_selfie_request_leaves_no_photo_behind(tenant, notice):
    """Even when its lookup never cleared the selfie (a crash between the two), the finished request has none."""
    target = factories.consented_subject(tenant, notice)
    now = timezone.now()
    request = ErasureRequest.objects.create(
        email="a@x.test",
        jurisdiction_id="GB",
        selfie=PROBE,
        lookup_status="done",
        candidates=[target.pk],
        status="running",
        verified_at=now,
        received_at=now,
        due_at=now,
    )
    assert rows_mentioning(PROBE.hex()[4:])
    request = erasure_requests.erasure_request_erase_run(request_id=request.pk)
    assert request.status == "done" and request.subjects_erased == 1
    assert rows_mentioning(PROBE.hex()[4:]) == {}


@pytest.mark.django_db
def test_a_sealed_certificate_proves_offline_that_its_erasure_events_are_in_the_log(tenant, notice, settings):
    settings.ERASE_BATCH_SIZE = 1
    cert = _erase([factories.consented_subject(tenant, notice) for _ in range(2)])
    assert cert.transparency is None
    sealed = certificate_seal(certificate_id=cert.pk, actor=ACTOR)
    assert certificate_seal(certificate_id=cert.pk, actor=ACTOR).transparency == sealed.transparency  # once

    verifier = load_tool("verify_audit")
    head, events = sealed.transparency["signed_head"], sealed.transparency["events"]
    assert verifier.head_valid(head)
    assert [e["action"] for e in events] == ["erasure.batch", "erasure.batch", "certificate.issue"]
    root = bytes.fromhex(head["root_hash"])
    for e in events:
        path = [bytes.fromhex(h) for h in e["audit_path"]]
        assert verifier.inclusion_valid(e["index"], head["tree_size"], base64.b64decode(e["leaf"]), path, root)
        assert json.loads(base64.b64decode(e["leaf"]))["object_id"] == str(cert.pk)
    forged = events[0]["leaf"].replace(events[0]["leaf"][-8:], "AAAAAAA=")
    path = [bytes.fromhex(h) for h in events[0]["audit_path"]]
    assert not verifier.inclusion_valid(events[0]["index"], head["tree_size"], base64.b64decode(forged), path, root)
