"""The data subject's access portal: ask (form), confirm (e-mailed signed link), follow and download (signed
links). Until the requester has confirmed the address, no page says whether or where anything is held."""

from __future__ import annotations

import json

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from compliance.models import AccessRequest, AccessStatus
from compliance.portal.requests import (
    JurisdictionField,
    link_error,
    opened_by,
    portal_path,
    request_form_page,
    status_redirect,
)
from compliance.services import access_requests
from compliance.services.access_requests import CONFIRM_LINK, REPORT_LINK, STATUS_LINK
from core.audit import Actor
from core.errors import DomainError


class AccessRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email address (the one you gave the organisations)"))
    jurisdiction = JurisdictionField(label=_("Where you live"))
    tenant = forms.SlugField(required=False, label=_("Optional: an organisation's code (as it gave it to you)"))
    external_ref = forms.CharField(required=False, max_length=200, label=_("and your reference at that organisation"))


def _portal_actor(access_request) -> Actor:
    return Actor(f"portal:access_request:{access_request.pk}")


@require_http_methods(["GET", "POST"])
def access_request_view(request):
    form = AccessRequestForm(request.POST or None)
    return request_form_page(
        request, form, area="access", create=lambda data, **fields: access_requests.access_request_create(**fields)
    )


@require_http_methods(["GET", "POST"])
@opened_by(AccessRequest, CONFIRM_LINK, area="access")
def access_confirm_view(request, access_request):
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms."""
    if request.method == "POST":
        access_requests.access_request_verify(access_request=access_request, actor=_portal_actor(access_request))
        return status_redirect(STATUS_LINK, access_request.pk)
    return render(request, "portal/access/confirm.html", {"access_request": access_request})


@opened_by(AccessRequest, STATUS_LINK, area="access")
def access_status_view(request, access_request):
    done = access_request.status == AccessStatus.DONE
    report_url = portal_path(REPORT_LINK, access_request.pk) if done else ""
    return render(
        request,
        "portal/access/status.html",
        {"access_request": access_request, "report_url": report_url, "page_url": f"{report_url}page/" if done else ""},
    )


@opened_by(AccessRequest, REPORT_LINK, area="access")
def access_report_view(request, access_request):
    """The JSON report, built now; each download is audited."""
    try:
        body = access_requests.access_report_download(
            access_request=access_request, actor=_portal_actor(access_request)
        )
    except DomainError as exc:
        return link_error(request, exc, area="access")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="facegate-access-report-{access_request.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@opened_by(AccessRequest, REPORT_LINK, area="access")
def access_report_page_view(request, access_request):
    """The same report as a page to read, built from the very bytes a download would hand over (and audited so)."""
    try:
        body = access_requests.access_report_download(
            access_request=access_request, actor=_portal_actor(access_request), shown_as="page"
        )
    except DomainError as exc:
        return link_error(request, exc, area="access")
    context = {"report": json.loads(body), "download_url": portal_path(REPORT_LINK, access_request.pk)}
    response = render(request, "portal/access/report.html", context)
    response["Cache-Control"] = "no-store"
    return response
