"""The compliance officer web UI (/officer/): server-rendered pages, no external assets.
Pages read through compliance.dashboard; every button calls one compliance service (which audits it)."""
from __future__ import annotations

import uuid
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from compliance import dashboard, services
from compliance.audit import Actor
from compliance.models import (
    DeletionCertificate,
    ErasureRequest,
    ErasureStatus,
    LegalHold,
    OrderAction,
    OrderStatus,
    RegulatorOrder,
)
from compliance.officers import is_officer
from config.errors import DomainError


def officer_required(view):
    """Anonymous users go to the login page; signed-in users who are not officers get a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_officer(request.user):
            raise PermissionDenied("Compliance officers only.")
        return view(request, *args, **kwargs)

    return wrapper


class OfficerAuthenticationForm(AuthenticationForm):
    """Refuse a valid password of a non-officer at the form, rather than a 403 on the next page."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_officer(user):
            raise ValidationError("This account is not a compliance officer.", code="not_officer")


class OfficerLoginView(LoginView):
    template_name = "officer/login.html"
    authentication_form = OfficerAuthenticationForm


class OfficerLogoutView(LogoutView):
    next_page = "officer:login"


def index(request):
    return render(request, "index.html")


# --- pages -----------------------------------------------------------------------------------------------


@officer_required
def dashboard_view(request):
    return render(request, "officer/dashboard.html", dashboard.dashboard())


def _get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except (RegulatorOrder.DoesNotExist, ErasureRequest.DoesNotExist, DeletionCertificate.DoesNotExist):
        raise Http404


@officer_required
def order_detail(request, order_id):
    order = _get_or_404(dashboard.order_get, order_id=order_id)
    now = timezone.now()
    done = order.status == OrderStatus.DONE
    percent = round(100 * order.subjects_erased / order.subjects_total) if order.subjects_total else 100 * done
    return render(request, "officer/order_detail.html", {
        "order": order,
        "deadline_state": dashboard.deadline_state(due=order.deadline, done=done, now=now),
        "percent": percent,
        "held": dashboard.subjects_by_id(ids=order.held_subjects),
        "holds": dashboard.holds_covering(subject_ids=order.held_subjects, now=now),
        "certificates": dashboard.certificates_for(obj=order),
        "events": dashboard.audit_events_for(obj=order),
    })


@officer_required
def erasure_request_detail(request, request_id):
    erasure_request = _get_or_404(dashboard.erasure_request_get, request_id=request_id)
    now = timezone.now()
    return render(request, "officer/erasure_request.html", {
        "r": erasure_request,
        "deadline_state": dashboard.deadline_state(due=erasure_request.due_at,
                                                   done=erasure_request.status == ErasureStatus.DONE, now=now),
        "candidates": dashboard.subjects_by_id(ids=erasure_request.candidates),
        "held": dashboard.subjects_by_id(ids=erasure_request.held_subjects),
        "holds": dashboard.holds_covering(subject_ids=erasure_request.held_subjects, now=now),
        "certificates": dashboard.certificates_for(obj=erasure_request),
        "events": dashboard.audit_events_for(obj=erasure_request),
    })


@officer_required
def certificate_detail(request, certificate_id):
    certificate = _get_or_404(dashboard.certificate_get, certificate_id=certificate_id)
    document = dashboard.certificate_document(certificate=certificate)
    return render(request, "officer/certificate.html", {
        "certificate": certificate,
        "document": document,
        "pretty": dashboard.certificate_pretty(document=document),
    })


@officer_required
def certificate_download(request, certificate_id):
    certificate = _get_or_404(dashboard.certificate_get, certificate_id=certificate_id)
    response = JsonResponse(dashboard.certificate_document(certificate=certificate), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="deletion-certificate-{certificate.pk}.json"'
    return response


@officer_required
def audit_log(request):
    try:
        after = max(int(request.GET.get("after", 0)), 0)
    except ValueError:
        after = 0
    events = dashboard.audit_events(after=after)
    return render(request, "officer/audit.html", {
        "events": events,
        "after": after,
        "next_after": events[-1].seq if len(events) == dashboard.AUDIT_PAGE_SIZE else None,
        "status": dashboard.audit_status(),
    })


# --- actions: each calls one service; a refusal is shown to the officer, never a 500 ----------------------


def _back(request, default="officer:dashboard"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _refused(request, error: DomainError):
    messages.error(request, f"Refused ({error.code}): {error.message}")


@officer_required
@require_POST
def audit_verify_now(request):
    status = dashboard.audit_status(refresh=True)
    if status["valid"]:
        messages.success(request, f"Audit chain verified: {status['events']} events, valid.")
    else:
        messages.error(request, f"Audit chain BROKEN at event #{status['broken_seq']}.")
    return _back(request)


@officer_required
@require_POST
def hold_release(request, hold_id):
    hold = get_object_or_404(LegalHold, pk=hold_id)
    try:
        services.legal_hold_release(hold=hold, actor=Actor.user(request.user))
        messages.success(request, f"Legal hold released: {hold.reason}. Blocked erasures resume.")
    except DomainError as error:
        _refused(request, error)
    return _back(request)


@officer_required
@require_POST
def order_exception(request, order_id):
    order = get_object_or_404(RegulatorOrder, pk=order_id)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "An exception needs a reason.")
    else:
        try:
            services.order_exception_add(order=order, subject_id=request.POST.get("subject", ""), reason=reason,
                                         actor=Actor.user(request.user))
            messages.success(request, "Exception recorded: the subject stays under its legal hold.")
        except DomainError as error:
            _refused(request, error)
    return redirect("officer:order", order_id=order.pk)


@officer_required
@require_POST
def erasure_request_confirm(request, request_id):
    erasure_request = get_object_or_404(ErasureRequest, pk=request_id)
    try:
        services.erasure_request_officer_confirm(erasure_request=erasure_request, actor=Actor.user(request.user))
        messages.success(request, f"Erasure request {str(erasure_request.pk)[:8]} confirmed: erasure starts.")
    except DomainError as error:
        _refused(request, error)
    return _back(request)


def _split(value: str) -> list[str]:
    return [part for part in value.replace(",", " ").split() if part]


class ScopeForm(forms.Form):
    jurisdictions = forms.CharField(required=False, help_text="Jurisdiction codes, e.g. GB, US-IL")
    tenants = forms.CharField(required=False, help_text="Tenant slugs")
    subjects = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="Subject ids, separated by spaces, commas or new lines")

    def clean_subjects(self):
        ids = _split(self.cleaned_data["subjects"])
        for value in ids:
            try:
                uuid.UUID(value)
            except ValueError:
                raise ValidationError(f"Not a subject id: {value}")
        return ids

    def scope(self) -> dict:
        return {"jurisdictions": [c.upper() for c in _split(self.cleaned_data["jurisdictions"])],
                "tenants": _split(self.cleaned_data["tenants"]), "subjects": self.cleaned_data["subjects"]}


_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrderForm(ScopeForm):
    regulator = forms.CharField(max_length=200)
    reference = forms.CharField(max_length=200)
    action = forms.ChoiceField(choices=OrderAction.choices)
    received_at = forms.DateTimeField(widget=_WHEN, label="Received (UTC)")
    deadline = forms.DateTimeField(widget=_WHEN, required=False, label="Deadline (UTC)")
    field_order = ["regulator", "reference", "action", "jurisdictions", "tenants", "subjects", "received_at",
                   "deadline"]


class HoldForm(ScopeForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    expires_at = forms.DateTimeField(widget=_WHEN, required=False, label="Expires (UTC, optional)")
    field_order = ["reason", "jurisdictions", "tenants", "subjects", "expires_at"]


def _form_page(request, form, title, submit, create):
    """GET shows the form; a valid POST calls `create(form)`; a domain refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            return create(form)
        except DomainError as error:
            form.add_error(None, f"{error.message} ({error.code})")
    return render(request, "officer/form.html", {"form": form, "title": title, "submit": submit})


@officer_required
def order_new(request):
    def create(form):
        data = form.cleaned_data
        order = services.order_create(
            regulator=data["regulator"], reference=data["reference"], action=data["action"], scope=form.scope(),
            received_at=data["received_at"], deadline=data["deadline"], actor=Actor.user(request.user))
        messages.success(request, "Order recorded: it is in force from now.")
        return redirect("officer:order", order_id=order.pk)

    form = OrderForm(request.POST or None, initial={"received_at": timezone.now()})
    return _form_page(request, form, "Record a regulator order", "Record order", create)


@officer_required
def hold_new(request):
    def create(form):
        data = form.cleaned_data
        services.legal_hold_create(scope=form.scope(), reason=data["reason"], expires_at=data["expires_at"],
                                   actor=Actor.user(request.user))
        messages.success(request, "Legal hold placed: erasures of what it covers are now blocked and reported.")
        return redirect("officer:dashboard")

    return _form_page(request, HoldForm(request.POST or None), "Place a legal hold", "Place hold", create)
