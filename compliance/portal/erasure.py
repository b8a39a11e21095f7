"""The data subject's erasure portal: ask (form), confirm (emailed signed link), follow (status page)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from compliance.models import ErasureRequest
from compliance.portal.requests import JurisdictionField, opened_by, request_form_page, status_redirect
from compliance.services import erasure_requests
from compliance.services.erasure_requests import CONFIRM_LINK, STATUS_LINK
from core.audit import Actor


class ErasureRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"))
    jurisdiction = JurisdictionField(label=_("Where you live"))
    tenant = forms.SlugField(required=False, label=_("Organisation code (as the organisation gave it to you)"))
    external_ref = forms.CharField(required=False, max_length=200, label=_("Your reference at that organisation"))
    selfie = forms.ImageField(required=False, label=_("Or: a selfie, to find your face everywhere"))

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        if data.get("selfie") and data["selfie"].size > settings.MAX_IMAGE_BYTES:
            megabytes = settings.MAX_IMAGE_BYTES // (1024 * 1024)
            self.add_error("selfie", gettext("The photo is larger than %(megabytes)d MB.") % {"megabytes": megabytes})
        return data


@require_http_methods(["GET", "POST"])
def erasure_request_view(request):
    def create(data, **fields):
        erasure_requests.erasure_request_create(**fields, selfie=data["selfie"].read() if data["selfie"] else None)

    form = ErasureRequestForm(request.POST or None, request.FILES or None)
    return request_form_page(request, form, area="erasure", create=create)


@require_http_methods(["GET", "POST"])
@opened_by(ErasureRequest, CONFIRM_LINK, area="erasure")
def erasure_confirm_view(request, erasure_request):
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms."""
    if request.method == "POST":
        erasure_requests.erasure_request_verify(
            erasure_request=erasure_request, actor=Actor(f"portal:erasure_request:{erasure_request.pk}")
        )
        return status_redirect(STATUS_LINK, erasure_request.pk)
    return render(request, "portal/erasure/confirm.html", {"erasure_request": erasure_request})


@opened_by(ErasureRequest, STATUS_LINK, area="erasure")
def erasure_status_view(request, erasure_request):
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
