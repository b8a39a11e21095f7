"""Refusing an erasure request, in whole or for some subjects, on a recorded legal basis (e.g. GDPR Art. 17(3)(e),
legal claims; a legal hold). The requester is told the basis; what is not refused goes on being erased."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compliance.models import ErasureRequest, ErasureStatus
from compliance.services.clocks import clock_note
from compliance.services.erasure_requests import erasure_request_targets, erasure_run_enqueue
from compliance.services.subject_requests import requester_language
from core.audit import Actor, audit_append
from core.errors import Conflict, DomainError, ReasonRequired

# Refusal is a decision taken before the erasure runs, or about what a legal hold keeps.
REFUSABLE_STATUSES = (ErasureStatus.AWAITING_OFFICER, ErasureStatus.BLOCKED_BY_HOLD)


class NotRefusable(Conflict):
    code = "not_refusable"
    default_message = "Only a request awaiting an officer or blocked by a legal hold can be refused."


class SubjectNotInRequest(DomainError):
    code = "subject_not_in_request"
    default_message = "The subject is not one the request would erase."


def refusal_decide(erasure_request: ErasureRequest, *, basis: str, subjects) -> tuple[str, set[str], set[str]]:
    """(basis, subjects refused, subjects the request would erase) of a refusal, or the error refusing it: the
    officer's preview and the refusal itself decide it here."""
    basis = basis.strip()
    if not basis:
        raise ReasonRequired(message="Give the legal basis of the refusal (it is sent to the requester).")
    if erasure_request.status not in REFUSABLE_STATUSES:
        raise NotRefusable(status=erasure_request.status)
    targets = set(erasure_request_targets(erasure_request))
    chosen = {str(s) for s in subjects or []} or targets
    if chosen - targets:
        raise SubjectNotInRequest(subjects=sorted(chosen - targets))
    return basis, chosen, targets


@transaction.atomic
def erasure_request_refuse(
    *, erasure_request: ErasureRequest, basis: str, subjects: list | None = None, actor: Actor
) -> ErasureRequest:
    """`subjects` empty or None: the whole request is refused (status refused); else only those subjects are kept
    and the rest is erased."""
    erasure_request = (
        ErasureRequest.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=erasure_request.pk)
    )
    basis, chosen, targets = refusal_decide(erasure_request, basis=basis, subjects=subjects)
    now = timezone.now()
    erasure_request.refused_subjects = sorted({uuid.UUID(str(s)) for s in [*erasure_request.refused_subjects, *chosen]})
    erasure_request.refusal_basis = basis
    nothing_left = chosen == targets
    # Refusing what a hold kept after the rest was erased answers the request: done, refused in part.
    whole = nothing_left and not erasure_request.subjects_erased
    email = erasure_request.email
    if nothing_left:
        erasure_request.status = ErasureStatus.REFUSED if whole else ErasureStatus.DONE
        erasure_request.completed_at = now
        erasure_request.held_subjects = []
        # Answered: the request keeps no personal data (as a done one).
        erasure_request.email = ""
        erasure_request.external_ref = ""
    else:
        erasure_request.status = ErasureStatus.RUNNING
        erasure_run_enqueue(erasure_request)
    clock_note(erasure_request, event="refused" if whole else "refused_in_part", at=now, reason=basis)
    erasure_request.save()
    audit_append(
        actor=actor,
        action="erasure_request.refuse",
        obj=erasure_request,
        details={"basis": basis, "subjects": sorted(chosen), "whole": whole, "status": erasure_request.status},
    )
    if email:
        with requester_language(erasure_request):
            subject = gettext("Your Facegate erasure request")
            body = (
                gettext("Your request was refused, on this legal basis:\n\n%(basis)s\n\n")
                if whole
                else gettext(
                    "Part of your request was refused (the rest is erased), on this legal basis:\n\n%(basis)s\n\n"
                )
            ) % {"basis": basis} + gettext("You may complain to your data protection authority.\n")
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return erasure_request
