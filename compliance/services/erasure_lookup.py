"""The selfie lookup of an erasure request: find a person's faces at every tenant so that they can be erased.

Compliance's own work, not a client purpose: the face engine embeds the selfie, matching's search runs over the
templates the policy layer allows an erasure to see (every tenant's live templates of the model), and the
candidates within ERASURE_LOOKUP_THRESHOLD are kept. The selfie's bytes are deleted when the lookup ends,
whatever its outcome; no lock is held while the image is decoded and embedded.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from compliance.services.erasure_requests import erasure_ready, erasure_run_enqueue
from compliance.services.objections import named_tenants_tell
from consent.models import Subject
from core.audit import Actor, audit_append
from core.errors import DomainError, Expired
from matching import face
from matching.decision import fpir_at_distance
from matching.images import decode_image
from matching.models import FINISHED, JobStatus
from matching.selectors import templates_nearest_erasable
from matching.services.people import GALLERY_COUNT_LIMIT

LOOKUP_MAX_RESULTS = 50  # templates searched per lookup: a person enrolled at many tenants, several photos each
LOOKUP_MAX_AGE = timedelta(hours=1)


def _lookup_start(request_id) -> bytes | None:
    with transaction.atomic():
        erasure_request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
        if erasure_request is None or erasure_request.lookup_status in FINISHED or erasure_request.selfie is None:
            return None
        erasure_request.lookup_status = JobStatus.RUNNING
        erasure_request.save(update_fields=["lookup_status"])
        return bytes(erasure_request.selfie)


def _lookup_end(erasure_request: ErasureRequest, *, candidates: dict[str, dict], error: DomainError | None) -> None:
    """Record the outcome, delete the selfie, and erase if the request is ready (in the caller's transaction)."""
    erasure_request.candidates = list(candidates)
    erasure_request.candidate_scores = candidates
    erasure_request.lookup_status = JobStatus.FAILED if error else JobStatus.DONE
    erasure_request.lookup_error = error.code if error else ""
    erasure_request.lookup_finished_at = timezone.now()
    erasure_request.selfie = None
    if error and erasure_request.status == ErasureStatus.RUNNING:
        # No face found, or the lookup broke: "nothing to erase" is not proven, so an officer follows it up.
        erasure_request.status = ErasureStatus.AWAITING_OFFICER
    erasure_request.save()
    audit_append(
        actor=Actor.system("erasure_lookup"),
        action="erasure_request.lookup_done",
        obj=erasure_request,
        details={
            "status": erasure_request.lookup_status,
            "candidates": len(candidates),
            "error": erasure_request.lookup_error,
        },
    )
    named_tenants_tell(erasure_request, actor=Actor.system("erasure_lookup"))
    if erasure_ready(erasure_request):
        erasure_run_enqueue(erasure_request)


def _candidates(embedding: list[float]) -> dict[str, dict]:
    """Each person within ERASURE_LOOKUP_THRESHOLD, nearest first, with their distance and its modelled FPIR
    over every live subject (the gallery the lookup searches): the threshold is looser than matching's for
    recall (a missed face is a missed deletion), so an officer judges each candidate by these figures."""
    found, _ = templates_nearest_erasable(model=face.MODEL_NAME, embedding=embedding, k=LOOKUP_MAX_RESULTS)
    gallery = Subject.objects.filter(erased_at__isnull=True)[:GALLERY_COUNT_LIMIT].count()
    out: dict[str, dict] = {}
    for t in found:  # nearest first: each person's nearest template
        if t.distance <= settings.ERASURE_LOOKUP_THRESHOLD and str(t.subject_id) not in out:
            distance = float(t.distance)
            out[str(t.subject_id)] = {
                "distance": round(distance, 6),
                "fpir_at_score": round(fpir_at_distance(distance, gallery), 6),
            }
    return out


def erasure_lookup_run(*, request_id) -> ErasureRequest | None:
    image = _lookup_start(request_id)
    if image is None:
        return ErasureRequest.objects.filter(pk=request_id).first()
    error, embedding = None, None
    try:
        faces = face.faces_in(decode_image(image))
        if not faces:
            raise face.NoFace()
        embedding = faces[0].embedding  # the largest face: the requester's own
    except DomainError as exc:
        error = exc
    with transaction.atomic():
        erasure_request = ErasureRequest.objects.select_for_update().get(pk=request_id)
        if erasure_request.lookup_status in FINISHED:
            return erasure_request
        candidates = {} if embedding is None else _candidates(embedding)
        _lookup_end(erasure_request, candidates=candidates, error=error)
    return erasure_request


def erasure_lookup_sweep(*, older_than: timedelta = LOOKUP_MAX_AGE) -> int:
    """Lookups lost by a worker (not ended within `older_than`) fail, and their selfies are deleted."""
    cutoff = timezone.now() - older_than
    lost = ErasureRequest.objects.filter(received_at__lt=cutoff).filter(
        Q(lookup_status__in=[JobStatus.QUEUED, JobStatus.RUNNING]) | Q(selfie__isnull=False)
    )
    ended = 0
    for pk in lost.values_list("pk", flat=True):
        with transaction.atomic():
            erasure_request = ErasureRequest.objects.select_for_update().get(pk=pk)
            if erasure_request.lookup_status in FINISHED:
                erasure_request.selfie = None
                erasure_request.save(update_fields=["selfie"])
            else:
                _lookup_end(
                    erasure_request,
                    candidates={},
                    error=Expired("The selfie lookup did not run within an hour; the photo was deleted."),
                )
            ended += 1
    return ended
