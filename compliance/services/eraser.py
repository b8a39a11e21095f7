"""The one batched eraser behind every kind of deletion (orders, requests, retention, withdrawal): delete face
data in short batches, vacuum it out of the heap, prove it with a certificate, and settle the work item.

Each batch is its own short transaction (row locks on the rows it deletes only, never a table lock), so matching
keeps running during a large order. Legal holds are re-checked inside every batch: a held subject is never erased
here, it is listed in the certificate's scope under "held_subjects" for the caller to report.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from compliance.models import DeletionCertificate, WebhookEvent
from compliance.services.certificates import certificate_issue
from compliance.services.erasure_journal import journal_append
from compliance.services.webhooks import webhook_emit_subjects
from consent.models import Consent, Subject
from core.audit import Actor, audit_append, audit_head_seq
from core.replica import eligibility_removed
from matching import partitions
from matching.models import Enrollment, FaceTemplate, MatchJob
from policy.selectors import subjects_held

TEMPLATES = FaceTemplate._meta.db_table
ENROLLMENTS = Enrollment._meta.db_table
JOBS = MatchJob._meta.db_table
SUBJECTS = Subject._meta.db_table
# Tables whose dead tuples may still hold erased data after the batches (vectors, image bytes, emails).
VACUUMED_TABLES = [TEMPLATES, ENROLLMENTS, JOBS, SUBJECTS, Consent._meta.db_table]

# Drop every entry naming one of the subjects from a job's results (and its review candidates); leaves other
# entries in their order.
_SCRUB = """
UPDATE {jobs} AS j SET {column} = COALESCE((
    SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements(j.{column}) WITH ORDINALITY AS x(e, n)
    WHERE NOT ((e ->> 'subject_id') = ANY(%(ids)s))), '[]'::jsonb)
WHERE CASE WHEN jsonb_typeof(j.{column}) = 'array' THEN EXISTS (
    SELECT 1 FROM jsonb_array_elements(j.{column}) AS e WHERE (e ->> 'subject_id') = ANY(%(ids)s)) ELSE false END
"""
SCRUBBED_COLUMNS = ("results", "review_candidates")


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _execute(cursor, sql: str, params) -> int:
    cursor.execute(sql, params)
    return cursor.rowcount


def _held(subject_ids, respect_holds: bool) -> set[str]:
    return {str(s) for s in subjects_held(subject_ids=subject_ids)} if respect_holds else set()


def _erase_subject_batch(batch: list[str], *, cause: str, now, respect_holds: bool) -> tuple[list[str], Counter]:
    """One short transaction; returns the subjects erased (held ones excluded) and the rows touched per table."""
    counts: Counter = Counter()
    held = _held(batch, respect_holds)
    ids = [s for s in batch if s not in held]
    if not ids:
        return [], counts
    with connection.cursor() as cursor:
        # Lock the subjects first (a running match locks the subjects it is about to return the same way): a match
        # either commits before this batch goes on, and its results are scrubbed below, or waits and then drops
        # the erased subjects. NO KEY UPDATE leaves an enrolment's foreign-key check free to finish.
        cursor.execute(f"SELECT 1 FROM {SUBJECTS} WHERE id = ANY(%s::uuid[]) ORDER BY id FOR NO KEY UPDATE", [ids])
        # Enrolments first: this waits for an enrolment in flight (it locks its row) to commit, and the next
        # statement's snapshot then sees the template it wrote.
        counts[ENROLLMENTS] += _execute(cursor, f"DELETE FROM {ENROLLMENTS} WHERE subject_id = ANY(%s::uuid[])", [ids])
        counts[TEMPLATES] += _execute(cursor, f"DELETE FROM {TEMPLATES} WHERE subject_id = ANY(%s::uuid[])", [ids])
        for column in SCRUBBED_COLUMNS:
            if scrubbed := _execute(cursor, _SCRUB.format(jobs=JOBS, column=column), {"ids": ids}):
                counts[f"{JOBS}.{column}"] += scrubbed
    # Consent evidence is personal data: the rows go (through the ORM, so any dependent row goes with them).
    _, deleted = Consent.objects.filter(subject_id__in=ids).delete()
    for label, n in deleted.items():
        counts[label.replace(".", "_").lower()] += n
    with connection.cursor() as cursor:
        counts[SUBJECTS] += _execute(
            cursor,
            f"UPDATE {SUBJECTS} SET email = '', email_canonical = '', external_ref = NULL, erased_at = %s, erasure_cause = %s "
            f"WHERE id = ANY(%s::uuid[]) AND erased_at IS NULL",
            [now, cause, ids],
        )
    return ids, counts


# Past this fraction of the template table deleted, the HNSW indexes are rebuilt before the VACUUM: pgvector's
# HNSW vacuum repairs the graph around every deleted vector and takes many minutes after a mass deletion
# (measured: > 14 min for 200,000 of 250,000 rows), while a rebuild of what is left takes far less.
REINDEX_FRACTION = 0.1


def _vacuum(*, templates_deleted: int) -> datetime | None:
    """Physical clean-up: the deleted vectors, bytes and emails leave the heap and the indexes.

    VACUUM and REINDEX CONCURRENTLY can't run inside a transaction block; inside one (a test's atomic wrapper)
    there is no clean-up time. Neither blocks reads or writes of the table (SHARE UPDATE EXCLUSIVE lock).
    """
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        # A partitioned table's own reltuples stays -1: its partitions hold the counts.
        cursor.execute(
            "SELECT sum(greatest(c.reltuples, 0)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [TEMPLATES],
        )
        rows_before = max(cursor.fetchone()[0] or 0, 1)
        if templates_deleted >= REINDEX_FRACTION * rows_before:
            for index in partitions.templates_hnsw_indexes(cursor):
                cursor.execute(f"REINDEX INDEX CONCURRENTLY {index}")
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(VACUUMED_TABLES)}")
    return timezone.now()


def _journal(kind: str, owners, *, certificate_id, cause: str, templates=()) -> None:
    """The batch's line in the erasure journal, written last in its transaction and fsynced before the commit.
    A crash between the two leaves a line for an erasure that never committed: harmless, since a restore's replay
    then only completes an erasure that was asked for, and re-erasing an erased subject changes nothing. The
    other order could commit an erasure with no line, which a restore would silently undo."""
    if owners:
        journal_append(kind=kind, certificate_id=certificate_id, cause=cause, subjects=owners, templates=templates)


def subjects_erase(
    *, subject_ids, cause: str, cause_id="", scope: dict, actor: Actor, on_batch=None, respect_holds=True
) -> DeletionCertificate:
    """Erase subjects: templates, enrolments (image bytes), match results naming them, consents; the subject
    becomes a tombstone. `on_batch(n)` runs after each committed batch. `respect_holds=False` only for a restore's
    replay: the journal proves no hold covered the subject when it was erased (a restored hold is stale).
    """
    started_at = timezone.now()
    cert_id = uuid.uuid4()
    seq_from = audit_head_seq() + 1
    pending = sorted({str(s) for s in subject_ids})
    erased: list[str] = []
    held: set[str] = set()
    counts: Counter = Counter()
    for number, batch in enumerate(_batches(pending, settings.ERASE_BATCH_SIZE), start=1):
        with transaction.atomic():
            eligibility_removed()
            done, batch_counts = _erase_subject_batch(
                batch, cause=cause, now=timezone.now(), respect_holds=respect_holds
            )
            held.update(set(batch) - set(done))
            audit_append(
                actor=actor,
                action="erasure.batch",
                object_type="compliance.deletioncertificate",
                object_id=cert_id,
                details={
                    "cause": cause,
                    "cause_id": str(cause_id),
                    "batch": number,
                    "subjects": done,
                    "held": sorted(set(batch) - set(done)),
                    "counts": dict(batch_counts),
                },
            )
            owners = _owners(done)
            _tell_tenants(owners, certificate_id=cert_id, cause=cause, event=WebhookEvent.SUBJECT_ERASED)
            _journal("subjects", owners, certificate_id=cert_id, cause=cause)
        erased += done
        counts.update(batch_counts)
        if on_batch:
            on_batch(len(done))
    return _pass_close(
        cert_id=cert_id,
        cause=cause,
        cause_id=cause_id,
        scope=scope,
        counts=counts,
        subjects=erased,
        held=held,
        started_at=started_at,
        seq_from=seq_from,
        actor=actor,
    )


def _owners(subject_ids) -> list[tuple]:
    """(subject id, tenant id) of each subject."""
    return list(Subject.objects.filter(pk__in=list(subject_ids)).values_list("pk", "tenant_id"))


def _tell_tenants(owners, *, certificate_id, cause: str, event: str) -> None:
    """Each tenant learns which of its subjects this batch erased, or stripped of their templates (it may hold its
    own copies). Written in the batch's own transaction (an outbox): if the change commits, so does the event.
    `certificate` is the pass's certificate, issued when the pass ends."""
    webhook_emit_subjects(subjects=owners, type=event, data={"certificate": str(certificate_id), "cause": cause})


def templates_erase(
    *, template_ids, cause: str, cause_id="", scope: dict, actor: Actor, respect_holds=True
) -> DeletionCertificate:
    """Erase templates (and their enrolment rows) while the subject record stays: retention and withdrawal.
    Templates of held subjects are kept and listed in the certificate's scope (`respect_holds`: as in
    subjects_erase)."""
    started_at = timezone.now()
    cert_id = uuid.uuid4()
    seq_from = audit_head_seq() + 1
    pending = sorted({str(t) for t in template_ids})
    counts: Counter = Counter()
    subjects: set[str] = set()
    held_subjects: set[str] = set()
    for number, batch in enumerate(_batches(pending, settings.ERASE_BATCH_SIZE), start=1):
        with transaction.atomic():
            eligibility_removed()
            rows = list(FaceTemplate.objects.filter(pk__in=batch).values_list("pk", "subject_id", "enrollment_id"))
            held = _held({r[1] for r in rows}, respect_holds)
            rows = [r for r in rows if str(r[1]) not in held]
            ids = [str(r[0]) for r in rows]
            enrollments = [str(r[2]) for r in rows if r[2]]
            with connection.cursor() as cursor:
                n_templates = _execute(cursor, f"DELETE FROM {TEMPLATES} WHERE id = ANY(%s::uuid[])", [ids])
                n_enrollments = _execute(cursor, f"DELETE FROM {ENROLLMENTS} WHERE id = ANY(%s::uuid[])", [enrollments])
            batch_subjects = sorted({str(r[1]) for r in rows})
            audit_append(
                actor=actor,
                action="erasure.templates_batch",
                object_type="compliance.deletioncertificate",
                object_id=cert_id,
                details={
                    "cause": cause,
                    "batch": number,
                    "templates": ids,
                    "subjects": batch_subjects,
                    "held": sorted(held),
                },
            )
            owners = _owners(batch_subjects)
            _tell_tenants(owners, certificate_id=cert_id, cause=cause, event=WebhookEvent.TEMPLATES_EXPIRED)
            _journal("templates", owners, certificate_id=cert_id, cause=cause, templates=ids)
        counts[TEMPLATES] += n_templates
        counts[ENROLLMENTS] += n_enrollments
        subjects.update(batch_subjects)
        held_subjects |= held
    return _pass_close(
        cert_id=cert_id,
        cause=cause,
        cause_id=cause_id,
        scope=scope,
        counts=counts,
        subjects=sorted(subjects),
        held=held_subjects,
        started_at=started_at,
        seq_from=seq_from,
        actor=actor,
    )


def _pass_close(
    *, cert_id, cause, cause_id, scope, counts, subjects, held, started_at, seq_from, actor: Actor
) -> DeletionCertificate:
    """The end of every erasure pass: vacuum, certify (held subjects listed in the scope). The tenants were told
    batch by batch."""
    vacuumed_at = _vacuum(templates_deleted=counts[TEMPLATES])
    certificate = certificate_issue(
        cert_id=cert_id,
        cause=cause,
        cause_id=cause_id,
        scope={**scope, "held_subjects": sorted(held)},
        counts=counts,
        subjects=subjects,
        started_at=started_at,
        seq_from=seq_from,
        vacuumed_at=vacuumed_at,
        actor=actor,
    )
    return certificate


BLOCKED_BY_HOLD, DONE = "blocked_by_hold", "done"  # the same values in OrderStatus and ErasureStatus


def erasure_settle(item, *, kind: str, held, actor: Actor, done_details: dict) -> None:
    """The end of an erasure pass of an order or an erasure request (`kind`, locked by the caller): "running"
    becomes "blocked_by_hold" while legal holds keep some of its subjects, else "done". Saves and audits."""
    item.held_subjects = sorted(held)
    if item.held_subjects:
        item.status = BLOCKED_BY_HOLD
        audit_append(
            actor=actor, action=f"{kind}.blocked_by_hold", obj=item, details={"held_subjects": item.held_subjects}
        )
    else:
        item.status = DONE
        item.completed_at = timezone.now()
        audit_append(actor=actor, action=f"{kind}.done", obj=item, details=done_details)
    item.save()
