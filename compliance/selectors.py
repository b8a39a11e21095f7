"""Reads of the compliance app, for its APIs and the officer UI. Selectors never write."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import CharField, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from compliance.deadline_selectors import with_deadline_state
from compliance.models import (
    AccessRequest,
    AccessStatus,
    DeletionCertificate,
    ErasureRequest,
    ErasureStatus,
)
from compliance.services.certificates import certificate_payload, certificate_sha256
from compliance.services.due_dates import extension_allowed
from consent.models import Subject, Tenant
from core.models import AuditEvent
from core.transparency import audit_verify, head_signature_valid, latest_signed_head
from matching.models import FaceTemplate
from policy.models import LegalHold, OrderAction, OrderStatus, RegulatorOrder, RetentionRule
from policy.selectors import consents_in_force, legal_holds_in_force, subjects_covered

OPEN_ORDERS = (Q(action=OrderAction.ERASE) & ~Q(status=OrderStatus.DONE)) | (
    ~Q(action=OrderAction.ERASE) & Q(lifted_at__isnull=True)
)


def _erasure_requests_open() -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.exclude(status__in=(ErasureStatus.DONE, ErasureStatus.REFUSED))


def order_list(*, open_only: bool = False) -> QuerySet[RegulatorOrder]:
    orders = RegulatorOrder.objects.order_by("-created_at")
    return orders.filter(OPEN_ORDERS) if open_only else orders


def order_certificates(*, order: RegulatorOrder) -> QuerySet[DeletionCertificate]:
    """An order blocked by a hold and resumed later has one certificate per erasure pass."""
    return certificates_for(obj=order).filter(cause="order")


def certificates_for(*, obj) -> QuerySet[DeletionCertificate]:
    """The certificates of an order or erasure request: one per erasure pass (a hold can split it in several)."""
    return DeletionCertificate.objects.filter(cause_id=str(obj.pk)).order_by("started_at")


def erasure_request_list(*, open_only: bool = False) -> QuerySet[ErasureRequest]:
    requests = _erasure_requests_open() if open_only else ErasureRequest.objects.all()
    return requests.order_by("-received_at")


def access_request_list() -> QuerySet[AccessRequest]:
    return AccessRequest.objects.select_related("tenant").order_by("-received_at", "id")


def access_request_get(*, request_id) -> AccessRequest:
    return AccessRequest.objects.select_related("tenant", "jurisdiction").get(pk=request_id)


def certificates_naming(*, subject_id) -> QuerySet[DeletionCertificate]:
    return DeletionCertificate.objects.filter(subjects__contains=[subject_id]).order_by("started_at")


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


def retention_rule_list() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.select_related("tenant").order_by("-active", "jurisdiction_id", "-created_at")


def legal_hold_list() -> QuerySet[LegalHold]:
    return LegalHold.objects.order_by("-created_at")


def audit_events_after(*, after: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(seq__gt=after).order_by("seq")


AUDIT_PAGE_SIZE = 50


def orders_open(*, now: datetime, limit: int | None = None) -> list[RegulatorOrder]:
    """Erase orders not yet carried out, and suspend/restrict orders still in force (those are done, in effect,
    the moment they are recorded), soonest deadline first; each with .deadline_state."""
    rows = RegulatorOrder.objects.filter(OPEN_ORDERS).order_by(F("deadline").asc(nulls_last=True), "received_at")
    rows = with_deadline_state(rows, at=now)
    return list(rows[:limit] if limit else rows)


def orders_open_count() -> int:
    return RegulatorOrder.objects.filter(OPEN_ORDERS).count()


def orders_recently_done(*, limit: int = 10) -> QuerySet[RegulatorOrder]:
    """Each with `certificate_id`: its latest erasure pass's certificate."""
    latest = DeletionCertificate.objects.filter(cause="order", cause_id=Cast(OuterRef("pk"), CharField()))
    return (
        RegulatorOrder.objects.filter(action=OrderAction.ERASE, status=OrderStatus.DONE)
        .annotate(certificate_id=Subquery(latest.order_by("-started_at").values("pk")[:1]))
        .order_by(F("completed_at").desc(nulls_last=True))[:limit]
    )


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


def certificate_list() -> QuerySet[DeletionCertificate]:
    return DeletionCertificate.objects.order_by("-finished_at")


def holds_active(*, now: datetime) -> QuerySet[LegalHold]:
    return legal_holds_in_force(at=now).order_by("-created_at")


def holds_covering(*, subject_ids, now: datetime) -> list[LegalHold]:
    """The active holds whose scope covers at least one of the subjects (what an officer would release)."""
    if not subject_ids:
        return []
    return [
        hold
        for hold in holds_active(now=now)
        if subjects_covered(scoped=hold).filter(pk__in=list(subject_ids)).exists()
    ]


def work_blocked_by_holds() -> list[RegulatorOrder | ErasureRequest]:
    """Every order and erasure request that a legal hold has blocked (held subjects left, not answered)."""
    return [
        item
        for model in (RegulatorOrder, ErasureRequest)
        for item in model.objects.exclude(held_subjects=[]).exclude(status__in=("done", "refused")).order_by("pk")
    ]


def subjects_by_id(*, ids) -> list[Subject]:
    """The subjects named by an order's held list, with their tenant, in the given order."""
    found = Subject.objects.select_related("tenant").in_bulk(list(ids))
    return [found[i] for i in ids if i in found]


def lookup_candidates(*, erasure_request: ErasureRequest) -> list[tuple[Subject, dict]]:
    """A selfie lookup's candidates with their distance and modelled FPIR ({} for lookups before they were kept)."""
    scores = erasure_request.candidate_scores
    return [(s, scores.get(str(s.pk), {})) for s in subjects_by_id(ids=erasure_request.candidates)]


def counts(*, now: datetime) -> dict[str, int]:
    active_consents = consents_in_force(at=now).filter(subject__erased_at__isnull=True)
    return {
        "tenants": Tenant.objects.count(),
        "subjects": Subject.objects.filter(erased_at__isnull=True).count(),
        "erased_subjects": Subject.objects.filter(erased_at__isnull=False).count(),
        "active_consents": active_consents.count(),
        "templates": FaceTemplate.objects.count(),
    }


AUDIT_STATUS_KEY = "officer:audit_status"
AUDIT_STATUS_TTL = 300


def audit_status(*, refresh: bool = False) -> dict:
    """The full tree check reads every event, too much for every page view of a long log: pages show the last
    result (at most 5 minutes old, with the time it was computed); refresh=True (the officer's "Verify now")
    recomputes it. The latest signed head and its age are read fresh."""
    status = None if refresh else cache.get(AUDIT_STATUS_KEY)
    if status is None:
        status = {**audit_verify(), "checked_at": timezone.now()}
        cache.set(AUDIT_STATUS_KEY, status, AUDIT_STATUS_TTL)
    head = latest_signed_head()
    if head:
        head["age_s"] = max(0, round(timezone.now().timestamp() - head["timestamp"] / 1000))
        head["signed_at"] = datetime.fromtimestamp(head["timestamp"] / 1000, tz=UTC)
        head["signature_valid"] = head_signature_valid(head)
    return {**status, "signed_head": head}


def _with_details_json(events) -> list[AuditEvent]:
    events = list(events)
    for event in events:
        event.details_json = json.dumps(event.details, ensure_ascii=False, sort_keys=True)
    return events


def audit_events(
    *,
    before: int | None = None,
    action: str = "",
    object_id: str = "",
    actor: str = "",
    since=None,
    until=None,
    limit: int = AUDIT_PAGE_SIZE,
) -> list[AuditEvent]:
    """Newest first, one page before event `before`; `action` matches a prefix ("order." is every order event),
    `object_id` an object (an order, a request, a subject, a certificate) or its type, `actor` a prefix."""
    rows = AuditEvent.objects.all()
    if before is not None:
        rows = rows.filter(seq__lt=before)
    if action:
        rows = rows.filter(action__startswith=action)
    if object_id:
        rows = rows.filter(Q(object_id=object_id) | Q(object_type=object_id))
    if actor:
        rows = rows.filter(actor__startswith=actor)
    if since:
        rows = rows.filter(at__gte=since)
    if until:
        rows = rows.filter(at__lt=until)
    return _with_details_json(rows.order_by("-seq")[:limit])


def audit_events_for(*, obj, page: str | None = None, per_page: int = AUDIT_PAGE_SIZE):
    """One page (?page-like value `page`) of the events about an order or a request, oldest first."""
    rows = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq")
    events = Paginator(rows, per_page).get_page(page)
    events.object_list = _with_details_json(events.object_list)
    return events


def order_get(*, order_id) -> RegulatorOrder:
    return RegulatorOrder.objects.get(pk=order_id)


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


def certificate_get(*, certificate_id) -> DeletionCertificate:
    return DeletionCertificate.objects.get(pk=certificate_id)


CERTIFICATE_SUBJECTS_SHOWN = 500


def certificate_document(*, certificate: DeletionCertificate) -> dict:
    """The certificate as GET /api/v1/certificates/{id} returns it, and whether its SHA-256, recomputed over the
    same canonical payload, still matches the stored one."""
    return {
        **certificate_payload(certificate),
        "sha256": certificate.sha256,
        "sha256_valid": certificate_sha256(certificate) == certificate.sha256,
        "transparency": certificate.transparency,
    }


def certificate_pretty(*, document: dict) -> dict:
    """Pretty JSON for the page; an order over 100,000 subjects lists only the first ones (the download has all)."""
    subjects = document["subjects"]
    shown = {**document, "subjects": subjects[:CERTIFICATE_SUBJECTS_SHOWN]}
    return {
        "json": json.dumps(shown, indent=2, ensure_ascii=False),
        "subjects_hidden": max(len(subjects) - CERTIFICATE_SUBJECTS_SHOWN, 0),
    }


def erasures_per_day(*, now: datetime, days: int = 30) -> list[tuple]:
    """[(date, subjects erased)] for each of the last `days` days, today included, zero-filled."""
    today = now.date()
    first = today - timedelta(days=days - 1)
    rows = (
        DeletionCertificate.objects.filter(finished_at__date__gte=first, finished_at__date__lte=today)
        .annotate(day=TruncDate("finished_at"))
        .values("day")
        .annotate(subjects=Sum(Func(F("subjects"), function="cardinality", output_field=IntegerField())))
    )
    per_day = {row["day"]: row["subjects"] or 0 for row in rows}
    return [(first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0)) for i in range(days)]
