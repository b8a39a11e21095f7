"""What a data subject's requests (erasure and access) share: how one is taken in (jurisdiction, organisation
reference, moment received, due date), how a signed link finds it, and how its requester is mailed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from compliance.services.due_dates import erasure_due_at
from consent.models import Jurisdiction, Tenant
from core.errors import Conflict, DomainError, InvalidLink, UnknownJurisdiction, UnknownTenant
from core.links import SignedLink


class ReceivedInFuture(DomainError):
    code = "received_in_future"
    default_message = "A request cannot have been received in the future."


class NotAwaitingOfficer(Conflict):
    code = "not_awaiting_officer"
    default_message = "The request is not waiting for an officer's confirmation."


@dataclass(frozen=True)
class Intake:
    jurisdiction: Jurisdiction
    tenant: Tenant | None
    received_at: datetime
    due_at: datetime
    now: datetime

    @property
    def fields(self) -> dict:
        """The new request's fields that come from its intake."""
        return {
            "jurisdiction": self.jurisdiction,
            "tenant": self.tenant,
            "received_at": self.received_at,
            "due_at": self.due_at,
        }


def request_intake(
    *,
    jurisdiction: str,
    tenant: str,
    external_ref: str,
    received_at: datetime | None,
    reference_error: type[DomainError],
    reference_required: bool = False,
    source: str,
) -> Intake:
    """Check a new request's facts and start its clock: the jurisdiction must exist, the tenant and the reference
    come together (and must, when nothing else names the subject), and it cannot be received later than now (an
    officer enters the moment a letter or e-mail came; by default, now). An unknown organisation code is refused to
    an officer; from the portal it is taken like a known one (no tenant, the reference kept) and waits for an
    officer like a reference that names nobody: the portal must not list who uses Facegate."""
    jur = Jurisdiction.objects.filter(code=jurisdiction).first()
    if jur is None:
        raise UnknownJurisdiction(jurisdictions=[jurisdiction])
    if bool(tenant) != bool(external_ref) or (reference_required and not tenant):
        raise reference_error()
    tenant_obj = None
    if tenant:
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if tenant_obj is None and source != "portal":
            raise UnknownTenant(tenants=[tenant])
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise ReceivedInFuture(received_at=received_at)
    due_at = erasure_due_at(jurisdiction=jur, received_at=received_at)
    return Intake(jurisdiction=jur, tenant=tenant_obj, received_at=received_at, due_at=due_at, now=now)


def request_from_token(model, *, token: str, link: SignedLink):
    """The request (of `model`) a portal link names; a link signed for another page, or expired, is refused."""
    found = model.objects.filter(pk=link.check_token(token)).select_related("jurisdiction").first()
    if found is None:
        raise InvalidLink()
    return found


def requester_language(subject_request):
    """Mails to the requester are written in the language of the portal they asked through (English otherwise):
    build their text inside `with requester_language(request):`."""
    return translation.override(subject_request.language or settings.LANGUAGE_CODE)


def mail_on_commit(email: str, subject: str, body: str) -> None:
    """Mail the requester once the change is committed (never about one that rolled back); no address, no mail."""
    if email:
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
