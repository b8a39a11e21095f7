"""Officer pages of access requests: the list (paged), a request with its clock, recording one received by letter
or e-mail, confirming the identity, extending the deadline. Each action calls one service (which audits it)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from compliance.models import AccessRequest, AccessStatus
from compliance.officer.filter_forms import AccessRequestFilterForm
from compliance.officer.forms import ReceivedAccessRequestForm
from compliance.officer.request_views import act_on, extend_deadline, record_received
from compliance.officer.views import officer_required
from compliance.selectors import audit as audit_selectors
from compliance.selectors import list_filters
from compliance.selectors import requests as request_selectors
from compliance.selectors.deadlines import deadline_state_of, with_deadline_state
from compliance.services import access_requests
from compliance.services.due_dates import extension_allowed

PAGE_SIZE = 50
_DETAIL = "officer:access-request"


@officer_required
def access_request_list(request):
    now = timezone.now()
    form = AccessRequestFilterForm(request.GET)
    rows = with_deadline_state(request_selectors.access_request_list(), at=now)
    rows = list_filters.requests_filtered(rows, at=now, **form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "officer/access_requests.html", {"page": page, "now": now, "filter_form": form})


@officer_required
def access_request_detail(request, request_id):
    try:
        access_request = request_selectors.access_request_get(request_id=request_id)
    except AccessRequest.DoesNotExist:
        raise Http404 from None
    now = timezone.now()
    open_ = access_request.status != AccessStatus.DONE
    return render(
        request,
        "officer/access_request.html",
        {
            "r": access_request,
            "deadline_state": deadline_state_of(access_request, at=now),
            "can_extend": open_
            and not access_request.extended_at
            and extension_allowed(access_request.jurisdiction)
            and access_request.due_at > now,
            "subjects": request_selectors.subjects_by_id(ids=access_request.subjects),
            "events": audit_selectors.audit_events_for(obj=access_request),
        },
    )


@officer_required
def access_request_new(request):
    return record_received(
        request,
        form_class=ReceivedAccessRequestForm,
        create_service=access_requests.access_request_create,
        kind="access",
        detail=_DETAIL,
    )


@officer_required
@require_POST
def access_request_confirm(request, request_id):
    return act_on(
        request,
        AccessRequest,
        request_id,
        detail=_DETAIL,
        done="Identity confirmed: the requester is sent the link to the report.",
        action=lambda r, actor: access_requests.access_request_officer_confirm(access_request=r, actor=actor),
    )


@officer_required
@require_POST
def access_request_extend(request, request_id):
    return extend_deadline(request, AccessRequest, request_id, detail=_DETAIL)
