"""Regulator orders: record them (in force at commit), run erase orders in batches, record exceptions, lift."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from compliance.models import WebhookEvent
from compliance.selectors.certificates import order_certificates
from compliance.services import eraser
from compliance.services.scopes import scope_describe, scope_resolve
from compliance.services.webhooks import webhook_emit_subjects
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.errors import Conflict
from core.replica import eligibility_removed
from policy.models import OrderAction, OrderStatus, RegulatorOrder
from policy.selectors import subjects_covered

ORDER_ERASE_TASK = "compliance.tasks.order_erase"


class SubjectNotHeld(Conflict):
    code = "subject_not_held"
    default_message = "The subject is not among the order's held subjects."


class OrderReferenceExists(Conflict):
    code = "order_reference_exists"
    default_message = "This regulator's reference is already recorded as an order."


class OrderNotLiftable(Conflict):
    code = "order_not_liftable"
    default_message = "Only a suspend_processing or restrict_collection order in force can be lifted."


def order_reference_free(*, regulator: str, reference: str) -> None:
    """Refuses a reference its regulator already gave an order (the preview refuses it as the order would)."""
    existing = RegulatorOrder.objects.filter(regulator__iexact=regulator, reference=reference).first()
    if existing is not None:
        raise OrderReferenceExists(order=str(existing.pk))


@transaction.atomic
def order_create(
    *,
    regulator: str,
    reference: str,
    action: str,
    scope: dict,
    received_at: datetime,
    deadline: datetime | None = None,
    issued_at: datetime | None = None,
    actor: Actor,
) -> RegulatorOrder:
    """The gate reads orders in SQL at match and enrolment time, so the effect starts at this commit.
    suspend/restrict orders are in force from here (done); an erase order then erases in Celery."""
    order_reference_free(regulator=regulator, reference=reference)
    try:
        with transaction.atomic():  # the unique index decides a race between two officers
            order = RegulatorOrder.objects.create(
                regulator=regulator,
                reference=reference,
                action=action,
                received_at=received_at,
                issued_at=issued_at,
                deadline=deadline,
                **scope_resolve(scope),
            )
    except IntegrityError as exc:
        raise OrderReferenceExists() from exc
    eligibility_removed()  # erase and suspend orders stop matching at this commit, on the standby too (core.replica)
    if action != OrderAction.ERASE:
        order.status = OrderStatus.DONE
        order.completed_at = timezone.now()
        order.save(update_fields=["status", "completed_at"])
    audit_append(
        actor=actor,
        action="order.create",
        obj=order,
        details={
            "regulator": regulator,
            "reference": reference,
            "action": action,
            "scope": scope_describe(order),
            "deadline": deadline,
        },
    )
    if action == OrderAction.ERASE:
        enqueue(ORDER_ERASE_TASK, str(order.pk))
    _tell_tenants(order, WebhookEvent.ORDER_IN_FORCE)
    return order


def _tell_tenants(order: RegulatorOrder, event: str) -> None:
    """Each tenant with subjects in the order's scope learns which of them it now covers (or no longer does)."""
    webhook_emit_subjects(
        subjects=subjects_covered(scoped=order).filter(erased_at__isnull=True).values_list("pk", "tenant_id"),
        type=event,
        data={
            "order": str(order.pk),
            "action": order.action,
            "regulator": order.regulator,
            "reference": order.reference,
        },
    )


def order_erase_run(*, order_id) -> RegulatorOrder:
    """Erase what an erase order covers, except held subjects (reported) and recorded exceptions.
    Safe to run again: it resumes where it stopped and finishes an order whose holds are resolved."""
    actor = Actor.system("order_erase")
    with transaction.atomic():
        order = RegulatorOrder.objects.select_for_update().get(pk=order_id)
        if order.action != OrderAction.ERASE or order.status == OrderStatus.DONE:
            return order
        excepted = {e["subject"] for e in order.exceptions}
        live = subjects_covered(scoped=order).filter(erased_at__isnull=True)
        pending = {str(s) for s in live.values_list("pk", flat=True)} - excepted
        if order.status == OrderStatus.RECEIVED:
            order.subjects_total = len(pending) + len(excepted)
        order.status = OrderStatus.RUNNING
        order.save(update_fields=["status", "subjects_total"])
        audit_append(
            actor=actor, action="order.run", obj=order, details={"pending": len(pending), "exceptions": len(excepted)}
        )
    cert = None
    if pending or not order_certificates(order=order).exists():

        def progress(n):
            RegulatorOrder.objects.filter(pk=order.pk).update(subjects_erased=F("subjects_erased") + n)

        cert = eraser.subjects_erase(
            subject_ids=pending,
            cause="order",
            cause_id=order.pk,
            actor=actor,
            on_batch=progress,
            scope={
                "order": str(order.pk),
                "regulator": order.regulator,
                "reference": order.reference,
                **scope_describe(order),
            },
        )
    with transaction.atomic():
        order = RegulatorOrder.objects.select_for_update().get(pk=order.pk)
        last = order_certificates(order=order).last()
        eraser.erasure_settle(
            order,
            kind="order",
            held=cert.scope["held_subjects"] if cert else [],
            actor=actor,
            done_details={
                "subjects_erased": order.subjects_erased,
                "certificate": str(last.pk) if last else None,
                "exceptions": [e["subject"] for e in order.exceptions],
            },
        )
    return order


@transaction.atomic
def order_exception_add(*, order: RegulatorOrder, subject_id, reason: str, actor: Actor) -> RegulatorOrder:
    """An officer decides a held subject stays (the hold wins) and records why; the order can then finish."""
    order = RegulatorOrder.objects.select_for_update().get(pk=order.pk)
    subject_id = str(subject_id)
    if subject_id not in {str(s) for s in order.held_subjects}:
        raise SubjectNotHeld(subject=subject_id)
    order.exceptions = [
        *order.exceptions,
        {"subject": subject_id, "reason": reason, "by": actor.label, "at": timezone.now().isoformat()},
    ]
    order.held_subjects = [s for s in order.held_subjects if str(s) != subject_id]
    order.save(update_fields=["exceptions", "held_subjects"])
    audit_append(actor=actor, action="order.exception", obj=order, details={"subject": subject_id, "reason": reason})
    if not order.held_subjects:
        enqueue(ORDER_ERASE_TASK, str(order.pk))
    return order


@transaction.atomic
def order_lift(*, order: RegulatorOrder, actor: Actor) -> RegulatorOrder:
    """The regulator lifted a suspension or collection restriction: the gate stops applying it at this commit.

    An erase order is never lifted: what it erased stays erased, and one still running must finish.
    """
    order = RegulatorOrder.objects.select_for_update().get(pk=order.pk)
    if order.action == OrderAction.ERASE or order.lifted_at is not None:
        raise OrderNotLiftable(action=order.action, lifted_at=order.lifted_at)
    order.lifted_at = timezone.now()
    order.save(update_fields=["lifted_at"])
    audit_append(actor=actor, action="order.lift", obj=order, details={"action": order.action})
    _tell_tenants(order, WebhookEvent.ORDER_LIFTED)
    return order
