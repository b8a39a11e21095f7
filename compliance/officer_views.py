"""The compliance officer web UI (/officer/): server-rendered pages, no external assets."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from compliance import dashboard
from compliance.models import DeletionCertificate, OrderStatus, RegulatorOrder
from compliance.officers import is_officer


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


@officer_required
def dashboard_view(request):
    return render(request, "officer/dashboard.html", dashboard.dashboard())


def _get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except (RegulatorOrder.DoesNotExist, DeletionCertificate.DoesNotExist):
        raise Http404


@officer_required
def order_detail(request, order_id):
    order = _get_or_404(dashboard.order_get, order_id=order_id)
    now = timezone.now()
    done = order.status == OrderStatus.DONE
    return render(request, "officer/order_detail.html", {
        "order": order,
        "deadline_state": dashboard.deadline_state(due=order.deadline, done=done, now=now),
        "percent": round(100 * order.subjects_erased / order.subjects_total) if order.subjects_total else (100 if done else 0),
        "held": dashboard.subjects_by_id(ids=order.held_subjects),
        "events": dashboard.audit_events_for(obj=order),
    })


@officer_required
def certificate_detail(request, certificate_id):
    certificate = _get_or_404(dashboard.certificate_get, certificate_id=certificate_id)
    return render(request, "officer/certificate.html", {
        "certificate": certificate,
        "document": dashboard.certificate_document(certificate=certificate),
    })


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
