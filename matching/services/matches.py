"""1:N match jobs: queued by the API, run by a worker through the gate, answered one result per person."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import transaction

from consent.models import Purpose
from consent.purposes import purpose_check
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.errors import DomainError, Unprocessable
from core.metrics import job_timings_observe
from core.retry import retrying
from matching import face
from matching.images import decode_image, decode_pixels
from matching.models import FINISHED, MatchJob
from matching.selectors import last_ef_search
from matching.services.jobs import (
    done_notify,
    elapsed_ms,
    outcome_record,
    probe_job_start,
    sha256,
    threshold_check,
)
from matching.services.people import people_nearest


class InvalidMatchRequest(DomainError):
    code = "invalid_match_request"


class PurposeIsOneToOne(Unprocessable):
    code = "purpose_is_one_to_one"
    default_message = (
        "identity_verification compares a face with one subject's own faces only: "
        "use POST /api/v1/subjects/{id}/verify."
    )


@retrying
@transaction.atomic
def match_job_create(
    *,
    tenant,
    api_key,
    purpose: str,
    image: bytes,
    top_k: int = 5,
    threshold: float | None = None,
    review: bool = False,
    actor: Actor,
) -> MatchJob:
    """Queue a 1:N match for a purpose the key allows; the worker runs it through the gate. `review`: also return
    the people just outside the decision, down to FPIR decision.REVIEW_FPIR, as candidates for an analyst."""
    if purpose == Purpose.IDENTITY_VERIFICATION:
        raise PurposeIsOneToOne(purpose=purpose)
    purpose_check(purpose, allowed=api_key.purposes)
    if not 1 <= top_k <= 50:
        raise InvalidMatchRequest("top_k must be between 1 and 50.", top_k=top_k)
    threshold = settings.MATCH_THRESHOLD if threshold is None else threshold
    if not 0 <= threshold <= 2:
        raise InvalidMatchRequest("threshold is a cosine distance between 0 and 2.", threshold=threshold)
    # Looser thresholds turn strangers into "matches" (false accepts grow with the gallery).
    threshold_check(threshold, maximum=settings.MATCH_THRESHOLD_MAX, setting="MATCH_THRESHOLD_MAX")
    pixels = decode_pixels(image)
    job = MatchJob.objects.create(
        tenant=tenant,
        api_key=api_key,
        purpose=purpose,
        model_name=face.MODEL_NAME,
        top_k=top_k,
        threshold=threshold,
        ratio_max=settings.MATCH_RATIO_MAX,
        review=review,
        probe=image,
        probe_sha256=sha256(image),
        decode_pixels=pixels,
    )
    audit_append(
        actor=actor,
        action="match_job.create",
        obj=job,
        details={
            "purpose": purpose,
            "top_k": top_k,
            "threshold": threshold,
            "ratio_max": job.ratio_max,
            "review": review,
            "probe_sha256": job.probe_sha256,
        },
    )
    enqueue("matching.tasks.match_job_run", str(job.pk))
    return job


def _match_job_end(job: MatchJob, *, error: DomainError | None) -> None:
    """Record the outcome and delete the probe bytes, in the caller's transaction."""
    fields = outcome_record(job, error=error, image_field="probe")
    job.save(update_fields=[*fields, "results", "review_candidates", "faces_detected", "face_box", "timings"])
    audit_append(
        actor=Actor.system("matching.match_job_run"),
        action=f"match_job.{job.status}",
        obj=job,
        details={
            "purpose": job.purpose,
            "results": len(job.results),
            # Who an analyst was shown for review (subjects only: scores stay in the job).
            "review_candidates": [c["subject_id"] for c in job.review_candidates],
            "error": job.error_code,
        },
    )
    done_notify(job)


@retrying
def match_job_run(*, job_id) -> MatchJob | None:
    """The worker's part: embed the probe's largest face, then search and re-check the gate in one transaction.

    The gate is judged when the search runs (not when the job was queued): the search statement holds the
    gate, and the rows found are checked again, in a later statement of the same transaction, before results
    are written.
    """
    started = time.perf_counter()
    job, image = probe_job_start(MatchJob, job_id, end=_match_job_end)
    if image is None:
        return job
    timings = {"queued_ms": round((job.started_at - job.created_at).total_seconds() * 1000, 1)}
    error, faces = None, None
    try:
        step = time.perf_counter()
        pixels = decode_image(image)
        timings["decode_ms"] = elapsed_ms(step)
        step = time.perf_counter()
        faces = face.faces_in(pixels)
        timings["detect_embed_ms"] = elapsed_ms(step)
        if not faces:
            raise face.NoFace()
    except DomainError as exc:
        error = exc
    with transaction.atomic():
        results: list[dict[str, Any]] = []
        review: list[dict[str, Any]] = []
        step = time.perf_counter()
        if error is None and faces:  # no error: a face was found
            # Lock order (docs/concurrency.md): the search locks the subjects it returns, then the job is locked.
            results, review, timings["search_path"] = people_nearest(job, faces[0].embedding)
            if (ef_search := last_ef_search.get()) is not None:
                timings["ef_search"] = ef_search
            timings["search_ms"] = elapsed_ms(step)
        job = MatchJob.objects.select_for_update().get(pk=job.pk)
        if job.status in FINISHED:
            transaction.set_rollback(True)  # another run ended it: leave its results and clocks as they are
            return job
        job.faces_detected = None if faces is None else len(faces)  # None: the image could not be decoded
        job.results = results
        job.review_candidates = review
        if error is None and faces:
            job.face_box = list(faces[0].box)  # the largest face is the one searched
        timings["total_ms"] = elapsed_ms(started)
        job.timings = timings
        _match_job_end(job, error=error)
        job_timings_observe("match", timings)
    return job
