"""The statutory clock of a data subject request: receipt, stops while the identity is verified (where the law
allows), one extension with its reason told to the requester. due_at is always recomputed from these, and every
change is kept in the request's clock history (shown on the officer's request page)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compliance.models import AccessRequest, ErasureRequest, ErasureStatus
from compliance.services.due_dates import erasure_due_at, extension_allowed
from compliance.services.subject_requests import mail_on_commit, requester_language
from core.audit import Actor, audit_append
from core.errors import Conflict, ReasonRequired

SubjectRequest = ErasureRequest | AccessRequest  # both run on the same statutory clock
AnyRequest = TypeVar("AnyRequest", ErasureRequest, AccessRequest)


class RequestNotOpen(Conflict):
    code = "request_not_open"
    default_message = "The request is already answered (done or refused)."


class ExtensionNotAllowed(Conflict):
    code = "extension_not_allowed"
    default_message = "The request's law allows no extension of its deadline."


class ExtensionLimitReached(Conflict):
    code = "extension_limit_reached"
    default_message = "The request was already extended by all the law allows."


class ExtensionTooLate(Conflict):
    code = "extension_too_late"
    default_message = "An extension must be told to the requester before the first deadline passes."


class PauseNotAllowed(Conflict):
    code = "pause_not_allowed"
    default_message = "The request's law does not stop the clock while the identity is verified."


class ClockNotPaused(Conflict):
    code = "clock_not_paused"
    default_message = "The request's clock is not stopped."


class ClockAlreadyPaused(Conflict):
    code = "clock_already_paused"
    default_message = "The request's clock is already stopped."


def clock_note(erasure_request: SubjectRequest, *, event: str, at: datetime, reason: str = "") -> None:
    """Recompute due_at from the clock's facts and append the change to its history (the caller saves). A due date
    that moves gets its reminders again (those sent were for the old one)."""
    before = erasure_request.due_at
    erasure_request.due_at = erasure_due_at(
        jurisdiction=erasure_request.jurisdiction,
        received_at=erasure_request.received_at,
        paused_for=erasure_request.paused_for,
        extended=bool(erasure_request.extended_at),
    )
    if before and erasure_request.due_at != before:
        erasure_request.reminders_sent = []
    erasure_request.clock = [
        *erasure_request.clock,
        {"at": at.isoformat(), "event": event, "due_at": erasure_request.due_at.isoformat(), "reason": reason},
    ]


def clock_stop(erasure_request: SubjectRequest, *, at: datetime, reason: str) -> bool:
    """Stop the clock where the law allows it; False (and nothing changed) where it does not."""
    if not erasure_request.jurisdiction.identity_pause_allowed or erasure_request.paused_at:
        return False
    erasure_request.paused_at = at
    clock_note(erasure_request, event="paused", at=at, reason=reason)
    return True


def clock_restart(erasure_request: SubjectRequest, *, at: datetime, reason: str) -> bool:
    if not erasure_request.paused_at:
        return False
    erasure_request.paused_for += at - erasure_request.paused_at
    erasure_request.paused_at = None
    clock_note(erasure_request, event="resumed", at=at, reason=reason)
    return True


_CLOCK_FIELDS = ["paused_at", "paused_for", "extended_at", "extension_reason", "due_at", "clock", "reminders_sent"]


def _locked_open(erasure_request: AnyRequest) -> AnyRequest:
    """The request (erasure or access: the same law's clock) locked, refused once answered."""
    erasure_request = (
        type(erasure_request)
        .objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=erasure_request.pk)
    )
    if erasure_request.status in (ErasureStatus.DONE, ErasureStatus.REFUSED):
        raise RequestNotOpen(status=erasure_request.status)
    return erasure_request


@transaction.atomic
def request_extend(*, subject_request: AnyRequest, reason: str, actor: Actor) -> AnyRequest:
    """GDPR/UK GDPR Art. 12(3): two further months; CCPA 1798.130(a)(2)(A): one further 45 days. Once, with the
    reason told to the requester before the first deadline passes; erasure and access requests alike."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    subject_request = _locked_open(subject_request)
    jurisdiction = subject_request.jurisdiction
    if not extension_allowed(jurisdiction):
        raise ExtensionNotAllowed(jurisdiction=jurisdiction.code)
    if subject_request.extended_at:
        raise ExtensionLimitReached(extended_at=subject_request.extended_at)
    now = timezone.now()
    if now >= subject_request.due_at:
        raise ExtensionTooLate(due_at=subject_request.due_at)
    first_due = subject_request.due_at
    subject_request.extended_at = now
    subject_request.extension_reason = reason
    clock_note(subject_request, event="extended", at=now, reason=reason)
    subject_request.save(update_fields=_CLOCK_FIELDS)
    audit_append(
        actor=actor,
        action=f"{subject_request.audit_kind}.extend",
        obj=subject_request,
        details={"reason": reason, "first_due_at": first_due, "due_at": subject_request.due_at},
    )
    with requester_language(subject_request):
        mail_on_commit(
            subject_request.email,
            gettext("Your Facegate request: more time needed"),
            gettext(
                "We need more time to answer your request, for this reason:\n\n%(reason)s\n\n"
                "The new deadline is %(due_at)s UTC (%(law)s).\n"
            )
            % {"reason": reason, "due_at": f"{subject_request.due_at:%Y-%m-%d %H:%M}", "law": jurisdiction.law},
        )
    return subject_request


@transaction.atomic
def erasure_request_pause(*, erasure_request: ErasureRequest, reason: str, actor: Actor) -> ErasureRequest:
    """An officer asked the requester for proof of identity: the clock stops where the law allows it."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    erasure_request = _locked_open(erasure_request)
    if erasure_request.paused_at:
        raise ClockAlreadyPaused()
    now = timezone.now()
    if not clock_stop(erasure_request, at=now, reason=reason):
        raise PauseNotAllowed(jurisdiction=erasure_request.jurisdiction_id)
    erasure_request.save(update_fields=_CLOCK_FIELDS)
    audit_append(actor=actor, action="erasure_request.pause", obj=erasure_request, details={"reason": reason})
    with requester_language(erasure_request):
        mail_on_commit(
            erasure_request.email,
            gettext("Your Facegate request: we need to confirm your identity"),
            gettext(
                "Before we can answer your request we need to confirm your identity:\n\n%(reason)s\n\n"
                "The time we have to answer restarts once we have it.\n"
            )
            % {"reason": reason},
        )
    return erasure_request


@transaction.atomic
def erasure_request_resume(*, erasure_request: ErasureRequest, actor: Actor) -> ErasureRequest:
    erasure_request = _locked_open(erasure_request)
    now = timezone.now()
    if not clock_restart(erasure_request, at=now, reason="identity confirmed"):
        raise ClockNotPaused()
    erasure_request.save(update_fields=_CLOCK_FIELDS)
    audit_append(
        actor=actor, action="erasure_request.resume", obj=erasure_request, details={"due_at": erasure_request.due_at}
    )
    return erasure_request
