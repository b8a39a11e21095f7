"""The data subject's erasure portal: ask (form), confirm (emailed signed link), follow (status page)."""

from __future__ import annotations

import math

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from compliance.services import erasure_requests
from compliance.services.erasure_requests import CONFIRM_LINK, STATUS_LINK
from consent.models import Jurisdiction
from core import throttles
from core.api import http_status
from core.audit import Actor
from core.errors import DomainError


class ErasureRequestForm(forms.Form):
    email = forms.EmailField(label="Your email address")
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.order_by("name"), to_field_name="code", label="Where you live"
    )
    tenant = forms.SlugField(required=False, label="Organisation code (as the organisation gave it to you)")
    external_ref = forms.CharField(required=False, max_length=200, label="Your reference at that organisation")
    selfie = forms.ImageField(required=False, label="Or: a selfie, to find your face everywhere")

    def clean(self):
        data = super().clean()
        if data.get("selfie") and data["selfie"].size > settings.MAX_IMAGE_BYTES:
            self.add_error("selfie", f"The photo is larger than {settings.MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
        return data


def mail_budget_wait(request, email: str) -> float | None:
    """Each portal request mails a confirmation link: one address, and one client, get a few per window (no mail
    bomb); erasure and access requests share the budget. The seconds to wait, or None."""
    return throttles.over_budget("portal_ip", request.META.get("REMOTE_ADDR", "")) or throttles.over_budget(
        "portal_email", email.lower()
    )


def _link_error(request, exc: DomainError):
    return render(request, "portal/erasure/link_error.html", {"message": exc.message}, status=http_status(exc))


@require_http_methods(["GET", "POST"])
def erasure_request_view(request):
    form = ErasureRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if wait := mail_budget_wait(request, data["email"]):
            form.add_error(None, f"Too many requests. Please try again in {math.ceil(wait / 60)} minutes.")
            response = render(request, "portal/erasure/request.html", {"form": form}, status=429)
            response["Retry-After"] = throttles.retry_after(wait)
            return response
        try:
            erasure_requests.erasure_request_create(
                email=data["email"],
                jurisdiction=data["jurisdiction"].code,
                tenant=data["tenant"] or "",
                external_ref=data["external_ref"] or "",
                selfie=data["selfie"].read() if data["selfie"] else None,
                source="portal",
                actor=Actor("portal:anonymous"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "portal/erasure/sent.html", {"email": data["email"]})
    return render(request, "portal/erasure/request.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def erasure_confirm_view(request, token):
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms."""
    try:
        erasure_request = erasure_requests.erasure_request_from_token(token=token, link=CONFIRM_LINK)
    except DomainError as exc:
        return _link_error(request, exc)
    if request.method == "POST":
        erasure_requests.erasure_request_verify(
            erasure_request=erasure_request, actor=Actor(f"portal:erasure_request:{erasure_request.pk}")
        )
        status_link = STATUS_LINK.url(erasure_request.pk)
        return redirect(status_link.removeprefix(settings.PUBLIC_BASE_URL.rstrip("/")))
    return render(request, "portal/erasure/confirm.html", {"erasure_request": erasure_request})


def erasure_status_view(request, token):
    try:
        erasure_request = erasure_requests.erasure_request_from_token(token=token, link=STATUS_LINK)
    except DomainError as exc:
        return _link_error(request, exc)
    certificate = erasure_request.certificate
    return render(
        request,
        "portal/erasure/status.html",
        {
            "erasure_request": erasure_request,
            "certificate": certificate,
            "counts": sorted(certificate.counts.items()) if certificate else [],
        },
    )
