"""Erasure requests: a data subject's (portal, or entered by an officer) or a client app's (DELETE a subject).

awaiting_verification -> (the requester confirms by the e-mailed link) -> running, or awaiting_officer when the
identity is not proven or a selfie lookup failed -> running -> blocked_by_hold | done. A request by selfie
waits for its lookup (compliance.services.erasure_lookup) before it erases anything.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compliance.models import ErasureRequest, ErasureStatus, WebhookEvent
from compliance.services import eraser
from compliance.services.clocks import clock_note, clock_restart, clock_stop
from compliance.services.due_dates import erasure_due_at
from compliance.services.identity import requester_is_the_subject, selfie_needs_an_officer
from compliance.services.objections import named_tenants_tell
from compliance.services.subject_requests import (
    NotAwaitingOfficer,
    mail_on_commit,
    request_intake,
    requester_language,
)
from compliance.services.webhooks import webhook_emit
from consent.models import Subject
from consent.purposes import subject_purposes_check
from core.audit import Actor, audit_append
from core.emails import email_address
from core.enqueue import enqueue
from core.errors import DomainError, SubjectErased
from core.links import SignedLink
from core.retry import retrying
from matching.images import validate_image_bytes
from matching.models import FINISHED, JobStatus

ERASURE_REQUEST_ERASE_TASK = "compliance.tasks.erasure_request_erase"
ERASURE_LOOKUP_TASK = "compliance.tasks.erasure_lookup_run"

CONFIRM_LINK = SignedLink(salt="compliance.erasure.confirm", url_name="portal-erasure-confirm")
STATUS_LINK = SignedLink(salt="compliance.erasure.status", url_name="portal-erasure-status")


class ErasureTargetRequired(DomainError):
    code = "subject_or_selfie_required"
    default_message = "Give either the tenant and your reference with it, or a selfie."


def erasure_ready(erasure_request: ErasureRequest) -> bool:
    """Verified, confirmed by an officer when that is required, and the selfie lookup (if any) has ended."""
    if erasure_request.status != ErasureStatus.RUNNING or not erasure_request.verified_at:
        return False
    return not erasure_request.lookup_status or erasure_request.lookup_status in FINISHED


def erasure_run_enqueue(erasure_request: ErasureRequest) -> None:
    """Send the run of a request that has just become ready (in the caller's transaction, at commit), noting when
    it was asked for: the relay sends it again if its message is lost."""
    erasure_request.run_requested_at = timezone.now()
    ErasureRequest.objects.filter(pk=erasure_request.pk).update(run_requested_at=erasure_request.run_requested_at)
    enqueue(ERASURE_REQUEST_ERASE_TASK, str(erasure_request.pk))


def run_held_by_a_live_worker(erasure_request: ErasureRequest, *, now: datetime) -> bool:
    """Started within JOB_REAP_AFTER_SECONDS: a copy of its message does nothing; past that its worker is taken for
    dead and the run starts again (the relay re-sends it)."""
    started = erasure_request.run_started_at
    return started is not None and started > now - timedelta(seconds=settings.JOB_REAP_AFTER_SECONDS)


@transaction.atomic
def erasure_request_create(
    *,
    email: str,
    jurisdiction: str,
    tenant: str = "",
    external_ref: str = "",
    selfie: bytes | None = None,
    received_at: datetime | None = None,
    source: str,
    actor: Actor,
    language: str = "",
) -> ErasureRequest:
    """A data subject's request (portal, or an officer entering one that came by letter or e-mail, with the moment
    it was received: the clock starts then). The requester confirms by the emailed link, and where the law allows
    the clock stops from now until then; a selfie's lookup starts at once, so the photo is gone when it ends.
    The address kept (and mailed) is the one its canonical form is computed from (core.emails)."""
    email = email_address(email)
    intake = request_intake(
        jurisdiction=jurisdiction,
        tenant=tenant,
        external_ref=external_ref,
        received_at=received_at,
        source=source,
        reference_error=ErasureTargetRequired,
        reference_required=not selfie,  # without a selfie, only the reference names the subject
    )
    if selfie is not None:
        validate_image_bytes(selfie)
    erasure_request = ErasureRequest(
        email=email,
        external_ref=external_ref,
        source=source,
        language=language,
        **intake.fields,
        selfie=selfie,
        selfie_sha256=hashlib.sha256(selfie).hexdigest() if selfie is not None else "",
        lookup_status=JobStatus.QUEUED if selfie is not None else "",
    )
    clock_note(erasure_request, event="received", at=intake.received_at)
    clock_stop(erasure_request, at=intake.now, reason="awaiting the requester's confirmation")
    erasure_request.save(force_insert=True)
    # The email address stays out of the append-only log: it could never be erased from there.
    audit_append(
        actor=actor,
        action="erasure_request.create",
        obj=erasure_request,
        details={
            "source": source,
            "jurisdiction": intake.jurisdiction.code,
            "tenant": tenant,
            "by_selfie": selfie is not None,
            "received_at": intake.received_at,
            "due_at": erasure_request.due_at,
            "clock_paused": bool(erasure_request.paused_at),
        },
    )
    if selfie is not None:
        enqueue(ERASURE_LOOKUP_TASK, str(erasure_request.pk))
    with requester_language(erasure_request):
        mail_on_commit(
            email,
            gettext("Confirm your Facegate erasure request"),
            gettext(
                "Someone (we hope you) asked Facegate to erase your face data.\n\nConfirm the request here:\n%(link)s\n\n"
                "The link expires in %(days)d days. If you did not ask for this, ignore it."
            )
            % {"link": CONFIRM_LINK.url(erasure_request.pk), "days": settings.PORTAL_LINK_MAX_AGE_DAYS},
        )
    return erasure_request


def _lock(erasure_request) -> ErasureRequest:
    return ErasureRequest.objects.select_for_update().get(pk=getattr(erasure_request, "pk", erasure_request))


@transaction.atomic
def erasure_request_verify(*, erasure_request: ErasureRequest, actor: Actor) -> ErasureRequest:
    """The requester clicked the emailed link. Idempotent: a second click changes nothing."""
    erasure_request = _lock(erasure_request)
    if erasure_request.verified_at:
        return erasure_request
    erasure_request.verified_at = timezone.now()
    clock_restart(erasure_request, at=erasure_request.verified_at, reason="requester confirmed")
    identity_proven = requester_is_the_subject(erasure_request)
    erasure_request.status = (
        ErasureStatus.AWAITING_OFFICER
        if settings.ERASURE_REQUIRES_OFFICER_CONFIRMATION
        or not identity_proven
        or selfie_needs_an_officer(erasure_request)
        else ErasureStatus.RUNNING
    )
    erasure_request.save(
        update_fields=["verified_at", "status", "paused_at", "paused_for", "due_at", "clock", "reminders_sent"]
    )
    named_tenants_tell(erasure_request, actor=actor)
    audit_append(
        actor=actor,
        action="erasure_request.verify",
        obj=erasure_request,
        details={
            "identity_proven": identity_proven,
            "status": erasure_request.status,
            "due_at": erasure_request.due_at,
        },
    )
    with requester_language(erasure_request):
        mail_on_commit(
            erasure_request.email,
            gettext("Your Facegate erasure request"),
            gettext("Thank you. Follow its progress here:\n%(link)s\n") % {"link": STATUS_LINK.url(erasure_request.pk)},
        )
    if erasure_ready(erasure_request):
        erasure_run_enqueue(erasure_request)
    return erasure_request


@transaction.atomic
def erasure_request_officer_confirm(*, erasure_request: ErasureRequest, actor: Actor) -> ErasureRequest:
    erasure_request = _lock(erasure_request)
    if erasure_request.status != ErasureStatus.AWAITING_OFFICER:
        raise NotAwaitingOfficer(status=erasure_request.status)
    erasure_request.status = ErasureStatus.RUNNING
    erasure_request.save(update_fields=["status"])
    audit_append(
        actor=actor,
        action="erasure_request.officer_confirm",
        obj=erasure_request,
        details={"candidates": [str(c) for c in erasure_request.candidates]},
    )
    if erasure_ready(erasure_request):
        erasure_run_enqueue(erasure_request)
    return erasure_request


@retrying
@transaction.atomic
def subject_erasure_request_create(
    *, subject: Subject, actor: Actor, allowed_purposes: list[str] | None = None
) -> ErasureRequest:
    """DELETE /api/v1/subjects/{id}: the client app asks; the request is verified (the key is the identity).
    `allowed_purposes`: the calling key's, which must cover every purpose the subject consented to."""
    subject = Subject.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=subject.pk)
    if subject.erased_at:
        raise SubjectErased("The subject is already erased.")
    subject_purposes_check(subject, allowed=allowed_purposes)
    now = timezone.now()
    erasure_request = ErasureRequest(
        jurisdiction=subject.jurisdiction,
        tenant_id=subject.tenant_id,
        subject=subject,
        source="client",
        received_at=now,
        due_at=erasure_due_at(jurisdiction=subject.jurisdiction, received_at=now),
        verified_at=now,
        status=ErasureStatus.RUNNING,
    )
    clock_note(erasure_request, event="received", at=now)
    erasure_request.save(force_insert=True)
    audit_append(
        actor=actor,
        action="erasure_request.create",
        obj=erasure_request,
        details={"source": "client", "subject": str(subject.pk), "due_at": erasure_request.due_at},
    )
    erasure_run_enqueue(erasure_request)
    return erasure_request


def erasure_request_targets(erasure_request: ErasureRequest) -> list[str]:
    if erasure_request.subject_id:
        ids = [erasure_request.subject_id]
    elif erasure_request.tenant_id:
        ids = list(
            Subject.objects.filter(
                tenant_id=erasure_request.tenant_id, external_ref=erasure_request.external_ref
            ).values_list("pk", flat=True)
        )
    else:
        ids = list(erasure_request.candidates)
    subjects = Subject.objects.filter(pk__in=ids, erased_at__isnull=True).exclude(
        pk__in=erasure_request.refused_subjects
    )
    return [str(s) for s in subjects.values_list("pk", flat=True)]


def erasure_request_erase_run(*, request_id) -> ErasureRequest:
    """Erase what a ready request names; held subjects block it until the hold is released. A copy of the message
    while another worker runs it does nothing (relayed runs: compliance.services.relay)."""
    actor = Actor.system("erasure_request")
    with transaction.atomic():
        erasure_request = (
            ErasureRequest.objects.select_for_update(of=("self",))
            .select_related("tenant", "jurisdiction")
            .get(pk=request_id)
        )
        now = timezone.now()
        if not erasure_ready(erasure_request) and erasure_request.status != ErasureStatus.BLOCKED_BY_HOLD:
            return erasure_request
        if run_held_by_a_live_worker(erasure_request, now=now):
            return erasure_request
        targets = erasure_request_targets(erasure_request)
        cause = "client_request" if erasure_request.source == "client" else "erasure_request"
        ErasureRequest.objects.filter(pk=request_id).update(status=ErasureStatus.RUNNING, run_started_at=now)
        audit_append(actor=actor, action="erasure_request.run", obj=erasure_request, details={"subjects": targets})
    by = "client" if cause == "client_request" else ("selfie" if erasure_request.lookup_status else "reference")
    cert = eraser.subjects_erase(
        subject_ids=targets,
        cause=cause,
        cause_id=erasure_request.pk,
        actor=actor,
        scope={
            "erasure_request": str(erasure_request.pk),
            "jurisdiction": erasure_request.jurisdiction_id,
            "tenant": erasure_request.tenant.slug if erasure_request.tenant else "",
            "by": by,
        },
    )
    with transaction.atomic():
        erasure_request = _lock(erasure_request)
        if cert.subjects or not cert.scope["held_subjects"]:
            # A pass that erased nobody because everyone was held is the officers' record of the attempt; the
            # requester gets no certificate for 0 people (their page says plainly that a hold blocks it).
            erasure_request.certificate = cert
        erasure_request.subjects_erased += len(cert.subjects)
        erasure_request.selfie = None  # the lookup deletes it; never left behind a finished request either
        erasure_request.run_started_at = None  # settled: a hold's release may start it again
        eraser.erasure_settle(
            erasure_request,
            kind="erasure_request",
            held=cert.scope["held_subjects"],
            actor=actor,
            done_details={"subjects_erased": erasure_request.subjects_erased, "certificate": str(cert.pk)},
        )
        if erasure_request.status == ErasureStatus.DONE:
            with requester_language(erasure_request):
                mail_on_commit(
                    erasure_request.email,
                    gettext("Your face data has been erased"),
                    gettext("Your erasure request is done. Certificate %(certificate)s.\nDetails: %(link)s\n")
                    % {"certificate": cert.pk, "link": STATUS_LINK.url(erasure_request.pk)},
                )
            if erasure_request.tenant_id:
                webhook_emit(
                    tenant_id=erasure_request.tenant_id,
                    type=WebhookEvent.ERASURE_REQUEST_COMPLETED,
                    data={"erasure_request": str(erasure_request.pk), "certificate": str(cert.pk)},
                )
            # The request itself keeps no personal data once it is answered.
            erasure_request.email = ""
            erasure_request.external_ref = ""
            erasure_request.save(update_fields=["email", "external_ref"])
    return erasure_request
