"""Access requests (GDPR Art. 15 and its kin): a data subject asks what Facegate holds about them.

awaiting_verification -> (the requester confirms by the e-mailed link) -> done, or awaiting_officer when the
request gives a reference its confirmed address does not prove (held under another address, naming nobody, or at
an organisation code that names no tenant: all three look alike to the requester) -> (an officer checks) -> done.
"Done" means answered: the subjects the report covers are fixed and the report's link is mailed. The report is
built whenever it is downloaded (compliance.services.access_report), so it shows what is held at that moment.
Same law, same clock as an erasure request (compliance.services.clocks, due_dates).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compliance.models import AccessRequest, AccessStatus
from compliance.services.access_report import access_report_build
from compliance.services.clocks import clock_note, clock_restart, clock_stop
from compliance.services.identity import reference_is_the_requesters, subjects_of_confirmed_email
from compliance.services.subject_requests import (
    NotAwaitingOfficer,
    mail_on_commit,
    request_intake,
    requester_language,
)
from consent.models import Subject
from core.audit import Actor, audit_append
from core.emails import email_address
from core.errors import Conflict, DomainError
from core.links import SignedLink

CONFIRM_LINK = SignedLink(salt="compliance.access.confirm", url_name="portal-access-confirm")
STATUS_LINK = SignedLink(salt="compliance.access.status", url_name="portal-access-status")
REPORT_LINK = SignedLink(salt="compliance.access.report", url_name="portal-access-report")


class ReferenceIncomplete(DomainError):
    code = "tenant_and_reference_together"
    default_message = "Give both the organisation's code and your reference there, or neither."


class ReportNotReady(Conflict):
    code = "report_not_ready"
    default_message = "The report is not ready yet: the request has not been answered."


@transaction.atomic
def access_request_create(
    *,
    email: str,
    jurisdiction: str,
    tenant: str = "",
    external_ref: str = "",
    received_at: datetime | None = None,
    source: str,
    actor: Actor,
    language: str = "",
) -> AccessRequest:
    """A data subject's request (portal, or an officer entering one that came by letter or e-mail with the moment
    it was received: the clock starts then). Nothing is looked up before the requester confirms the address, and
    the address kept (and mailed) is the one its canonical form is computed from (core.emails)."""
    email = email_address(email)
    intake = request_intake(
        jurisdiction=jurisdiction,
        tenant=tenant,
        external_ref=external_ref,
        received_at=received_at,
        source=source,
        reference_error=ReferenceIncomplete,
    )
    access_request = AccessRequest(
        email=email, external_ref=external_ref, source=source, language=language, **intake.fields
    )
    clock_note(access_request, event="received", at=intake.received_at)
    clock_stop(access_request, at=intake.now, reason="awaiting the requester's confirmation")
    access_request.save(force_insert=True)
    audit_append(
        actor=actor,
        action="access_request.create",
        obj=access_request,
        details={
            "source": source,
            "jurisdiction": intake.jurisdiction.code,
            "tenant": tenant,
            "received_at": intake.received_at,
            "due_at": access_request.due_at,
        },
    )
    with requester_language(access_request):
        mail_on_commit(
            email,
            gettext("Confirm your Facegate access request"),
            gettext(
                "Someone (we hope you) asked Facegate what it holds about the person with this address.\n\n"
                "Confirm the request here:\n%(link)s\n\n"
                "The link expires in %(days)d days. If you did not ask for this, ignore it."
            )
            % {"link": CONFIRM_LINK.url(access_request.pk), "days": settings.PORTAL_LINK_MAX_AGE_DAYS},
        )
    return access_request


def _lock(access_request) -> AccessRequest:
    return AccessRequest.objects.select_for_update().select_related("jurisdiction").get(pk=access_request.pk)


def _named_subject(access_request: AccessRequest):
    if not access_request.tenant_id:
        return None
    return (
        Subject.objects.filter(
            tenant_id=access_request.tenant_id, external_ref=access_request.external_ref, erased_at__isnull=True
        )
        .values_list("pk", flat=True)
        .first()
    )


def _answer(access_request: AccessRequest, *, subjects: list, actor: Actor) -> None:
    """Fix the subjects the report covers, mail its link; the request keeps no contact data once answered."""
    email = access_request.email
    access_request.subjects = sorted(set(subjects), key=str)
    access_request.status = AccessStatus.DONE
    access_request.completed_at = timezone.now()
    access_request.email = ""
    access_request.external_ref = ""
    access_request.save()
    audit_append(
        actor=actor,
        action="access_request.answer",
        obj=access_request,
        details={"subjects": len(access_request.subjects), "due_at": access_request.due_at},
    )
    with requester_language(access_request):
        mail_on_commit(
            email,
            gettext("Your Facegate access report is ready"),
            gettext(
                "Download what Facegate holds about you (a JSON file) here:\n%(report_link)s\n\n"
                "The link expires in %(days)d days. Your request's page:\n%(status_link)s\n"
            )
            % {
                "report_link": REPORT_LINK.url(access_request.pk),
                "days": settings.PORTAL_LINK_MAX_AGE_DAYS,
                "status_link": STATUS_LINK.url(access_request.pk),
            },
        )


@transaction.atomic
def access_request_verify(*, access_request: AccessRequest, actor: Actor) -> AccessRequest:
    """The requester clicked the e-mailed link: the address is theirs. Every live subject whose tenant holds that
    address is theirs (the rule erasure uses); a reference naming a subject with another address waits for an
    officer. Idempotent: a second click changes nothing."""
    access_request = _lock(access_request)
    if access_request.verified_at:
        return access_request
    access_request.verified_at = timezone.now()
    clock_restart(access_request, at=access_request.verified_at, reason="requester confirmed")
    identity_proven = not access_request.external_ref or reference_is_the_requesters(
        tenant_id=access_request.tenant_id, external_ref=access_request.external_ref, email=access_request.email
    )
    audit_append(
        actor=actor,
        action="access_request.verify",
        obj=access_request,
        details={"identity_proven": identity_proven, "due_at": access_request.due_at},
    )
    if identity_proven:
        _answer(access_request, subjects=subjects_of_confirmed_email(email=access_request.email), actor=actor)
    else:
        access_request.status = AccessStatus.AWAITING_OFFICER
        access_request.save()
        with requester_language(access_request):
            mail_on_commit(
                access_request.email,
                gettext("Your Facegate access request"),
                gettext(
                    "Thank you. A compliance officer checks that the request comes from you before anything is shown.\n"
                    "Follow it here:\n%(link)s\n"
                )
                % {"link": STATUS_LINK.url(access_request.pk)},
            )
    return access_request


@transaction.atomic
def access_request_officer_confirm(*, access_request: AccessRequest, actor: Actor) -> AccessRequest:
    """An officer has checked the identity by other means: the subject the reference names is included too."""
    access_request = _lock(access_request)
    if access_request.status != AccessStatus.AWAITING_OFFICER:
        raise NotAwaitingOfficer(status=access_request.status)
    named = _named_subject(access_request)
    subjects = [*subjects_of_confirmed_email(email=access_request.email), *([named] if named else [])]
    audit_append(actor=actor, action="access_request.officer_confirm", obj=access_request, details={})
    _answer(access_request, subjects=subjects, actor=actor)
    return access_request


@transaction.atomic
def access_report_download(*, access_request: AccessRequest, actor: Actor, shown_as: str = "json") -> bytes:
    """The report as JSON bytes, built now; the audit keeps its SHA-256 and size, never its contents. `shown_as`
    "page" when the portal renders these bytes as a page instead of handing over the file."""
    if access_request.status != AccessStatus.DONE:
        raise ReportNotReady(status=access_request.status)
    report = access_report_build(access_request=access_request, at=timezone.now())
    body = json.dumps(report, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()
    audit_append(
        actor=actor,
        action="access_request.report_download",
        obj=access_request,
        details={
            "sha256": hashlib.sha256(body).hexdigest(),
            "shown_as": shown_as,
            "organisations": len(report["organisations"]),
            "subjects": sum(len(o["subjects"]) for o in report["organisations"]),
        },
    )
    return body
