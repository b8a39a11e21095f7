"""Writes of the compliance app: regulator orders, legal holds, erasure requests, retention and deadlines.

Each service runs in one transaction and appends its audit event there. Long erasures are not one transaction:
they run in Celery (compliance.tasks) through compliance.erasure, batch by batch.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from rest_framework import status

from compliance import erasure, selectors
from compliance.audit import Actor, audit_append
from compliance.deadlines import erasure_due_at
from compliance.models import (
    ErasureRequest,
    ErasureStatus,
    Jurisdiction,
    LegalHold,
    OrderAction,
    OrderStatus,
    RegulatorOrder,
    RetentionRule,
)
from compliance.officers import OFFICERS_GROUP
from config.errors import Conflict, DomainError
from consent.models import Purpose, Subject, Tenant
from matching.models import FaceTemplate, JobStatus, MatchJob


class EmptyScope(DomainError):
    code = "empty_scope"
    default_message = "The scope names no jurisdiction, tenant or subject."


class UnknownJurisdiction(DomainError):
    code = "unknown_jurisdiction"
    default_message = "Unknown jurisdiction."


class UnknownTenant(DomainError):
    code = "unknown_tenant"
    default_message = "Unknown tenant."


class UnknownSubject(DomainError):
    code = "unknown_subject"
    default_message = "Unknown subject."


class ErasureTargetRequired(DomainError):
    code = "subject_or_selfie_required"
    default_message = "Give either the tenant and your reference with it, or a selfie."


class InvalidLink(DomainError):
    code = "invalid_link"
    default_message = "This link is not valid."


class LinkExpired(DomainError):
    code = "link_expired"
    status_code = status.HTTP_410_GONE
    default_message = "This link has expired."


class SubjectNotHeld(Conflict):
    code = "subject_not_held"
    default_message = "The subject is not among the order's held subjects."


class HoldAlreadyReleased(Conflict):
    code = "hold_already_released"
    default_message = "The legal hold is already released."


class NotAwaitingOfficer(Conflict):
    code = "not_awaiting_officer"
    default_message = "The request is not waiting for an officer's confirmation."


class OrderNotLiftable(Conflict):
    code = "order_not_liftable"
    default_message = "Only a suspend_processing or restrict_collection order in force can be lifted."


class SubjectAlreadyErased(Conflict):
    code = "subject_erased"
    default_message = "The subject is already erased."


# --- Scopes ----------------------------------------------------------------------------------------------
def _scope_resolve(scope: dict) -> dict:
    """{"jurisdictions": codes, "tenants": slugs, "subjects": ids} -> the model's scope_* fields (tenant UUIDs)."""
    codes = sorted(set(scope.get("jurisdictions") or []))
    slugs = sorted(set(scope.get("tenants") or []))
    subject_ids = sorted({str(s) for s in scope.get("subjects") or []})
    if not (codes or slugs or subject_ids):
        raise EmptyScope()
    unknown = set(codes) - set(Jurisdiction.objects.filter(code__in=codes).values_list("code", flat=True))
    if unknown:
        raise UnknownJurisdiction(f"Unknown jurisdictions: {sorted(unknown)}", jurisdictions=sorted(unknown))
    tenants = dict(Tenant.objects.filter(slug__in=slugs).values_list("slug", "id"))
    if unknown := set(slugs) - set(tenants):
        raise UnknownTenant(f"Unknown tenants: {sorted(unknown)}", tenants=sorted(unknown))
    found = {str(s) for s in Subject.objects.filter(pk__in=subject_ids).values_list("pk", flat=True)}
    if unknown := set(subject_ids) - found:
        raise UnknownSubject(f"Unknown subjects: {sorted(unknown)}", subjects=sorted(unknown))
    return {
        "scope_jurisdictions": codes,
        "scope_tenants": [tenants[s] for s in slugs],
        "scope_subjects": subject_ids,
    }


def scope_describe(scoped) -> dict:
    slugs = dict(Tenant.objects.filter(pk__in=scoped.scope_tenants).values_list("id", "slug"))
    return {
        "jurisdictions": list(scoped.scope_jurisdictions),
        "tenants": [slugs.get(t, str(t)) for t in scoped.scope_tenants],
        "subjects": [str(s) for s in scoped.scope_subjects],
    }


# --- Regulator orders ------------------------------------------------------------------------------------
def _enqueue(task, *args):
    transaction.on_commit(lambda: task.delay(*args))


@transaction.atomic
def order_create(*, regulator: str, reference: str, action: str, scope: dict, received_at: datetime,
                 deadline: datetime | None = None, issued_at: datetime | None = None,
                 actor: Actor) -> RegulatorOrder:
    """The gate reads orders in SQL at match and enrolment time, so the effect starts at this commit.
    suspend/restrict orders are in force from here (done); an erase order then erases in Celery."""
    from compliance import tasks

    order = RegulatorOrder.objects.create(
        regulator=regulator, reference=reference, action=action, received_at=received_at,
        issued_at=issued_at, deadline=deadline, **_scope_resolve(scope),
    )
    if action != OrderAction.ERASE:
        order.status = OrderStatus.DONE
        order.completed_at = timezone.now()
        order.save(update_fields=["status", "completed_at"])
    audit_append(actor=actor, action="order.create", obj=order,
                 details={"regulator": regulator, "reference": reference, "action": action,
                          "scope": scope_describe(order), "deadline": deadline})
    if action == OrderAction.ERASE:
        _enqueue(tasks.order_erase, str(order.pk))
    return order


def order_erase_run(*, order_id) -> RegulatorOrder:
    """Erase what an erase order covers, except held subjects (reported) and recorded exceptions.
    Safe to run again: it resumes where it stopped and finishes an order whose holds are resolved."""
    with transaction.atomic():
        order = RegulatorOrder.objects.select_for_update().get(pk=order_id)
        if order.action != OrderAction.ERASE or order.status == OrderStatus.DONE:
            return order
        pending = set(selectors.order_subjects_pending(order=order).values_list("pk", flat=True))
        excepted = {e["subject"] for e in order.exceptions}
        pending = {str(s) for s in pending} - excepted
        if order.status == OrderStatus.RECEIVED:
            order.subjects_total = len(pending) + len(excepted)
        order.status = OrderStatus.RUNNING
        order.save(update_fields=["status", "subjects_total"])
        audit_append(actor=Actor.system("order_erase"), action="order.run", obj=order,
                     details={"pending": len(pending), "exceptions": len(excepted)})
    actor = Actor.system("order_erase")
    cert = None
    if pending or not order.certificate_id:

        def progress(n):
            RegulatorOrder.objects.filter(pk=order.pk).update(subjects_erased=F("subjects_erased") + n)

        cert = erasure.subjects_erase(
            subject_ids=pending, cause="order", cause_id=order.pk, actor=actor, on_batch=progress,
            scope={"order": str(order.pk), "regulator": order.regulator, "reference": order.reference,
                   **scope_describe(order)},
        )
    with transaction.atomic():
        order = RegulatorOrder.objects.select_for_update().get(pk=order.pk)
        if cert is not None:
            order.certificate = cert
        held = set(cert.scope["held_subjects"]) if cert else set()
        order.held_subjects = sorted(held)
        if held:
            order.status = OrderStatus.BLOCKED_BY_HOLD
            audit_append(actor=actor, action="order.blocked_by_hold", obj=order,
                         details={"held_subjects": order.held_subjects})
        else:
            order.status = OrderStatus.DONE
            order.completed_at = timezone.now()
            audit_append(actor=actor, action="order.done", obj=order,
                         details={"subjects_erased": order.subjects_erased, "certificate": str(order.certificate_id),
                                  "exceptions": [e["subject"] for e in order.exceptions]})
        order.save()
    return order


@transaction.atomic
def order_exception_add(*, order: RegulatorOrder, subject_id, reason: str, actor: Actor) -> RegulatorOrder:
    """An officer decides a held subject stays (the hold wins) and records why; the order can then finish."""
    from compliance import tasks

    order = RegulatorOrder.objects.select_for_update().get(pk=order.pk)
    subject_id = str(subject_id)
    if subject_id not in {str(s) for s in order.held_subjects}:
        raise SubjectNotHeld(subject=subject_id)
    order.exceptions = [*order.exceptions, {"subject": subject_id, "reason": reason, "by": actor.label,
                                            "at": timezone.now().isoformat()}]
    order.held_subjects = [s for s in order.held_subjects if str(s) != subject_id]
    order.save(update_fields=["exceptions", "held_subjects"])
    audit_append(actor=actor, action="order.exception", obj=order, details={"subject": subject_id, "reason": reason})
    if not order.held_subjects:
        _enqueue(tasks.order_erase, str(order.pk))
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
    return order


@transaction.atomic
def retention_rule_create(*, jurisdiction: str | None, tenant: str | None, purpose: str, anchor: str,
                          max_age_days: int, citation: str, actor: Actor) -> RetentionRule:
    """A retention limit; the gate and the hourly sweep apply it from this commit on."""
    jurisdiction_obj = tenant_obj = None
    if jurisdiction:
        jurisdiction_obj = Jurisdiction.objects.filter(code=jurisdiction.upper()).first()
        if jurisdiction_obj is None:
            raise UnknownJurisdiction(jurisdiction=jurisdiction)
    if tenant:
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if tenant_obj is None:
            raise UnknownTenant(tenant=tenant)
    rule = RetentionRule.objects.create(jurisdiction=jurisdiction_obj, tenant=tenant_obj, purpose=purpose,
                                        anchor=anchor, max_age_days=max_age_days, citation=citation)
    audit_append(actor=actor, action="retention_rule.create", obj=rule, details={
        "jurisdiction": jurisdiction_obj and jurisdiction_obj.code, "tenant": tenant, "purpose": purpose,
        "anchor": anchor, "max_age_days": max_age_days, "citation": citation})
    return rule


# --- Legal holds -----------------------------------------------------------------------------------------
@transaction.atomic
def legal_hold_create(*, scope: dict, reason: str, expires_at: datetime | None, actor: Actor) -> LegalHold:
    hold = LegalHold.objects.create(reason=reason, expires_at=expires_at, created_by=actor.label,
                                    **_scope_resolve(scope))
    audit_append(actor=actor, action="legal_hold.create", obj=hold,
                 details={"scope": scope_describe(hold), "reason": reason, "expires_at": expires_at})
    return hold


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, actor: Actor) -> LegalHold:
    """Releasing a hold resumes every order and request it blocked."""
    from compliance import tasks

    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at:
        raise HoldAlreadyReleased()
    hold.released_at = timezone.now()
    hold.save(update_fields=["released_at"])
    audit_append(actor=actor, action="legal_hold.release", obj=hold, details={})
    for order_id in RegulatorOrder.objects.exclude(held_subjects=[]).exclude(status=OrderStatus.DONE) \
            .values_list("pk", flat=True):
        _enqueue(tasks.order_erase, str(order_id))
    for request_id in ErasureRequest.objects.exclude(held_subjects=[]).exclude(status=ErasureStatus.DONE) \
            .values_list("pk", flat=True):
        _enqueue(tasks.erasure_request_erase, str(request_id))
    return hold


# --- Erasure requests ------------------------------------------------------------------------------------
LINK_SALTS = {"confirm": "compliance.erasure.confirm", "status": "compliance.erasure.status"}


def erasure_request_link(*, erasure_request: ErasureRequest, kind: str) -> str:
    """A signed link for the requester: "confirm" (verifies the email) or "status" (the progress page)."""
    token = signing.dumps(str(erasure_request.pk), salt=LINK_SALTS[kind])
    path = reverse(f"portal-erasure-{kind}", kwargs={"token": token})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def erasure_request_from_token(*, token: str, kind: str) -> ErasureRequest:
    try:
        request_id = signing.loads(token, salt=LINK_SALTS[kind],
                                   max_age=timedelta(days=settings.PORTAL_LINK_MAX_AGE_DAYS))
    except signing.SignatureExpired:
        raise LinkExpired() from None
    except signing.BadSignature:
        raise InvalidLink() from None
    request = ErasureRequest.objects.filter(pk=request_id).select_related("jurisdiction", "lookup_job").first()
    if request is None:
        raise InvalidLink()
    return request


def _mail_requester(erasure_request: ErasureRequest, subject: str, body: str):
    if erasure_request.email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [erasure_request.email])


def _erasure_ready(erasure_request: ErasureRequest) -> bool:
    """Verified, confirmed by an officer when that is required, and the selfie lookup (if any) has ended."""
    if erasure_request.status not in (ErasureStatus.RUNNING, ErasureStatus.OVERDUE) or not erasure_request.verified_at:
        return False
    job = erasure_request.lookup_job
    return job is None or job.status in (JobStatus.DONE, JobStatus.FAILED)


@transaction.atomic
def erasure_request_create(*, email: str, jurisdiction: str, tenant: str = "", external_ref: str = "",
                           selfie: bytes | None = None, source: str, actor: Actor) -> ErasureRequest:
    """A data subject's request (portal, or an officer entering it). The requester confirms by the emailed link;
    a selfie starts an erasure_lookup match across tenants at once, so the photo is gone when the lookup ends."""
    jur = Jurisdiction.objects.filter(code=jurisdiction).first()
    if jur is None:
        raise UnknownJurisdiction(jurisdictions=[jurisdiction])
    if bool(tenant) != bool(external_ref) or not (tenant or selfie):
        raise ErasureTargetRequired()
    tenant_obj = None
    if tenant:
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if tenant_obj is None:
            raise UnknownTenant(tenants=[tenant])
    received_at = timezone.now()
    erasure_request = ErasureRequest.objects.create(
        email=email, jurisdiction=jur, tenant=tenant_obj, external_ref=external_ref, source=source,
        received_at=received_at, due_at=erasure_due_at(jurisdiction=jur, received_at=received_at),
    )
    if selfie is not None:
        from matching.services import match_job_create

        erasure_request.lookup_job = match_job_create(tenant=None, api_key=None, purpose=Purpose.ERASURE_LOOKUP,
                                                      image=selfie, actor=actor)
        erasure_request.save(update_fields=["lookup_job"])
    # The email address stays out of the append-only log: it could never be erased from there.
    audit_append(actor=actor, action="erasure_request.create", obj=erasure_request,
                 details={"source": source, "jurisdiction": jur.code, "tenant": tenant, "by_selfie": selfie is not None,
                          "due_at": erasure_request.due_at})
    link = erasure_request_link(erasure_request=erasure_request, kind="confirm")
    transaction.on_commit(lambda: _mail_requester(
        erasure_request, "Confirm your Facegate erasure request",
        f"Someone (we hope you) asked Facegate to erase your face data.\n\nConfirm the request here:\n{link}\n\n"
        f"The link expires in {settings.PORTAL_LINK_MAX_AGE_DAYS} days. If you did not ask for this, ignore it.",
    ))
    return erasure_request


def _requester_is_the_subject(erasure_request: ErasureRequest) -> bool:
    """Knowing a reference proves nothing: the confirmed email must be the one the tenant holds for the subject,
    otherwise an officer checks the identity. A selfie is its own proof (strict threshold); a reference that
    names nobody has nothing to protect (and the answer must not reveal that)."""
    if erasure_request.lookup_job_id or not erasure_request.tenant_id:
        return True
    subject = Subject.objects.filter(tenant_id=erasure_request.tenant_id, external_ref=erasure_request.external_ref,
                                     erased_at__isnull=True).first()
    return subject is None or subject.email.strip().lower() == erasure_request.email.strip().lower()


@transaction.atomic
def erasure_request_verify(*, erasure_request: ErasureRequest, actor: Actor) -> ErasureRequest:
    """The requester clicked the emailed link. Idempotent: a second click changes nothing."""
    from compliance import tasks

    erasure_request = ErasureRequest.objects.select_for_update(of=("self",)).select_related("lookup_job").get(
        pk=erasure_request.pk)
    if erasure_request.verified_at:
        return erasure_request
    erasure_request.verified_at = timezone.now()
    identity_proven = _requester_is_the_subject(erasure_request)
    lookup_failed = erasure_request.lookup_job is not None and erasure_request.lookup_job.status == JobStatus.FAILED
    erasure_request.status = (ErasureStatus.AWAITING_OFFICER
                              if settings.ERASURE_REQUIRES_OFFICER_CONFIRMATION or not identity_proven or lookup_failed
                              else ErasureStatus.RUNNING)
    erasure_request.save(update_fields=["verified_at", "status"])
    audit_append(actor=actor, action="erasure_request.verify", obj=erasure_request,
                 details={"identity_proven": identity_proven, "status": erasure_request.status})
    status_link = erasure_request_link(erasure_request=erasure_request, kind="status")
    transaction.on_commit(lambda: _mail_requester(
        erasure_request, "Your Facegate erasure request", f"Thank you. Follow its progress here:\n{status_link}\n"))
    if _erasure_ready(erasure_request):
        _enqueue(tasks.erasure_request_erase, str(erasure_request.pk))
    return erasure_request


@transaction.atomic
def erasure_request_officer_confirm(*, erasure_request: ErasureRequest, actor: Actor) -> ErasureRequest:
    from compliance import tasks

    erasure_request = ErasureRequest.objects.select_for_update(of=("self",)).select_related("lookup_job").get(
        pk=erasure_request.pk)
    if erasure_request.status != ErasureStatus.AWAITING_OFFICER:
        raise NotAwaitingOfficer(status=erasure_request.status)
    erasure_request.status = ErasureStatus.RUNNING
    erasure_request.save(update_fields=["status"])
    audit_append(actor=actor, action="erasure_request.officer_confirm", obj=erasure_request,
                 details={"candidates": [str(c) for c in erasure_request.candidates]})
    if _erasure_ready(erasure_request):
        _enqueue(tasks.erasure_request_erase, str(erasure_request.pk))
    return erasure_request


@transaction.atomic
def erasure_request_lookup_done(*, job_id) -> ErasureRequest | None:
    """Called by the matching task when an erasure_lookup job ends: keep the candidates, make sure the selfie
    is gone, and erase if the request is already verified (and confirmed)."""
    from compliance import tasks

    erasure_request = ErasureRequest.objects.select_for_update().filter(lookup_job_id=job_id).first()
    if erasure_request is None:
        return None
    job = MatchJob.objects.get(pk=job_id)
    # The matching side deletes the probe when the job ends; a leftover is removed here, and noted.
    probe_left = MatchJob.objects.filter(pk=job_id, probe__isnull=False).update(probe=None) > 0
    # One result per template: a person enrolled twice appears twice.
    erasure_request.candidates = list(dict.fromkeys(r["subject_id"] for r in job.results or []))
    erasure_request.save(update_fields=["candidates"])
    audit_append(actor=Actor.system("erasure_lookup"), action="erasure_request.lookup_done", obj=erasure_request,
                 details={"job": str(job_id), "status": job.status, "candidates": len(erasure_request.candidates),
                          "error": job.error_code, "probe_left_by_matching": probe_left})
    erasure_request.lookup_job = job
    if job.status == JobStatus.FAILED and erasure_request.status == ErasureStatus.RUNNING:
        # No face found, or the lookup broke: "nothing to erase" is not proven, so an officer follows it up.
        erasure_request.status = ErasureStatus.AWAITING_OFFICER
        erasure_request.save(update_fields=["status"])
    if _erasure_ready(erasure_request):
        _enqueue(tasks.erasure_request_erase, str(erasure_request.pk))
    return erasure_request


@transaction.atomic
def subject_erasure_request_create(*, subject: Subject, actor: Actor) -> ErasureRequest:
    """DELETE /api/v1/subjects/{id}: the client app asks; the request is verified (the key is the identity)."""
    from compliance import tasks

    subject = Subject.objects.select_for_update().select_related("jurisdiction").get(pk=subject.pk)
    if subject.erased_at:
        raise SubjectAlreadyErased()
    now = timezone.now()
    erasure_request = ErasureRequest.objects.create(
        jurisdiction=subject.jurisdiction, tenant_id=subject.tenant_id, subject=subject, source="client",
        received_at=now, due_at=erasure_due_at(jurisdiction=subject.jurisdiction, received_at=now),
        verified_at=now, status=ErasureStatus.RUNNING,
    )
    audit_append(actor=actor, action="erasure_request.create", obj=erasure_request,
                 details={"source": "client", "subject": str(subject.pk), "due_at": erasure_request.due_at})
    _enqueue(tasks.erasure_request_erase, str(erasure_request.pk))
    return erasure_request


def _erasure_request_targets(erasure_request: ErasureRequest) -> list[str]:
    if erasure_request.subject_id:
        ids = [erasure_request.subject_id]
    elif erasure_request.tenant_id:
        ids = list(Subject.objects.filter(tenant_id=erasure_request.tenant_id,
                                          external_ref=erasure_request.external_ref).values_list("pk", flat=True))
    else:
        ids = list(erasure_request.candidates)
    return [str(s) for s in Subject.objects.filter(pk__in=ids, erased_at__isnull=True).values_list("pk", flat=True)]


def erasure_request_erase_run(*, request_id) -> ErasureRequest:
    """Erase what a ready request names; held subjects block it until the hold is released."""
    erasure_request = ErasureRequest.objects.select_related("lookup_job", "tenant", "jurisdiction").get(pk=request_id)
    if not _erasure_ready(erasure_request) and erasure_request.status != ErasureStatus.BLOCKED_BY_HOLD:
        return erasure_request
    targets = _erasure_request_targets(erasure_request)
    cause = "client_request" if erasure_request.source == "client" else "erasure_request"
    with transaction.atomic():
        ErasureRequest.objects.filter(pk=request_id).update(status=ErasureStatus.RUNNING)
        audit_append(actor=Actor.system("erasure_request"), action="erasure_request.run", obj=erasure_request,
                     details={"subjects": targets})
    by = "client" if cause == "client_request" else ("selfie" if erasure_request.lookup_job_id else "reference")
    cert = erasure.subjects_erase(
        subject_ids=targets, cause=cause, cause_id=erasure_request.pk, actor=Actor.system("erasure_request"),
        probe_job_ids=[erasure_request.lookup_job_id] if erasure_request.lookup_job_id else [],
        scope={"erasure_request": str(erasure_request.pk), "jurisdiction": erasure_request.jurisdiction_id,
               "tenant": erasure_request.tenant.slug if erasure_request.tenant else "", "by": by},
    )
    with transaction.atomic():
        erasure_request = ErasureRequest.objects.select_for_update().get(pk=request_id)
        erasure_request.certificate = cert
        erasure_request.subjects_erased += len(cert.subjects)
        erasure_request.held_subjects = cert.scope["held_subjects"]
        if erasure_request.held_subjects:
            erasure_request.status = ErasureStatus.BLOCKED_BY_HOLD
            audit_append(actor=Actor.system("erasure_request"), action="erasure_request.blocked_by_hold",
                         obj=erasure_request, details={"held_subjects": erasure_request.held_subjects})
        else:
            erasure_request.status = ErasureStatus.DONE
            erasure_request.completed_at = timezone.now()
            audit_append(actor=Actor.system("erasure_request"), action="erasure_request.done", obj=erasure_request,
                         details={"subjects_erased": erasure_request.subjects_erased, "certificate": str(cert.pk)})
            email, status_link = erasure_request.email, erasure_request_link(erasure_request=erasure_request,
                                                                             kind="status")
            transaction.on_commit(lambda: email and send_mail(
                "Your face data has been erased",
                f"Your erasure request is done. Certificate {cert.pk}.\nDetails: {status_link}\n",
                settings.DEFAULT_FROM_EMAIL, [email]))
            # The request itself keeps no personal data once it is answered.
            erasure_request.email = ""
            erasure_request.external_ref = ""
        erasure_request.save()
    return erasure_request


# --- Retention -------------------------------------------------------------------------------------------
def retention_sweep(*, at: datetime, dry_run: bool, actor: Actor) -> dict:
    """Erase the templates past a retention limit, and those of subjects without any consent in force whose
    last consent ended more than WITHDRAWN_TEMPLATE_GRACE_HOURS ago.

    Only templates (with their enrolment rows) go: the subject record and its consent ledger stay, because the
    relationship with the tenant may continue (a new consent, a new enrolment); a full erasure is what orders
    and requests do. Each non-empty group gets its own certificate (cause retention / withdrawal).
    """
    from compliance import gate

    grace = timedelta(hours=settings.WITHDRAWN_TEMPLATE_GRACE_HOURS)
    past = FaceTemplate.objects.filter(pk__in=gate.templates_past_retention(at=at).values("pk"))
    withdrawn = FaceTemplate.objects.filter(
        subject__in=gate.subjects_without_active_consent(before=at - grace, at=at)
    ).exclude(pk__in=past.values("pk"))
    report = {"at": at.isoformat(), "dry_run": dry_run}
    for cause, templates in (("retention", past), ("withdrawal", withdrawn)):
        rows = list(templates.values_list("pk", "subject_id"))
        entry = {"templates": len(rows), "subjects": len({r[1] for r in rows}), "certificate": None}
        if rows and not dry_run:
            cert = erasure.templates_erase(
                template_ids=[r[0] for r in rows], cause=cause, cause_id=f"sweep:{at.isoformat()}", actor=actor,
                scope={"sweep_at": at.isoformat(),
                       "rule": "retention limit" if cause == "retention"
                       else f"no consent in force for {settings.WITHDRAWN_TEMPLATE_GRACE_HOURS} h"},
            )
            entry.update(certificate=str(cert.pk), erased=cert.counts.get(erasure.TEMPLATES, 0),
                         held_subjects=cert.scope["held_subjects"])
        report[cause] = entry
    return report


# --- Deadlines -------------------------------------------------------------------------------------------
REMINDER_DAYS = (7, 1)


def _officer_emails() -> list[str]:
    return list(get_user_model().objects.filter(groups__name=OFFICERS_GROUP, is_active=True)
                .exclude(email="").values_list("email", flat=True).distinct())


def deadlines_check(*, at: datetime) -> dict:
    """Mark overdue orders and requests; email officers 7 days and 1 day before a deadline, once each;
    resume erasures whose legal holds have expired."""
    from compliance import tasks

    report = {"overdue_orders": 0, "overdue_requests": 0, "reminders": 0, "resumed": 0}
    # A hold that expired releases nobody explicitly: resume what it was blocking.
    for model, task in ((RegulatorOrder, tasks.order_erase), (ErasureRequest, tasks.erasure_request_erase)):
        blocked = model.objects.exclude(held_subjects=[]).exclude(status="done")
        for pk, held in blocked.values_list("pk", "held_subjects"):
            if not selectors.subjects_held(subject_ids=held, at=at):
                transaction.on_commit(lambda t=task, i=str(pk): t.delay(i))
                report["resumed"] += 1
    open_orders = RegulatorOrder.objects.filter(
        action=OrderAction.ERASE, deadline__isnull=False,
        status__in=[OrderStatus.RECEIVED, OrderStatus.RUNNING, OrderStatus.BLOCKED_BY_HOLD])
    # A request nobody confirmed is not an obligation yet; every other open one is.
    open_requests = ErasureRequest.objects.filter(
        status__in=[ErasureStatus.AWAITING_OFFICER, ErasureStatus.RUNNING, ErasureStatus.BLOCKED_BY_HOLD])
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
    items = [(o, o.deadline, f"Order {o.regulator} {o.reference}", f"/officer/orders/{o.pk}/")
             for o in open_orders.filter(deadline__gt=at, deadline__lte=at + timedelta(days=max(REMINDER_DAYS)))]
    items += [(r, r.due_at, f"Erasure request {r.pk}", f"/officer/erasure-requests/{r.pk}/")
              for r in open_requests.filter(due_at__gt=at, due_at__lte=at + timedelta(days=max(REMINDER_DAYS)))]
    for obj, due, title, path in items:
        # The tightest reminder that applies; a later check never sends the looser one after it.
        days = min(d for d in REMINDER_DAYS if due - at <= timedelta(days=d))
        if days in obj.reminders_sent:
            continue
        with transaction.atomic():
            sent = sorted({*obj.reminders_sent, *[d for d in REMINDER_DAYS if d >= days]})
            type(obj).objects.filter(pk=obj.pk).update(reminders_sent=sent)
            audit_append(actor=actor, action="deadline.reminder", obj=obj,
                         details={"days": days, "due": due, "officers": len(officers)})
            if officers:
                transaction.on_commit(lambda t=title, d=due, p=path, n=days: send_mail(
                    f"[Facegate] {t} is due in {n} day{'s' if n > 1 else ''}",
                    f"{t} is due {d:%Y-%m-%d %H:%M} UTC.\n{settings.PUBLIC_BASE_URL.rstrip('/')}{p}\n",
                    settings.DEFAULT_FROM_EMAIL, officers))
        report["reminders"] += 1
    return report
