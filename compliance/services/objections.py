"""A selfie request names subjects of tenants the requester need not know: once it is confirmed and its lookup
has ended, each such tenant is told (webhook erasure_request.pending_objection) and may object, with a reason the
officer sees, until SELFIE_OBJECTION_HOURS have passed. The officer still decides."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from compliance.models import ErasureRequest, WebhookEvent
from compliance.services.webhooks import webhook_emit
from consent.models import Subject, Tenant
from consent.purposes import subject_purposes_check
from core.audit import Actor, audit_append
from core.errors import Conflict, NotFound, ReasonRequired
from matching.models import JobStatus


class ObjectionWindowClosed(Conflict):
    code = "objection_window_closed"
    default_message = "The time to object to this request has passed (or it was never opened)."


def named_tenants_tell(erasure_request: ErasureRequest, *, actor: Actor) -> int:
    """In the caller's transaction, once a selfie request is both confirmed and looked up; returns tenants told."""
    if (
        erasure_request.lookup_status != JobStatus.DONE
        or not erasure_request.verified_at
        or not erasure_request.candidates
        or erasure_request.objection_until
    ):
        return 0
    until = timezone.now() + timedelta(hours=settings.SELFIE_OBJECTION_HOURS)
    ErasureRequest.objects.filter(pk=erasure_request.pk).update(objection_until=until)
    erasure_request.objection_until = until
    by_tenant: dict = {}
    for subject_id, tenant_id in Subject.objects.filter(pk__in=erasure_request.candidates).values_list(
        "pk", "tenant_id"
    ):
        by_tenant.setdefault(tenant_id, []).append(str(subject_id))
    for tenant_id, subjects in by_tenant.items():
        webhook_emit(
            tenant_id=tenant_id,
            type=WebhookEvent.ERASURE_REQUEST_PENDING_OBJECTION,
            data={"erasure_request": str(erasure_request.pk), "subjects": subjects, "object_until": until.isoformat()},
        )
    audit_append(
        actor=actor,
        action="erasure_request.tenants_told",
        obj=erasure_request,
        details={"tenants": len(by_tenant), "object_until": until},
    )
    return len(by_tenant)


@transaction.atomic
def erasure_request_object(
    *,
    erasure_request: ErasureRequest,
    tenant: Tenant,
    subject_id,
    reason: str,
    actor: Actor,
    allowed_purposes: list[str] | None = None,
) -> ErasureRequest:
    """A tenant objects for one of its named subjects; a subject it was not told about is simply not found.
    `allowed_purposes`: the calling key's; as for an erasure, it must cover every purpose the subject consented to
    (an objection argues for keeping the data of all of them)."""
    erasure_request = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
    named = {str(s) for s in erasure_request.candidates}
    subject = Subject.objects.filter(pk=subject_id, tenant=tenant).first() if str(subject_id) in named else None
    if subject is None:
        raise NotFound()
    subject_purposes_check(subject, allowed=allowed_purposes)
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("Give the reason of the objection (the officer reads it).")
    now = timezone.now()
    if not erasure_request.objection_until or now > erasure_request.objection_until:
        raise ObjectionWindowClosed(object_until=erasure_request.objection_until)
    objection = {"tenant": tenant.slug, "subject": str(subject_id), "reason": reason, "at": now.isoformat()}
    erasure_request.objections = [*erasure_request.objections, objection]
    erasure_request.save(update_fields=["objections"])
    # The reason may name a person: it stays on the request for the officer; the log keeps only that it came.
    audit_append(
        actor=actor,
        action="erasure_request.objection",
        obj=erasure_request,
        details={"tenant": tenant.slug, "subject": str(subject_id)},
    )
    return erasure_request
