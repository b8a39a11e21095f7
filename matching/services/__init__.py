"""Writes of the matching app: enrolments and match jobs, queued by the API and run by Celery workers.

Raw image bytes live in the job row only until the job ends (then NULL; the SHA-256 stays). Task messages
carry ids only. Runs are idempotent: a finished job is never run again and an enrolment makes one template.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from consent.models import Purpose, Subject
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.errors import DomainError, PurposeNotAllowed, Unprocessable
from core.retry import retrying
from matching import face, quality
from matching.images import decode_image, validate_image_bytes
from matching.models import FINISHED, JOB_DONE_CHANNEL, Enrollment, FaceTemplate, JobStatus, MatchJob, Verification
from matching.services.duplicates import possible_duplicates
from matching.services.people import people_nearest
from policy.gate import enrolment_check

LEFTOVER_MAX_AGE = timedelta(hours=1)


class InvalidMatchRequest(DomainError):
    code = "invalid_match_request"


class PurposeIsOneToOne(Unprocessable):
    code = "purpose_is_one_to_one"
    default_message = (
        "identity_verification compares a face with one subject's own faces only: "
        "use POST /api/v1/subjects/{id}/verify."
    )


class ThresholdTooLoose(Unprocessable):
    code = "threshold_too_loose"
    default_message = "A request's threshold may only be stricter than the configured maximum."


class PoorQuality(Unprocessable):
    code = "poor_quality"
    default_message = "The face is not good enough to enrol."


class Expired(DomainError):
    code = "expired"
    default_message = "The job was not run within an hour; its image was deleted."


def held_by_a_live_worker(job) -> bool:
    """Running and started within JOB_REAP_AFTER_SECONDS: a copy of its message waits; past that its worker is
    taken for dead and the job runs again (the relay re-sends it)."""
    reap_after = timedelta(seconds=settings.JOB_REAP_AFTER_SECONDS)
    return job.status == JobStatus.RUNNING and job.started_at > timezone.now() - reap_after


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


# --- Enrolment ----------------------------------------------------------------------------------------------
@retrying
@transaction.atomic
def enrollment_create(*, subject: Subject, api_key, image: bytes, largest_face: bool, actor: Actor) -> Enrollment:
    """Check the image and the gate now (refuse at once), store the bytes until the worker has run."""
    validate_image_bytes(image)
    enrolment_check(subject=subject, at=timezone.now(), purposes=api_key.purposes if api_key else None)
    enrollment = Enrollment.objects.create(
        tenant_id=subject.tenant_id,
        subject=subject,
        api_key=api_key,
        image=image,
        image_sha256=_sha256(image),
        largest_face=largest_face,
    )
    audit_append(
        actor=actor,
        action="enrollment.create",
        obj=enrollment,
        details={"subject": str(subject.pk), "image_sha256": enrollment.image_sha256},
    )
    enqueue("matching.tasks.enrollment_run", str(enrollment.pk))
    return enrollment


def _enrollment_end(enrollment: Enrollment, *, error: DomainError | None, template: FaceTemplate | None) -> None:
    """Record how the job ended and delete its image bytes, in the caller's transaction."""
    enrollment.status = JobStatus.FAILED if error else JobStatus.DONE
    enrollment.error_code = error.code if error else ""
    enrollment.error_message = error.message[:500] if error else ""
    enrollment.image = None
    enrollment.finished_at = timezone.now()
    enrollment.save(
        update_fields=[
            "status",
            "error_code",
            "error_message",
            "image",
            "finished_at",
            "quality",
            "possible_duplicates",
        ]
    )
    audit_append(
        actor=Actor.system("matching.enrollment_run"),
        action=f"enrollment.{enrollment.status}",
        obj=enrollment,
        details={
            "subject": str(enrollment.subject_id),
            "error": enrollment.error_code,
            "template": str(template.pk) if template else None,
            "possible_duplicates": [d["subject_id"] for d in enrollment.possible_duplicates],
        },
    )


def _enrollment_start(enrollment_id) -> tuple[Enrollment | None, bytes | None]:
    """Mark the enrolment running and take its bytes; None when it is gone or already finished."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(pk=enrollment_id).first()
        if enrollment is None or enrollment.status in FINISHED:
            return enrollment, None
        if FaceTemplate.objects.filter(enrollment=enrollment).exists():
            # A re-delivered task after the template was written: just finish.
            _enrollment_end(enrollment, error=None, template=enrollment.template)
            return enrollment, None
        if held_by_a_live_worker(enrollment):
            return enrollment, None
        if enrollment.image is None:
            _enrollment_end(enrollment, error=Expired(), template=None)
            return enrollment, None
        enrollment.status = JobStatus.RUNNING
        enrollment.started_at = timezone.now()
        enrollment.save(update_fields=["status", "started_at"])
        return enrollment, bytes(enrollment.image)


def _one_face(image: bytes, *, largest_face: bool) -> face.DetectedFace:
    faces = face.faces_in(decode_image(image))
    if not faces:
        raise face.NoFace()
    if len(faces) > 1 and not largest_face:
        raise face.MultipleFaces(faces=len(faces))
    return faces[0]


@retrying
def enrollment_run(*, enrollment_id) -> Enrollment | None:
    """The worker's part: detect exactly one face (or the largest), re-check the gate, store the template.

    Domain errors (bad image, no face, several faces, consent gone, collection restricted) end the job as
    failed with their code; they never crash the worker.
    """
    enrollment, image = _enrollment_start(enrollment_id)
    if image is None:
        return enrollment
    try:
        found = _one_face(image, largest_face=enrollment.largest_face)
        error = None
        refused = quality.reasons(found.quality)
        if refused:
            error = PoorQuality(f"The face is not good enough to enrol: {', '.join(refused)}.", reasons=refused)
    except DomainError as exc:
        found, error = None, exc
    with transaction.atomic():
        # Lock order (docs/concurrency.md): the subject, then its enrolment. NO KEY UPDATE on the subject: a
        # request inserting another enrolment or consent for it (a foreign-key check) goes on.
        subject = Subject.objects.select_for_update(no_key=True).get(pk=enrollment.subject_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        enrollment.subject = subject
        if enrollment.status in FINISHED:
            return enrollment
        template = None
        if found is not None:
            enrollment.quality = {**found.quality, "reasons": quality.reasons(found.quality)}
        if error is None:
            try:
                # Consent may have been withdrawn, or an order recorded, while the job waited.
                key = enrollment.api_key
                enrolment_check(subject=enrollment.subject, at=timezone.now(), purposes=key and key.purposes)
            except DomainError as exc:
                error = exc
        if error is None:
            template = FaceTemplate.objects.create(
                tenant_id=enrollment.tenant_id,
                subject_id=enrollment.subject_id,
                enrollment=enrollment,
                model_name=face.MODEL_NAME,
                detector=face.DETECTOR_NAME,
                embedding=found.embedding,
                quality=found.score,
                quality_measures=found.quality,
                source_sha256=enrollment.image_sha256,
            )
            enrollment.possible_duplicates = possible_duplicates(template)
        _enrollment_end(enrollment, error=error, template=template)
    return enrollment


# --- Matching -----------------------------------------------------------------------------------------------
@retrying
@transaction.atomic
def match_job_create(
    *, tenant, api_key, purpose: str, image: bytes, top_k: int = 5, threshold: float | None = None, actor: Actor
) -> MatchJob:
    """Queue a 1:N match for a purpose the key allows; the worker runs it through the gate."""
    if purpose == Purpose.IDENTITY_VERIFICATION:
        raise PurposeIsOneToOne(purpose=purpose)
    if purpose not in api_key.purposes:
        raise PurposeNotAllowed(purpose=purpose, allowed=list(api_key.purposes))
    if not 1 <= top_k <= 50:
        raise InvalidMatchRequest("top_k must be between 1 and 50.", top_k=top_k)
    threshold = settings.MATCH_THRESHOLD if threshold is None else threshold
    if not 0 <= threshold <= 2:
        raise InvalidMatchRequest("threshold is a cosine distance between 0 and 2.", threshold=threshold)
    if threshold > settings.MATCH_THRESHOLD_MAX:
        # Looser thresholds turn strangers into "matches" (false accepts grow with the gallery).
        raise ThresholdTooLoose(threshold=threshold, maximum=settings.MATCH_THRESHOLD_MAX)
    validate_image_bytes(image)
    job = MatchJob.objects.create(
        tenant=tenant,
        api_key=api_key,
        purpose=purpose,
        model_name=face.MODEL_NAME,
        top_k=top_k,
        threshold=threshold,
        probe=image,
        probe_sha256=_sha256(image),
    )
    audit_append(
        actor=actor,
        action="match_job.create",
        obj=job,
        details={"purpose": purpose, "top_k": top_k, "threshold": threshold, "probe_sha256": job.probe_sha256},
    )
    enqueue("matching.tasks.match_job_run", str(job.pk))
    return job


def _match_job_start(job_id) -> tuple[MatchJob | None, bytes | None]:
    with transaction.atomic():
        job = MatchJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in FINISHED or held_by_a_live_worker(job):
            return job, None
        if job.probe is None:
            _match_job_end(job, error=Expired())
            return job, None
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
        return job, bytes(job.probe)


def _match_job_end(job: MatchJob, *, error: DomainError | None) -> None:
    """Record the outcome and delete the probe bytes, in the caller's transaction."""
    job.status = JobStatus.FAILED if error else JobStatus.DONE
    job.error_code = error.code if error else ""
    job.error_message = error.message[:500] if error else ""
    job.probe = None
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "error_code",
            "error_message",
            "probe",
            "finished_at",
            "results",
            "faces_detected",
            "face_box",
            "timings",
        ]
    )
    audit_append(
        actor=Actor.system("matching.match_job_run"),
        action=f"match_job.{job.status}",
        obj=job,
        details={"purpose": job.purpose, "results": len(job.results), "error": job.error_code},
    )
    with connection.cursor() as cursor:  # delivered when this transaction commits
        cursor.execute("SELECT pg_notify(%s, %s)", [JOB_DONE_CHANNEL, str(job.pk)])


@retrying
def match_job_run(*, job_id) -> MatchJob | None:
    """The worker's part: embed the probe's largest face, then search and re-check the gate in one transaction.

    The gate is judged when the search runs (not when the job was queued): the search statement holds the
    gate, and the rows found are checked again, in a later statement of the same transaction, before results
    are written.
    """
    started = time.perf_counter()
    job, image = _match_job_start(job_id)
    if image is None:
        return job
    timings = {"queued_ms": round((job.started_at - job.created_at).total_seconds() * 1000, 1)}
    error, faces = None, None
    try:
        step = time.perf_counter()
        pixels = decode_image(image)
        timings["decode_ms"] = _ms(step)
        step = time.perf_counter()
        faces = face.faces_in(pixels)
        timings["detect_embed_ms"] = _ms(step)
        if not faces:
            raise face.NoFace()
    except DomainError as exc:
        error = exc
    with transaction.atomic():
        results, step = [], time.perf_counter()
        if error is None:
            # Lock order (docs/concurrency.md): the search locks the subjects it returns, then the job is locked.
            results, timings["search_path"] = people_nearest(job, faces[0].embedding)
            timings["search_ms"] = _ms(step)
        job = MatchJob.objects.select_for_update().get(pk=job_id)
        if job.status in FINISHED:
            transaction.set_rollback(True)  # another run ended it: leave its results and clocks as they are
            return job
        job.faces_detected = None if faces is None else len(faces)  # None: the image could not be decoded
        job.results = results
        if error is None:
            job.face_box = list(faces[0].box)  # the largest face is the one searched
        timings["total_ms"] = _ms(started)
        job.timings = timings
        _match_job_end(job, error=error)
    return job


# --- Leftovers ----------------------------------------------------------------------------------------------
@transaction.atomic
def probe_sweep(*, actor: Actor, older_than: timedelta = LEFTOVER_MAX_AGE) -> dict:
    """Delete image bytes of enrolments and match jobs older than `older_than`; jobs still unfinished fail."""
    cutoff = timezone.now() - older_than
    now = timezone.now()
    stale = Q(created_at__lt=cutoff) & ~Q(status__in=FINISHED)
    expired = Expired()
    failed = {
        "enrollments": Enrollment.objects.filter(stale).update(
            status=JobStatus.FAILED, error_code=expired.code, error_message=expired.message, finished_at=now
        ),
        "match_jobs": MatchJob.objects.filter(stale).update(
            status=JobStatus.FAILED, error_code=expired.code, error_message=expired.message, finished_at=now
        ),
        "verifications": Verification.objects.filter(stale).update(
            status=JobStatus.FAILED, error_code=expired.code, error_message=expired.message, finished_at=now
        ),
    }
    cleared = {
        "enrollments": Enrollment.objects.filter(created_at__lt=cutoff, image__isnull=False).update(image=None),
        "match_jobs": MatchJob.objects.filter(created_at__lt=cutoff, probe__isnull=False).update(probe=None),
        "verifications": Verification.objects.filter(created_at__lt=cutoff, probe__isnull=False).update(probe=None),
    }
    counts = {"cleared": cleared, "failed": failed}
    audit_append(actor=actor, action="matching.probe_sweep", details=counts)
    return counts
