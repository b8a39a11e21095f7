"""What an officer's irreversible or wide action would do, read before it is done: the officer console's
confirmation page and the API's dry run show the same preview. Each reads through the selectors and rules the
action itself uses (who a scope covers, who a hold keeps, what a request erases), so a preview cannot promise
one thing while the action does another. Selectors never write."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from compliance.selectors.deadlines import deadline_state_of
from compliance.selectors.holds import holds_active, work_blocked_by_holds
from compliance.services.erasure_requests import erasure_request_targets
from compliance.services.holds import HoldAlreadyReleased
from compliance.services.orders import order_reference_free
from compliance.services.refusals import refusal_decide
from compliance.services.scopes import scope_describe, scope_named, scope_resolve
from compliance.services.subject_requests import NotAwaitingOfficer
from consent.models import Subject
from matching.models import FaceTemplate
from policy.models import LegalHold, OrderAction, RegulatorOrder
from policy.selectors import subjects_covered, subjects_in_scope, subjects_under_hold

SUBJECTS_SHOWN = 20  # a preview names the first ones; the counts cover all

_ORDER_EFFECT = {
    OrderAction.ERASE: "Erases {erased} of the {n} subject(s) it covers and their face templates ({t} in all), "
    "starting as soon as it is recorded. Erased data cannot be restored.",
    OrderAction.SUSPEND_PROCESSING: "From the moment it is recorded, no match or verification uses the {t} face "
    "template(s) of these {n} subject(s), and none is enrolled, until the order is lifted.",
    OrderAction.RESTRICT_COLLECTION: "From the moment it is recorded, no new face of these {n} subject(s) is "
    "enrolled until the order is lifted; their {t} template(s) stay usable.",
}


def _ids_of(subjects: QuerySet[Subject]) -> RawSQL:
    """The ids of `subjects` as a subquery. The rules' SQL names the subject table itself, which Django would alias
    in a nested queryset, so the subquery is compiled on its own."""
    try:
        return RawSQL(*subjects.values("pk").query.sql_with_params())
    except EmptyResultSet:  # e.g. pk__in=[]
        return RawSQL("SELECT NULL::uuid WHERE false", [])


def reach(subjects: QuerySet[Subject]) -> dict:
    """How many live subjects, templates and tenants an action reaches, with the first subjects named."""
    live = subjects.filter(erased_at__isnull=True)
    per_tenant = live.values("tenant__slug").annotate(subjects=Count("pk")).order_by("-subjects", "tenant__slug")
    shown = live.select_related("tenant").order_by("tenant__slug", "external_ref", "pk")[:SUBJECTS_SHOWN]
    count = live.count()
    return {
        "subjects": count,
        "templates": FaceTemplate.objects.filter(subject_id__in=_ids_of(live)).count(),
        "tenants": [{"tenant": row["tenant__slug"], "subjects": row["subjects"]} for row in per_tenant],
        "shown": [
            {"id": s.pk, "tenant": s.tenant.slug, "external_ref": s.external_ref, "jurisdiction": s.jurisdiction_id}
            for s in shown
        ],
        "not_shown": max(count - SUBJECTS_SHOWN, 0),
    }


def _holds(holds: list[LegalHold]) -> list[dict]:
    return [{"id": h.pk, "reason": h.reason, "created_by": h.created_by, "expires_at": h.expires_at} for h in holds]


def _deadline(what: str, item, now: datetime) -> dict:
    """The deadline of a recorded order or request, in the state every other view gives it."""
    due = item.deadline if isinstance(item, RegulatorOrder) else item.due_at
    return {"what": what, "due_at": due, "state": deadline_state_of(item, at=now)}


def _holds_over(subjects: QuerySet[Subject], now: datetime) -> list[LegalHold]:
    """The legal holds in force that cover at least one of `subjects`."""
    ids = _ids_of(subjects)
    return [hold for hold in holds_active(now=now) if subjects_covered(scoped=hold).filter(pk__in=ids).exists()]


def _conflicts(subjects: QuerySet[Subject], now: datetime) -> dict:
    """The subjects an erasure of `subjects` would keep because a hold in force covers them, and those holds."""
    held = subjects_under_hold(subjects.filter(erased_at__isnull=True), at=now)
    return {"held_subjects": held.count(), "holds": _holds(_holds_over(held, now))}


def order_preview(
    *,
    regulator: str,
    reference: str,
    action: str,
    scope: dict,
    received_at: datetime,
    deadline: datetime | None,
    now: datetime | None = None,
) -> dict:
    """What recording this order does; refused exactly as order_create refuses it (the scope resolved once)."""
    now = now or timezone.now()
    order_reference_free(regulator=regulator, reference=reference)
    resolved = scope_resolve(scope)
    covered = subjects_in_scope(
        jurisdictions=resolved["scope_jurisdictions"],
        tenants=resolved["scope_tenants"],
        subjects=resolved["scope_subjects"],
        match=resolved["scope_match"],
    )
    reached = reach(covered)
    erase = action == OrderAction.ERASE
    conflicts = _conflicts(covered, now) if erase else {"held_subjects": 0, "holds": []}
    notes = [f"Received {received_at:%Y-%m-%d %H:%M} UTC."]
    if conflicts["held_subjects"]:
        notes.append(
            f"{conflicts['held_subjects']} subject(s) are under a legal hold: they are kept, and the order waits "
            "blocked until each hold is released or an exception is recorded."
        )
    if not erase:
        notes.append("A legal hold does not stop this order: holds only block erasure.")
    return {
        "action": f"order.{action}",
        "reach_label": "Subjects reached",
        "summary": _ORDER_EFFECT[OrderAction(action)].format(
            n=reached["subjects"], t=reached["templates"], erased=reached["subjects"] - conflicts["held_subjects"]
        ),
        "scope": scope_named(resolved),
        "reach": reached,
        **conflicts,
        # Not recorded yet: no state (the order's page and the dashboard derive it once it is).
        "deadlines": [{"what": "Order deadline", "due_at": deadline, "state": ""}] if deadline else [],
        "resumes": [],
        "notes": notes,
    }


def hold_release_preview(*, hold: LegalHold, now: datetime | None = None) -> dict:
    """What releasing the hold resumes: each blocked order and request with the subjects no other hold keeps."""
    now = now or timezone.now()
    if hold.released_at:
        raise HoldAlreadyReleased()
    resumes, freed_ids, still_held, deadlines = [], set(), set(), []
    for item in work_blocked_by_holds():
        kept_by_this = subjects_covered(scoped=hold).filter(pk__in=item.held_subjects)
        others = set(subjects_under_hold(kept_by_this, at=now, but=hold).values_list("pk", flat=True))
        freed = set(kept_by_this.values_list("pk", flat=True)) - others
        still_held |= others
        if not freed:
            continue
        freed_ids |= freed
        if isinstance(item, RegulatorOrder):
            label, due = f"{item.regulator} · {item.reference}", item.deadline
        else:
            label, due = f"Erasure request {str(item.pk)[:8]}", item.due_at
        if due:
            deadlines.append(_deadline(label, item, now))
        resumes.append(
            {
                "kind": "order" if isinstance(item, RegulatorOrder) else "erasure_request",
                "id": item.pk,
                "label": label,
                "subjects_freed": len(freed),
                "due_at": due,
            }
        )
    reached = reach(Subject.objects.filter(pk__in=freed_ids))
    return {
        "action": "legal_hold.release",
        "reach_label": "Subjects then erased",
        "summary": f"Releases the legal hold “{hold.reason}”. {reached['subjects']} subject(s) it kept are erased "
        f"at once by the {len(resumes)} order(s) and request(s) it blocked; erased data cannot be restored.",
        "scope": scope_describe(hold),
        "reach": reached,
        # Other holds in force that go on keeping some of what this one kept.
        "held_subjects": len(still_held),
        "holds": _holds([h for h in _holds_over(Subject.objects.filter(pk__in=still_held), now) if h.pk != hold.pk]),
        "deadlines": deadlines,
        "resumes": resumes,
        "notes": ["From then on, erasures of what it covers are no longer blocked by it."],
    }


def _request_deadline(erasure_request: ErasureRequest, now: datetime) -> list[dict]:
    return [_deadline("Request due", erasure_request, now)]


def erasure_confirm_preview(*, erasure_request: ErasureRequest, now: datetime | None = None) -> dict:
    """What an officer's confirmation of the request erases (erasure_request_targets, as its run erases)."""
    now = now or timezone.now()
    if erasure_request.status != ErasureStatus.AWAITING_OFFICER:
        raise NotAwaitingOfficer(status=erasure_request.status)
    targets = Subject.objects.filter(pk__in=erasure_request_targets(erasure_request))
    reached = reach(targets)
    conflicts = _conflicts(targets, now)
    notes = []
    if erasure_request.lookup_status and erasure_request.candidates:
        notes.append("The subjects are the selfie lookup's candidates: check each one's distance on the request page.")
    return {
        "action": "erasure_request.officer_confirm",
        "reach_label": "Subjects it erases",
        "summary": f"Erases {reached['subjects'] - conflicts['held_subjects']} of the {reached['subjects']} "
        f"subject(s) it names and their face templates ({reached['templates']} in all) now. Erased data cannot be "
        "restored.",
        "scope": None,
        "reach": reached,
        **conflicts,
        "deadlines": _request_deadline(erasure_request, now),
        "resumes": [],
        "notes": notes,
    }


def refusal_preview(*, erasure_request: ErasureRequest, basis: str, subjects, now: datetime | None = None) -> dict:
    """What a refusal keeps and what it lets go on being erased; refused exactly as the refusal would be."""
    now = now or timezone.now()
    basis, chosen, targets = refusal_decide(erasure_request, basis=basis, subjects=subjects)
    whole = chosen == targets
    rest = reach(Subject.objects.filter(pk__in=targets - chosen))
    reached = reach(Subject.objects.filter(pk__in=chosen))
    if whole:
        summary = f"Refuses the request for all {reached['subjects']} subject(s): none of them is erased."
    else:
        summary = (
            f"Refuses the request for {reached['subjects']} subject(s), which are kept; the other "
            f"{rest['subjects']} subject(s) and their {rest['templates']} template(s) are erased now."
        )
    if erasure_request.email:
        told = f"The requester is e-mailed this basis, which cannot be taken back: “{basis}”."
    else:
        told = f"This basis is recorded (no requester address is kept to send it to): “{basis}”."
    return {
        "action": "erasure_request.refuse",
        "summary": summary,
        "scope": None,
        "reach": reached,
        "held_subjects": 0,
        "holds": [],
        "deadlines": _request_deadline(erasure_request, now),
        "resumes": [],
        "reach_label": "Subjects refused (kept)",
        "notes": [told],
    }
