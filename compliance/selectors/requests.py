"""Reads of erasure and access requests for the officer's lists, pages and dashboard."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from compliance.models import (
    AccessRequest,
    AccessStatus,
    ErasureRequest,
    ErasureStatus,
)
from compliance.selectors.deadlines import with_deadline_state
from compliance.services.due_dates import extension_allowed
from consent.models import Subject


def _erasure_requests_open() -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.exclude(status__in=(ErasureStatus.DONE, ErasureStatus.REFUSED))


def erasure_request_list(*, open_only: bool = False) -> QuerySet[ErasureRequest]:
    requests = _erasure_requests_open() if open_only else ErasureRequest.objects.all()
    return requests.order_by("-received_at")


def access_request_list() -> QuerySet[AccessRequest]:
    return AccessRequest.objects.select_related("tenant").order_by("-received_at", "id")


def access_request_get(*, request_id) -> AccessRequest:
    return AccessRequest.objects.select_related("tenant", "jurisdiction").get(pk=request_id)


def erasure_requests_concerning(*, subject_id) -> QuerySet[ErasureRequest]:
    """Requests that named the subject, found it by a selfie, were held or refused for it, or erased it."""
    named = (
        Q(subject_id=subject_id)
        | Q(candidates__contains=[subject_id])
        | Q(held_subjects__contains=[subject_id])
        | Q(refused_subjects__contains=[subject_id])
        | Q(certificate__subjects__contains=[subject_id])
    )
    return ErasureRequest.objects.filter(named).order_by("received_at")


def erasure_requests_open(*, now: datetime, limit: int | None = None) -> list[ErasureRequest]:
    """Requests not answered (awaiting the requester's confirmation too), soonest due first; each with
    .deadline_state."""
    rows = with_deadline_state(_erasure_requests_open().select_related("tenant").order_by("due_at"), at=now)
    return list(rows[:limit] if limit else rows)


def access_requests_open(*, now: datetime, limit: int | None = None) -> list[AccessRequest]:
    """Access requests not answered, soonest due first; each with .deadline_state."""
    rows = AccessRequest.objects.exclude(status=AccessStatus.DONE).select_related("tenant").order_by("due_at", "id")
    rows = with_deadline_state(rows, at=now)
    return list(rows[:limit] if limit else rows)


def access_requests_open_count() -> int:
    return AccessRequest.objects.exclude(status=AccessStatus.DONE).count()


def erasure_requests_open_count() -> int:
    return _erasure_requests_open().count()


def subjects_by_id(*, ids) -> list[Subject]:
    """The subjects named by an order's held list, with their tenant, in the given order."""
    found = Subject.objects.select_related("tenant").in_bulk(list(ids))
    return [found[i] for i in ids if i in found]


def lookup_candidates(*, erasure_request: ErasureRequest) -> list[tuple[Subject, dict]]:
    """A selfie lookup's candidates with their distance and modelled FPIR ({} for lookups before they were kept)."""
    scores = erasure_request.candidate_scores
    return [(s, scores.get(str(s.pk), {})) for s in subjects_by_id(ids=erasure_request.candidates)]


def erasure_request_actions(*, erasure_request: ErasureRequest) -> dict:
    """What an officer may do to the request now (the services re-check each)."""
    answered = erasure_request.status in (ErasureStatus.DONE, ErasureStatus.REFUSED)
    jurisdiction = erasure_request.jurisdiction
    refusable = erasure_request.status in (ErasureStatus.AWAITING_OFFICER, ErasureStatus.BLOCKED_BY_HOLD)
    return {
        "open": not answered,
        "can_extend": not answered
        and not erasure_request.extended_at
        and extension_allowed(jurisdiction)
        and erasure_request.due_at > timezone.now(),
        "refusable": refusable,
        "targets": erasure_request.held_subjects
        if erasure_request.status == ErasureStatus.BLOCKED_BY_HOLD
        else erasure_request.candidates,
    }


def erasure_request_get(*, request_id) -> ErasureRequest:
    return ErasureRequest.objects.select_related("tenant", "jurisdiction", "certificate").get(pk=request_id)
