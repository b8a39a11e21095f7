"""Legal holds: they block erasure of what they cover; releasing one resumes what it blocked."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from compliance.models import ErasureRequest
from compliance.selectors.holds import work_blocked_by_holds
from compliance.services.erasure_requests import ERASURE_REQUEST_ERASE_TASK
from compliance.services.orders import ORDER_ERASE_TASK
from compliance.services.scopes import scope_describe, scope_resolve
from core.audit import Actor, audit_append
from core.enqueue import enqueue
from core.errors import Conflict
from policy.models import LegalHold, RegulatorOrder


class HoldAlreadyReleased(Conflict):
    code = "hold_already_released"
    default_message = "The legal hold is already released."


@transaction.atomic
def legal_hold_create(*, scope: dict, reason: str, expires_at: datetime | None, actor: Actor) -> LegalHold:
    hold = LegalHold.objects.create(
        reason=reason, expires_at=expires_at, created_by=actor.label, **scope_resolve(scope)
    )
    audit_append(
        actor=actor,
        action="legal_hold.create",
        obj=hold,
        details={"scope": scope_describe(hold), "reason": reason, "expires_at": expires_at},
    )
    return hold


def blocked_work() -> list[tuple[str, str, list]]:
    """(task name, id, held subjects) of every order and erasure request that a legal hold has blocked."""
    tasks = {RegulatorOrder: ORDER_ERASE_TASK, ErasureRequest: ERASURE_REQUEST_ERASE_TASK}
    return [(tasks[type(item)], str(item.pk), item.held_subjects) for item in work_blocked_by_holds()]


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, actor: Actor) -> LegalHold:
    """Releasing a hold resumes every order and request it blocked."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at:
        raise HoldAlreadyReleased()
    hold.released_at = timezone.now()
    hold.save(update_fields=["released_at"])
    audit_append(actor=actor, action="legal_hold.release", obj=hold, details={})
    for task, pk, _ in blocked_work():
        enqueue(task, pk)
    return hold
