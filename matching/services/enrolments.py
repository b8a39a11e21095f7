"""Enrolments: check the image and the gate at once, store the bytes until a worker makes the template."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from consent.models import Subject
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.errors import DomainError, Unprocessable
from core.retry import retrying
from matching import face, quality
from matching.images import decode_image, decode_pixels
from matching.models import FINISHED, Enrollment, FaceTemplate
from matching.services import dispatch
from matching.services.duplicates import possible_duplicates
from matching.services.jobs import Expired, done_notify, outcome_record, running_mark, sha256
from policy.gate import enrolment_check


class PoorQuality(Unprocessable):
    code = "poor_quality"
    default_message = "The face is not good enough to enrol."


@retrying
@transaction.atomic
def enrollment_create(*, subject: Subject, api_key, image: bytes, largest_face: bool, actor: Actor) -> Enrollment:
    """Check the image and the gate now (refuse at once), store the bytes until the worker has run."""
    pixels = decode_pixels(image)
    enrolment_check(subject=subject, at=timezone.now(), purposes=api_key.purposes if api_key else None)
    enrollment = Enrollment.objects.create(
        tenant_id=subject.tenant_id,
        subject=subject,
        api_key=api_key,
        image=image,
        image_sha256=sha256(image),
        largest_face=largest_face,
        decode_pixels=pixels,
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
    fields = outcome_record(enrollment, error=error, image_field="image")
    enrollment.save(update_fields=[*fields, "quality", "possible_duplicates"])
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
    done_notify(enrollment)


def _enrollment_start(enrollment_id) -> tuple[Enrollment | None, bytes | None]:
    """Claim the enrolment that the message for `enrollment_id` runs (services/dispatch.py), mark it running and take
    its bytes; (enrollment_id's enrolment, None) when no enrolment may run now or the one taken just ends."""
    with transaction.atomic():
        enrollment = dispatch.job_claim(Enrollment, enrollment_id) or _unfinished_with_template(enrollment_id)
        if enrollment is None:
            return Enrollment.objects.filter(pk=enrollment_id).defer("image").first(), None
        if FaceTemplate.objects.filter(enrollment=enrollment).exists():
            # A re-delivered task after the template was written: just finish.
            _enrollment_end(enrollment, error=None, template=enrollment.template)
            return enrollment, None
        if enrollment.image is None:
            _enrollment_end(enrollment, error=Expired(), template=None)
            return enrollment, None
        return enrollment, running_mark(enrollment, image_field="image", end=partial(_enrollment_end, template=None))


def _unfinished_with_template(enrollment_id) -> Enrollment | None:
    """An enrolment whose template is written but whose end was not (its worker's ack lost), locked."""
    unfinished = Enrollment.objects.exclude(status__in=FINISHED).filter(pk=enrollment_id, template__isnull=False)
    return unfinished.select_for_update(of=("self",)).first()


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
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        enrollment.subject = subject
        if enrollment.status in FINISHED:
            return enrollment
        template = None
        if found is not None:
            enrollment.quality = {
                **found.quality,
                "reasons": quality.reasons(found.quality),
                "warnings": quality.warnings(found.quality),
            }
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
