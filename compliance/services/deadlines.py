"""The hourly deadline check: reminders to officers (7 days and 1 day before, and once when overdue), and resuming
work whose legal holds expired. "Overdue" and "due soon" are derived (compliance.selectors.deadlines), never stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from compliance.models import AccessRequest, ErasureRequest
from compliance.selectors.deadlines import DUE_SOON, OVERDUE, SOON, in_state
from compliance.services.holds import blocked_work
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.officers import OFFICERS_GROUP
from policy.models import RegulatorOrder
from policy.selectors import subjects_held

REMINDER_DAYS = (DUE_SOON.days, 1)  # the first when an item becomes due soon, as every page shows it


def _officer_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=OFFICERS_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


OVERDUE_NOTICE = 0  # kept in reminders_sent beside the day counts: the overdue notice went out


def _remind(obj, *, due, title, path, days, officers, actor, action="deadline.reminder"):
    """Mark the reminder sent, audit it, and mail the officers after commit."""
    with transaction.atomic():
        sent = sorted({*obj.reminders_sent, *[d for d in (*REMINDER_DAYS, OVERDUE_NOTICE) if d >= days]})
        type(obj).objects.filter(pk=obj.pk).update(reminders_sent=sent)
        audit_append(actor=actor, action=action, obj=obj, details={"days": days, "due": due, "officers": len(officers)})
        if officers:
            when = "is OVERDUE" if days == OVERDUE_NOTICE else f"is due in {days} day{'s' if days > 1 else ''}"
            transaction.on_commit(
                lambda: send_mail(
                    f"[Facegate] {title} {when}",
                    f"{title} is due {due:%Y-%m-%d %H:%M} UTC.\n{settings.PUBLIC_BASE_URL.rstrip('/')}{path}\n",
                    settings.DEFAULT_FROM_EMAIL,
                    officers,
                )
            )


def deadlines_check(*, at: datetime) -> dict:
    """Count overdue orders and requests and tell officers once about each; email officers 7 days and 1 day before
    a deadline, once each; resume erasures whose legal holds have expired."""
    # A hold that expired releases nobody explicitly: resume what it was blocking.
    resumed = 0
    for task, pk, held in blocked_work():
        if not subjects_held(subject_ids=held, at=at):
            with transaction.atomic():
                enqueue(task, pk)
            resumed += 1
    overdue_orders = list(in_state(RegulatorOrder, OVERDUE, at=at))
    overdue_requests = list(in_state(ErasureRequest, OVERDUE, at=at))
    overdue_access = list(in_state(AccessRequest, OVERDUE, at=at))
    report = {
        "overdue_orders": len(overdue_orders),
        "overdue_requests": len(overdue_requests),
        "overdue_access_requests": len(overdue_access),
        "reminders": 0,
        "resumed": resumed,
    }
    actor = Actor.system("deadlines_check")
    officers = _officer_emails()
    orders = [*overdue_orders, *in_state(RegulatorOrder, SOON, at=at)]
    requests = [*overdue_requests, *in_state(ErasureRequest, SOON, at=at)]
    access = [*overdue_access, *in_state(AccessRequest, SOON, at=at)]
    # (kind, the order or request, its deadline, the mail's title, the officer's page)
    items: list[tuple[str, RegulatorOrder | ErasureRequest | AccessRequest, datetime, str, str]] = [
        ("order", o, o.deadline, f"Order {o.regulator} {o.reference}", f"/officer/orders/{o.pk}/")
        for o in orders
        if o.deadline is not None  # every one: both reads take orders with a deadline only
    ]
    items += [
        ("erasure_request", r, r.due_at, f"Erasure request {r.pk}", f"/officer/erasure-requests/{r.pk}/")
        for r in requests
    ]
    items += [
        ("access_request", r, r.due_at, f"Access request {r.pk}", f"/officer/access-requests/{r.pk}/") for r in access
    ]
    for kind, obj, due, title, path in items:
        # The tightest reminder that applies; a later check never sends the looser one after it.
        days = OVERDUE_NOTICE if due <= at else min(d for d in REMINDER_DAYS if due - at <= timedelta(days=d))
        if days in obj.reminders_sent:
            continue
        _remind(
            obj,
            due=due,
            title=title,
            path=path,
            days=days,
            officers=officers,
            actor=actor,
            action=f"{kind}.overdue" if days == OVERDUE_NOTICE else "deadline.reminder",
        )
        report["reminders"] += 1
    return report
