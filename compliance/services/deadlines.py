"""The hourly deadline check: overdue marks, reminders to officers, and resuming work whose legal holds expired."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from compliance.models import OPEN_REQUEST_STATUSES, ErasureRequest, ErasureStatus
from compliance.services.holds import blocked_work
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.officers import OFFICERS_GROUP
from policy.models import OPEN_ORDER_STATUSES, OrderAction, OrderStatus, RegulatorOrder
from policy.selectors import subjects_held

REMINDER_DAYS = (7, 1)


def _officer_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=OFFICERS_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def deadlines_check(*, at: datetime) -> dict:
    """Mark overdue orders and requests; email officers 7 days and 1 day before a deadline, once each;
    resume erasures whose legal holds have expired."""
    report = {"overdue_orders": 0, "overdue_requests": 0, "reminders": 0, "resumed": 0}
    # A hold that expired releases nobody explicitly: resume what it was blocking.
    for task, pk, held in blocked_work():
        if not subjects_held(subject_ids=held, at=at):
            with transaction.atomic():
                enqueue(task, pk)
            report["resumed"] += 1
    open_orders = RegulatorOrder.objects.filter(
        action=OrderAction.ERASE, deadline__isnull=False, status__in=OPEN_ORDER_STATUSES
    )
    open_requests = ErasureRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)
    actor = Actor.system("deadlines_check")
    for order in open_orders.filter(deadline__lte=at):
        with transaction.atomic():
            RegulatorOrder.objects.filter(pk=order.pk).update(status=OrderStatus.OVERDUE)
            audit_append(actor=actor, action="order.overdue", obj=order, details={"deadline": order.deadline})
        report["overdue_orders"] += 1
    for req in open_requests.filter(due_at__lte=at):
        with transaction.atomic():
            ErasureRequest.objects.filter(pk=req.pk).update(status=ErasureStatus.OVERDUE)
            audit_append(actor=actor, action="erasure_request.overdue", obj=req, details={"due_at": req.due_at})
        report["overdue_requests"] += 1
    officers = _officer_emails()
    items = [
        (o, o.deadline, f"Order {o.regulator} {o.reference}", f"/officer/orders/{o.pk}/")
        for o in open_orders.filter(deadline__gt=at, deadline__lte=at + timedelta(days=max(REMINDER_DAYS)))
    ]
    items += [
        (r, r.due_at, f"Erasure request {r.pk}", f"/officer/erasure-requests/{r.pk}/")
        for r in open_requests.filter(due_at__gt=at, due_at__lte=at + timedelta(days=max(REMINDER_DAYS)))
    ]
    for obj, due, title, path in items:
        # The tightest reminder that applies; a later check never sends the looser one after it.
        days = min(d for d in REMINDER_DAYS if due - at <= timedelta(days=d))
        if days in obj.reminders_sent:
            continue
        with transaction.atomic():
            sent = sorted({*obj.reminders_sent, *[d for d in REMINDER_DAYS if d >= days]})
            type(obj).objects.filter(pk=obj.pk).update(reminders_sent=sent)
            audit_append(
                actor=actor,
                action="deadline.reminder",
                obj=obj,
                details={"days": days, "due": due, "officers": len(officers)},
            )
            if officers:
                transaction.on_commit(
                    lambda t=title, d=due, p=path, n=days: send_mail(
                        f"[Facegate] {t} is due in {n} day{'s' if n > 1 else ''}",
                        f"{t} is due {d:%Y-%m-%d %H:%M} UTC.\n{settings.PUBLIC_BASE_URL.rstrip('/')}{p}\n",
                        settings.DEFAULT_FROM_EMAIL,
                        officers,
                    )
                )
        report["reminders"] += 1
    return report
