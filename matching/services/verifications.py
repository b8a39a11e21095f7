"""1:1 verification: is the probe's face this subject's own enrolled face? Never a search among others.

A consent to identity_verification means "compare me with my own face": the job compares the probe only with
the subject's templates that the policy gate lets the tenant use for that purpose at the moment it runs.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from consent.models import Purpose, Subject
from consent.purposes import purpose_check
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.errors import Conflict, DomainError
from core.metrics import job_timings_observe
from matching import face
from matching.images import decode_image, decode_pixels
from matching.models import FINISHED, FaceTemplate, Verification
from matching.selectors import templates_of_subjects
from matching.services.jobs import (
    done_notify,
    elapsed_ms,
    outcome_record,
    probe_job_start,
    sha256,
    threshold_check,
)
from policy.gate import templates_eligible

PURPOSE = Purpose.IDENTITY_VERIFICATION


class NoEnrolledFace(Conflict):
    code = "no_enrolled_face"
    default_message = "The subject has no enrolled face to compare with."


class NotEligible(Conflict):
    code = "not_eligible"
    default_message = (
        "None of the subject's faces may be used for identity_verification now (no consent in force for it, "
        "a regulator order, or a retention limit)."
    )


def _check_eligible(subject: Subject, *, at) -> None:
    """Refuse when no template of the subject passes the gate for 1:1 at `at`."""
    templates = FaceTemplate.objects.filter(subject=subject)
    if not templates.exists():
        raise NoEnrolledFace()
    if not templates_eligible(templates, tenant=subject.tenant_id, purpose=PURPOSE, model=face.MODEL_NAME, at=at):
        raise NotEligible()


@transaction.atomic
def verification_create(
    *, subject: Subject, api_key, image: bytes, actor: Actor, threshold: float | None = None
) -> Verification:
    """Check the key, the gate and the image now (refuse at once); the worker compares. `threshold`: a stricter
    cosine distance for a high-value check (FMR 0.1 % at 0.070, 0.01 % at 0.057: docs/accuracy.md)."""
    purpose_check(PURPOSE, allowed=api_key.purposes)
    threshold = settings.VERIFY_THRESHOLD if threshold is None else threshold
    threshold_check(threshold, maximum=settings.VERIFY_THRESHOLD, setting="VERIFY_THRESHOLD")
    pixels = decode_pixels(image)
    _check_eligible(subject, at=timezone.now())
    verification = Verification.objects.create(
        tenant_id=subject.tenant_id,
        subject=subject,
        api_key=api_key,
        model_name=face.MODEL_NAME,
        threshold=threshold,
        probe=image,
        probe_sha256=sha256(image),
        decode_pixels=pixels,
    )
    audit_append(
        actor=actor,
        action="verification.create",
        obj=verification,
        details={"subject": str(subject.pk), "probe_sha256": verification.probe_sha256, "threshold": threshold},
    )
    enqueue("matching.tasks.verification_run", str(verification.pk))
    return verification


def _verification_end(verification: Verification, *, error: DomainError | None) -> None:
    """Record the outcome and delete the probe bytes, in the caller's transaction."""
    outcome_record(verification, error=error, image_field="probe")
    verification.save()
    audit_append(
        actor=Actor.system("matching.verification_run"),
        action=f"verification.{verification.status}",
        obj=verification,
        details={
            "subject": str(verification.subject_id),
            "match": verification.match,
            "templates_compared": verification.templates_compared,
            "error": verification.error_code,
        },
    )
    done_notify(verification)


def verification_run(*, verification_id) -> Verification | None:
    """The worker's part: embed the probe's largest face, then compare it with the subject's gated templates."""
    started = time.perf_counter()
    verification, image = probe_job_start(Verification, verification_id, end=_verification_end)
    if image is None:
        return verification
    timings = {"queued_ms": round((verification.started_at - verification.created_at).total_seconds() * 1000, 1)}
    error, faces = None, None
    try:
        step = time.perf_counter()
        faces = face.faces_in(decode_image(image))
        timings["detect_embed_ms"] = elapsed_ms(step)
        if not faces:
            raise face.NoFace()
    except DomainError as exc:
        error = exc
    with transaction.atomic():
        verification = Verification.objects.select_for_update().get(pk=verification.pk)
        if verification.status in FINISHED:
            return verification
        verification.faces_detected = None if faces is None else len(faces)
        if error is None and faces:  # no error: a face was found
            verification.face_box = list(faces[0].box)
            error = _compare(verification, faces[0].embedding)
        timings["total_ms"] = elapsed_ms(started)
        verification.timings = timings
        _verification_end(verification, error=error)
        job_timings_observe("verification", timings)
    return verification


def _compare(verification: Verification, embedding: list[float]) -> DomainError | None:
    """Distance to the nearest of the subject's templates the gate allows now; the error when there is none."""
    # Lock the subject as an erasure batch does: an erasure that got here first has committed (and the gate
    # below sees it); one that comes later waits for this commit.
    list(Subject.objects.select_for_update(no_key=True).filter(pk=verification.subject_id).values_list("pk"))
    templates = templates_of_subjects(
        tenant=verification.tenant_id,
        purpose=PURPOSE,
        model=verification.model_name,
        at=timezone.now(),
        embedding=embedding,
        subject_ids=[verification.subject_id],
    )
    if not templates:
        return NotEligible()
    verification.distance = round(float(templates[0].distance), 6)
    verification.templates_compared = len(templates)
    verification.match = verification.distance <= verification.threshold
    # A comparison is an interaction: it restarts the last-interaction retention clocks (BIPA).
    now = timezone.now()
    Subject.objects.filter(pk=verification.subject_id).update(last_interaction_at=now)
    FaceTemplate.objects.filter(pk=templates[0].pk).update(last_matched_at=now)
    return None
