"""A data subject's whole history, in time order, for the officer's subject page and its export: consents, face
templates and enrolments (counts and dates, never vectors), matches and verifications naming the subject, the
orders and holds whose scope reaches them, erasure and access requests, deletion certificates. Selectors never
write: the export's audit event is the view's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min

from compliance.models import AccessRequest
from compliance.selectors.certificates import certificates_naming
from compliance.selectors.requests import erasure_requests_concerning
from consent.models import Subject
from matching.models import Enrollment, FaceTemplate, MatchJob, Verification
from policy.selectors import holds_ever_covering, orders_covering


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # consent, templates, match, verification, order, hold, erasure_request, access_request, certificate
    summary: str
    ref: str = ""  # the id of the record it is about
    link: tuple[str, str] | None = None  # (officer url name, id) of the record's page

    def as_row(self) -> dict:
        return {"at": self.at.isoformat(), "kind": self.kind, "summary": self.summary, "id": self.ref}


def _consents(subject: Subject):
    for c in subject.consents.order_by("granted_at"):
        yield HistoryEntry(
            c.granted_at, "consent", f"Consent granted: {c.get_purpose_display()} ({c.method})", str(c.pk)
        )
        ended = [
            (c.withdrawn_at, "withdrawn"),
            (c.purpose_ended_at, "ended with its purpose"),
            (c.expires_at, "expiry date"),
        ]
        for at, what in ended:
            if at:
                yield HistoryEntry(at, "consent", f"Consent {what}: {c.get_purpose_display()}", str(c.pk))


def _templates(subject: Subject):
    templates = FaceTemplate.objects.filter(subject=subject).aggregate(n=Count("pk"), first=Min("created_at"))
    enrolments = Enrollment.objects.filter(subject=subject).aggregate(
        n=Count("pk"), first=Min("created_at"), last=Max("created_at")
    )
    if enrolments["n"]:
        yield HistoryEntry(
            enrolments["first"],
            "templates",
            f"{enrolments['n']} enrolment(s), the last on {enrolments['last']:%Y-%m-%d}; "
            f"{templates['n']} face template(s) held now",
        )
    elif templates["n"]:
        yield HistoryEntry(templates["first"], "templates", f"{templates['n']} face template(s) held now")


def _matches(subject: Subject):
    for job in MatchJob.objects.filter(results__contains=[{"subject_id": str(subject.pk)}]).order_by("created_at"):
        yield HistoryEntry(job.created_at, "match", f"Named by a 1:N match ({job.get_purpose_display()})", str(job.pk))
    for v in Verification.objects.filter(subject=subject).order_by("created_at"):
        outcome = {True: "match", False: "no match", None: v.status}[v.match]
        yield HistoryEntry(v.created_at, "verification", f"1:1 verification: {outcome}", str(v.pk))


def _orders_and_holds(subject: Subject):
    for order in orders_covering(subject=subject):
        summary = f"Regulator order {order.regulator} · {order.reference}: {order.get_action_display()}"
        yield HistoryEntry(order.received_at, "order", summary, str(order.pk), ("officer:order", str(order.pk)))
    for hold in holds_ever_covering(subject=subject):
        yield HistoryEntry(hold.created_at, "hold", f"Legal hold placed: {hold.reason}", str(hold.pk))
        if hold.released_at:
            yield HistoryEntry(hold.released_at, "hold", f"Legal hold released: {hold.reason}", str(hold.pk))


def _requests(subject: Subject):
    for r in erasure_requests_concerning(subject_id=subject.pk):
        link = ("officer:erasure-request", str(r.pk))
        yield HistoryEntry(
            r.received_at, "erasure_request", f"Erasure request ({r.get_status_display()})", str(r.pk), link
        )
    for a in AccessRequest.objects.filter(subjects__contains=[subject.pk]).order_by("received_at"):
        link = ("officer:access-request", str(a.pk))
        yield HistoryEntry(
            a.received_at, "access_request", f"Access request ({a.get_status_display()})", str(a.pk), link
        )
    for c in certificates_naming(subject_id=subject.pk):
        link = ("officer:certificate", str(c.pk))
        yield HistoryEntry(c.finished_at, "certificate", f"Deletion certificate ({c.cause})", str(c.pk), link)


def subject_history(*, subject: Subject) -> list[HistoryEntry]:
    """Every entry about the subject, oldest first."""
    entries = [
        HistoryEntry(subject.created_at, "subject", f"Subject created in {subject.tenant.slug}", str(subject.pk)),
        *_consents(subject),
        *_templates(subject),
        *_matches(subject),
        *_orders_and_holds(subject),
        *_requests(subject),
    ]
    if subject.erased_at:
        entries.append(HistoryEntry(subject.erased_at, "subject", f"Erased ({subject.erasure_cause})", str(subject.pk)))
    return sorted(entries, key=lambda e: e.at)


def subject_get(*, subject_id) -> Subject:
    return Subject.objects.select_related("tenant", "jurisdiction").get(pk=subject_id)
