"""Read-only selectors for the officer UI, and the geometry of its server-side SVG charts."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import F, Func, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from compliance.audit import audit_verify
from compliance.erasure import certificate_payload, certificate_sha256
from compliance.models import (
    AuditEvent,
    DeletionCertificate,
    ErasureRequest,
    ErasureStatus,
    LegalHold,
    OrderAction,
    OrderStatus,
    RegulatorOrder,
)
from compliance.selectors import legal_holds_active, scope_q
from consent.models import Subject, Tenant
from consent.selectors import consents_active
from matching.models import FaceTemplate

DUE_SOON = timedelta(days=7)
AUDIT_PAGE_SIZE = 50


def deadline_state(*, due: datetime | None, done: bool, now: datetime) -> str:
    """'overdue', 'due_soon' (within 7 days), 'on_time', or '' when there is no deadline or the work is done."""
    if due is None or done:
        return ""
    if due < now:
        return "overdue"
    if due <= now + DUE_SOON:
        return "due_soon"
    return "on_time"


def orders_open(*, now: datetime) -> list[RegulatorOrder]:
    """Erase orders not yet carried out, and suspend/restrict orders still in force (those are done, in effect,
    the moment they are recorded), soonest deadline first; each gets .deadline_state."""
    orders = list(
        RegulatorOrder.objects.filter(
            (Q(action=OrderAction.ERASE) & ~Q(status=OrderStatus.DONE))
            | (~Q(action=OrderAction.ERASE) & Q(lifted_at__isnull=True))
        ).order_by(F("deadline").asc(nulls_last=True), "received_at")
    )
    for order in orders:
        order.deadline_state = deadline_state(due=order.deadline, done=order.status == OrderStatus.DONE, now=now)
    return orders


def orders_recently_done(*, limit: int = 10) -> QuerySet[RegulatorOrder]:
    return RegulatorOrder.objects.filter(action=OrderAction.ERASE, status=OrderStatus.DONE).order_by(
        F("completed_at").desc(nulls_last=True)
    )[:limit]


def certificates_for(*, obj) -> QuerySet[DeletionCertificate]:
    """The certificates of an order or erasure request: one per erasure pass (a hold can split it in several)."""
    return DeletionCertificate.objects.filter(cause_id=str(obj.pk)).order_by("started_at")


def erasure_requests_open(*, now: datetime) -> list[ErasureRequest]:
    requests = list(
        ErasureRequest.objects.exclude(status=ErasureStatus.DONE).select_related("tenant").order_by("due_at")
    )
    for request in requests:
        request.deadline_state = deadline_state(due=request.due_at, done=False, now=now)
    return requests


def holds_active(*, now: datetime) -> QuerySet[LegalHold]:
    return legal_holds_active(at=now).order_by("-created_at")


def holds_covering(*, subject_ids, now: datetime) -> list[LegalHold]:
    """The active holds whose scope covers at least one of the subjects (what an officer would release)."""
    if not subject_ids:
        return []
    subjects = Subject.objects.filter(pk__in=list(subject_ids))
    return [hold for hold in holds_active(now=now) if subjects.filter(scope_q(hold)).exists()]


def subjects_by_id(*, ids) -> list[Subject]:
    """The subjects named by an order's held list, with their tenant, in the given order."""
    found = Subject.objects.select_related("tenant").in_bulk(list(ids))
    return [found[i] for i in ids if i in found]


def counts(*, now: datetime) -> dict[str, int]:
    active_consents = consents_active(at=now).filter(subject__erased_at__isnull=True)
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
    """The full chain check costs ~65 us per event (1.3-1.8 s for 20,000 events here), too much for every page
    view of a long chain: pages show the last result (at most 5 minutes old, with the time it was computed);
    refresh=True (the officer's "Verify now") recomputes it."""
    status = None if refresh else cache.get(AUDIT_STATUS_KEY)
    if status is None:
        status = {**audit_verify(), "checked_at": timezone.now()}
        cache.set(AUDIT_STATUS_KEY, status, AUDIT_STATUS_TTL)
    return status


def _with_details_json(events) -> list[AuditEvent]:
    events = list(events)
    for event in events:
        event.details_json = json.dumps(event.details, ensure_ascii=False, sort_keys=True)
    return events


def audit_events(*, after: int = 0, limit: int = AUDIT_PAGE_SIZE) -> list[AuditEvent]:
    return _with_details_json(AuditEvent.objects.filter(seq__gt=after).order_by("seq")[:limit])


def audit_events_for(*, obj, limit: int = 100) -> list[AuditEvent]:
    return _with_details_json(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq")[:limit]
    )


def order_get(*, order_id) -> RegulatorOrder:
    return RegulatorOrder.objects.select_related("certificate").get(pk=order_id)


def erasure_request_get(*, request_id) -> ErasureRequest:
    return ErasureRequest.objects.select_related("tenant", "jurisdiction", "certificate").get(pk=request_id)


def certificate_get(*, certificate_id) -> DeletionCertificate:
    return DeletionCertificate.objects.get(pk=certificate_id)


CERTIFICATE_SUBJECTS_SHOWN = 500


def certificate_document(*, certificate: DeletionCertificate) -> dict:
    """The certificate as GET /api/v1/certificates/{id} returns it, and whether its SHA-256, recomputed over the
    same canonical payload, still matches the stored one."""
    return {**certificate_payload(certificate), "sha256": certificate.sha256,
            "sha256_valid": certificate_sha256(certificate) == certificate.sha256}


def certificate_pretty(*, document: dict) -> dict:
    """Pretty JSON for the page; an order over 100,000 subjects lists only the first ones (the download has all)."""
    subjects = document["subjects"]
    shown = {**document, "subjects": subjects[:CERTIFICATE_SUBJECTS_SHOWN]}
    return {"json": json.dumps(shown, indent=2, ensure_ascii=False),
            "subjects_hidden": max(len(subjects) - CERTIFICATE_SUBJECTS_SHOWN, 0)}


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


# --- chart geometry (rendered by templates/officer/_chart_*.html as inline SVG) ---------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bar_chart(*, points: list[tuple], width: int = 640, height: int = 180) -> dict:
    """Vertical bars for [(date, value)]; the top of the scale is the largest value (at least 1)."""
    left, bottom, top = 36, 22, 10
    plot_w, plot_h = width - left - 6, height - bottom - top
    peak = max([value for _, value in points] + [1])
    step = plot_w / max(len(points), 1)
    bars = []
    for i, (day, value) in enumerate(points):
        h = plot_h * value / peak
        bars.append(Bar(x=round(left + i * step + 1, 1), y=round(top + plot_h - h, 1), width=round(max(step - 2, 1), 1),
                        height=round(h, 1), label=day.isoformat(), value=value))
    ticks = [bars[i] for i in range(0, len(bars), 7)] if bars else []
    return {"width": width, "height": height, "left": left, "top": top, "baseline": top + plot_h,
            "peak": peak, "bars": bars, "ticks": ticks, "total": sum(b.value for b in bars)}


@dataclass(frozen=True)
class TimelineRow:
    y: float
    x_start: float
    x_end: float
    label: str
    due: datetime
    state: str
    url: str

    @property
    def width(self) -> float:
        return round(self.x_end - self.x_start, 1)


def deadline_timeline(*, now: datetime, orders, requests, width: int = 640, limit: int = 15) -> dict:
    """A row per open order/request: a bar from received to deadline on an axis from 30 days ago to 60 ahead."""
    start, end = now - timedelta(days=30), now + timedelta(days=60)
    label_w, row_h = 170, 20
    plot_w = width - label_w - 24
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        clamped = min(max(at, start), end)
        return round(label_w + plot_w * (clamped - start).total_seconds() / span, 1)

    items = [(o.deadline, o.received_at, f"{o.regulator} {o.reference}", o.deadline_state,
              reverse("officer:order", args=[o.pk]))
             for o in orders if o.deadline_state]
    items += [(r.due_at, r.received_at, f"Erasure request {str(r.pk)[:8]}", r.deadline_state,
               reverse("officer:erasure-request", args=[r.pk])) for r in requests]
    items.sort(key=lambda item: item[0])
    rows = [
        TimelineRow(y=8 + i * row_h, x_start=x(received), x_end=max(x(due), x(received) + 2), label=label[:28],
                    due=due, state=state, url=url)
        for i, (due, received, label, state, url) in enumerate(items[:limit])
    ]
    axis = [{"x": x(now + timedelta(days=d)), "label": "today" if d == 0 else f"{d:+d}d"} for d in (-30, 0, 30, 60)]
    return {"width": width, "height": 8 + len(rows) * row_h + 24, "rows": rows, "today": x(now), "axis": axis,
            "axis_y": 8 + len(rows) * row_h + 14, "hidden": max(len(items) - limit, 0)}


def dashboard(*, now: datetime | None = None) -> dict:
    """Everything the dashboard shows, read in one place."""
    now = now or timezone.now()
    orders = orders_open(now=now)
    for order in orders:
        order.held = subjects_by_id(ids=order.held_subjects) if order.status == OrderStatus.BLOCKED_BY_HOLD else []
    requests = erasure_requests_open(now=now)
    return {
        "now": now,
        "orders": orders,
        "orders_done": orders_recently_done(),
        "requests": requests,
        "holds": holds_active(now=now),
        "counts": counts(now=now),
        "audit": audit_status(),
        "erasures_chart": bar_chart(points=erasures_per_day(now=now)),
        "timeline": deadline_timeline(now=now, orders=orders, requests=requests),
    }
