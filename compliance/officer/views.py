"""The compliance officer web UI (/officer/): server-rendered pages, no external assets.
Pages read through compliance.selectors; every button calls one compliance service (which audits it)."""

from __future__ import annotations

import math
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from compliance.models import DeletionCertificate, ErasureRequest
from compliance.officer.charts import bar_chart, deadline_timeline
from compliance.officer.confirmation import preview_or_act
from compliance.officer.forms import AuditFilterForm, HoldForm
from compliance.selectors import audit as audit_selectors
from compliance.selectors import certificates as certificate_selectors
from compliance.selectors import dashboard as dashboard_selectors
from compliance.selectors import holds as hold_selectors
from compliance.selectors import orders as order_selectors
from compliance.selectors import previews as preview_selectors
from compliance.selectors import requests as request_selectors
from compliance.selectors import webhooks as webhook_selectors
from compliance.selectors.deadlines import access_requests_overdue, deadline_state_of
from compliance.services import erasure_requests, holds
from core import signin, throttles
from core.audit import Actor
from core.errors import DomainError
from core.officers import is_officer
from policy.models import LegalHold, OrderStatus, RegulatorOrder


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
    """A non-officer is refused at the form, with the answer a wrong password gets: the page never confirms that a
    password was right."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_officer(user):
            raise self.get_invalid_login_error()


class OfficerLoginView(LoginView):
    """Attempts are counted and locked out by the authentication backend, for every way in (core/signin.py); this
    page says so with a 429 and Retry-After."""

    template_name = "officer/login.html"
    authentication_form = OfficerAuthenticationForm

    def form_invalid(self, form):
        wait = getattr(self.request, signin.WAIT_ATTRIBUTE, None)
        if wait is None:
            return super().form_invalid(form)
        form.errors.clear()
        form.add_error(None, f"Too many failed sign-ins. Try again in {math.ceil(wait / 60)} minutes.")
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = throttles.retry_after(wait)
        return response


class OfficerLogoutView(LogoutView):
    next_page = "officer:login"


def index(request):
    return render(request, "index.html")


# --- pages -----------------------------------------------------------------------------------------------


DASHBOARD_ROWS = 10  # each dashboard list shows this many, and links to its paged page for the rest


def dashboard_context(*, now: datetime | None = None) -> dict:
    """Everything the dashboard shows, read in one place."""
    now = now or timezone.now()
    orders = order_selectors.orders_open(now=now, limit=DASHBOARD_ROWS)
    for order in orders:
        order.held = (
            request_selectors.subjects_by_id(ids=order.held_subjects[:5])
            if order.status == OrderStatus.BLOCKED_BY_HOLD
            else []
        )
    requests = request_selectors.erasure_requests_open(now=now, limit=DASHBOARD_ROWS)
    access = request_selectors.access_requests_open(now=now, limit=DASHBOARD_ROWS)
    holds = hold_selectors.holds_active(now=now)
    totals = {
        "orders": order_selectors.orders_open_count(),
        "requests": request_selectors.erasure_requests_open_count(),
        "access": request_selectors.access_requests_open_count(),
        "access_overdue": access_requests_overdue(at=now).count(),
        "holds": holds.count(),
    }
    return {
        "now": now,
        "orders": orders,
        "orders_done": order_selectors.orders_recently_done(limit=DASHBOARD_ROWS),
        "requests": requests,
        "access_requests": access,
        "holds": holds[:DASHBOARD_ROWS],
        "totals": totals,
        "webhook_failures": webhook_selectors.webhook_deliveries_failing(limit=DASHBOARD_ROWS),
        "webhook_tenants": webhook_selectors.webhook_failures_per_tenant(),
        "counts": dashboard_selectors.counts(now=now),
        "audit": audit_selectors.audit_status(),
        "erasures_chart": bar_chart(points=certificate_selectors.erasures_per_day(now=now)),
        "timeline": deadline_timeline(
            now=now,
            orders=orders,
            requests=requests,
            access=access,
            more=totals["orders"] - len(orders) + totals["requests"] - len(requests) + totals["access"] - len(access),
        ),
    }


@officer_required
def dashboard_view(request):
    return render(request, "officer/dashboard.html", dashboard_context())


def _get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except (RegulatorOrder.DoesNotExist, ErasureRequest.DoesNotExist, DeletionCertificate.DoesNotExist):
        raise Http404 from None


@officer_required
def erasure_request_detail(request, request_id):
    erasure_request = _get_or_404(request_selectors.erasure_request_get, request_id=request_id)
    now = timezone.now()
    return render(
        request,
        "officer/erasure_request.html",
        {
            "r": erasure_request,
            "deadline_state": deadline_state_of(erasure_request, at=now),
            "candidates": request_selectors.lookup_candidates(erasure_request=erasure_request),
            **request_selectors.erasure_request_actions(erasure_request=erasure_request),
            "held": request_selectors.subjects_by_id(ids=erasure_request.held_subjects),
            "holds": hold_selectors.holds_covering(subject_ids=erasure_request.held_subjects, now=now),
            "certificates": certificate_selectors.certificates_for(obj=erasure_request),
            "events": audit_selectors.audit_events_for(obj=erasure_request, page=request.GET.get("events_page")),
        },
    )


@officer_required
def certificate_detail(request, certificate_id):
    certificate = _get_or_404(certificate_selectors.certificate_get, certificate_id=certificate_id)
    document = certificate_selectors.certificate_document(certificate=certificate)
    shown = certificate_selectors.CERTIFICATE_SUBJECTS_SHOWN
    return render(
        request,
        "officer/certificate.html",
        {
            "certificate": certificate,
            "document": document,
            # An order over 100,000 subjects lists only the first ones (the download has all).
            "shown_subjects": document["subjects"][:shown],
            "subjects_hidden": max(len(document["subjects"]) - shown, 0),
        },
    )


@officer_required
def certificate_download(request, certificate_id):
    certificate = _get_or_404(certificate_selectors.certificate_get, certificate_id=certificate_id)
    response = JsonResponse(
        certificate_selectors.certificate_document(certificate=certificate), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="deletion-certificate-{certificate.pk}.json"'
    return response


@officer_required
def audit_log(request):
    """Newest first, filtered by action, object, actor and time; each page links the next by its last seq."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {k: v for k, v in filters.items() if v not in (None, "")}
    events = audit_selectors.audit_events(**filters)
    more = len(events) == audit_selectors.AUDIT_PAGE_SIZE
    return render(
        request,
        "officer/audit.html",
        {
            "form": form,
            "events": events,
            "filtered": bool(filters),
            "next_before": events[-1].seq if more else None,
            "status": audit_selectors.audit_status(),
        },
    )


# --- actions: each calls one service; a refusal is shown to the officer, never a 500 ----------------------


def _back_url(request, default="officer:dashboard") -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(default)


def _back(request, default="officer:dashboard"):
    return redirect(_back_url(request, default))


@officer_required
@require_POST
def audit_verify_now(request):
    status = audit_selectors.audit_status(refresh=True)
    if status["valid"]:
        messages.success(request, f"Audit log verified: {status['tree_size']} events, valid.")
    else:
        messages.error(request, f"Audit log BROKEN at index {status['bad_index']} ({status['reason']}).")
    return _back(request)


@officer_required
@require_POST
def hold_release(request, hold_id):
    """Shows what the release resumes first; only the confirmed POST releases (compliance.officer.confirmation)."""
    hold = get_object_or_404(LegalHold, pk=hold_id)

    def act():
        holds.legal_hold_release(hold=hold, actor=Actor.user(request.user))
        messages.success(request, f"Legal hold released: {hold.reason}. Blocked erasures resume.")
        return _back(request)

    return preview_or_act(
        request,
        title="release the legal hold",
        preview=lambda: preview_selectors.hold_release_preview(hold=hold),
        act=act,
        back=_back_url(request),
    )


@officer_required
@require_POST
def erasure_request_confirm(request, request_id):
    """Shows what the request erases first; only the confirmed POST starts the erasure."""
    erasure_request = get_object_or_404(ErasureRequest, pk=request_id)

    def act():
        erasure_requests.erasure_request_officer_confirm(
            erasure_request=erasure_request, actor=Actor.user(request.user)
        )
        messages.success(request, f"Erasure request {str(erasure_request.pk)[:8]} confirmed: erasure starts.")
        return _back(request)

    return preview_or_act(
        request,
        title="erase what the request names",
        preview=lambda: preview_selectors.erasure_confirm_preview(erasure_request=erasure_request),
        act=act,
        back=_back_url(request),
    )


def _form_page(request, form, title, submit, create):
    """GET shows the form; a valid POST calls `create(form)`; a domain refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            return create(form)
        except DomainError as error:
            form.add_error(None, f"{error.message} ({error.code})")
    return form_render(request, form, title, submit)


def form_render(request, form, title, submit):
    context = {"form": form, "title": title, "submit": submit, "scope_note": hasattr(form, "scope")}
    return render(request, "officer/form.html", context)


@officer_required
def hold_new(request):
    def create(form):
        data = form.cleaned_data
        holds.legal_hold_create(
            scope=form.scope(), reason=data["reason"], expires_at=data["expires_at"], actor=Actor.user(request.user)
        )
        messages.success(request, "Legal hold placed: erasures of what it covers are now blocked and reported.")
        return redirect("officer:dashboard")

    return _form_page(request, HoldForm(request.POST or None), "Place a legal hold", "Place hold", create)
