"""The data subject's access portal: ask (form), confirm (e-mailed signed link), follow and download (signed
links). Until the requester has confirmed the address, no page says whether or where anything is held."""

from __future__ import annotations

import math

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from compliance.models import AccessStatus
from compliance.portal.erasure import mail_budget_wait
from compliance.services import access_requests
from compliance.services.access_requests import CONFIRM_LINK, REPORT_LINK, STATUS_LINK
from consent.models import Jurisdiction
from core import throttles
from core.api import http_status
from core.audit import Actor
from core.errors import DomainError


class AccessRequestForm(forms.Form):
    email = forms.EmailField(label="Your email address (the one you gave the organisations)")
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.order_by("name"), to_field_name="code", label="Where you live"
    )
    tenant = forms.SlugField(required=False, label="Optional: an organisation's code (as it gave it to you)")
    external_ref = forms.CharField(required=False, max_length=200, label="and your reference at that organisation")


def _link_error(request, exc: DomainError):
    return render(request, "portal/access/link_error.html", {"message": exc.message}, status=http_status(exc))


def _portal_actor(access_request) -> Actor:
    return Actor(f"portal:access_request:{access_request.pk}")


@require_http_methods(["GET", "POST"])
def access_request_view(request):
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if wait := mail_budget_wait(request, data["email"]):
            form.add_error(None, f"Too many requests. Please try again in {math.ceil(wait / 60)} minutes.")
            response = render(request, "portal/access/request.html", {"form": form}, status=429)
            response["Retry-After"] = throttles.retry_after(wait)
            return response
        try:
            access_requests.access_request_create(
                email=data["email"],
                jurisdiction=data["jurisdiction"].code,
                tenant=data["tenant"] or "",
                external_ref=data["external_ref"] or "",
                source="portal",
                actor=Actor("portal:anonymous"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "portal/access/sent.html", {"email": data["email"]})
    return render(request, "portal/access/request.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def access_confirm_view(request, token):
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms."""
    try:
        access_request = access_requests.access_request_from_token(token=token, link=CONFIRM_LINK)
    except DomainError as exc:
        return _link_error(request, exc)
    if request.method == "POST":
        access_requests.access_request_verify(access_request=access_request, actor=_portal_actor(access_request))
        return redirect(STATUS_LINK.url(access_request.pk).removeprefix(settings.PUBLIC_BASE_URL.rstrip("/")))
    return render(request, "portal/access/confirm.html", {"access_request": access_request})


def access_status_view(request, token):
    try:
        access_request = access_requests.access_request_from_token(token=token, link=STATUS_LINK)
    except DomainError as exc:
        return _link_error(request, exc)
    done = access_request.status == AccessStatus.DONE
    report_url = REPORT_LINK.url(access_request.pk).removeprefix(settings.PUBLIC_BASE_URL.rstrip("/")) if done else ""
    return render(request, "portal/access/status.html", {"access_request": access_request, "report_url": report_url})


def access_report_view(request, token):
    """The JSON report, built now; each download is audited."""
    try:
        access_request = access_requests.access_request_from_token(token=token, link=REPORT_LINK)
        body = access_requests.access_report_download(
            access_request=access_request, actor=_portal_actor(access_request)
        )
    except DomainError as exc:
        return _link_error(request, exc)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="facegate-access-report-{access_request.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
