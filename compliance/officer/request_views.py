"""Officer page actions on data subject requests: record one received by letter or e-mail, and the clock's
actions (extend, pause, resume) and refusals. Each calls one service; a refusal is shown, never a 500. Recording,
acting on and extending are the same steps for an access request (compliance.officer.access_views)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from compliance.models import ErasureRequest
from compliance.officer.confirmation import _refused, preview_or_act
from compliance.officer.forms import ReceivedRequestForm
from compliance.officer.views import _form_page, officer_required
from compliance.selectors import previews as preview_selectors
from compliance.services import clocks, erasure_requests, refusals
from core.audit import Actor
from core.errors import DomainError

_DETAIL = "officer:erasure-request"


def record_received(request, *, form_class, create_service, kind: str, detail: str):
    """The form for a request received by another channel; `create_service` records it, then its page shows."""

    def create(form):
        subject_request = create_service(**form.cleaned_data, source="officer", actor=Actor.user(request.user))
        messages.success(request, "Request recorded: the requester is asked to confirm it by e-mail.")
        return redirect(detail, request_id=subject_request.pk)

    form = form_class(request.POST or None, initial={"received_at": timezone.now()})
    return _form_page(request, form, f"Record a received {kind} request", "Record request", create)


def act_on(request, model, request_id, *, detail: str, done: str, action):
    """Run `action` on the request, then back to its page (`detail`) with what was done or why it was refused."""
    subject_request = get_object_or_404(model, pk=request_id)
    try:
        action(subject_request, Actor.user(request.user))
        messages.success(request, done)
    except DomainError as error:
        _refused(request, error)
    return redirect(detail, request_id=request_id)


def extend_deadline(request, model, request_id, *, detail: str):
    reason = request.POST.get("reason", "")
    return act_on(
        request,
        model,
        request_id,
        detail=detail,
        done="Deadline extended; the requester is told the reason.",
        action=lambda r, actor: clocks.request_extend(subject_request=r, reason=reason, actor=actor),
    )


@officer_required
def erasure_request_new(request):
    return record_received(
        request,
        form_class=ReceivedRequestForm,
        create_service=erasure_requests.erasure_request_create,
        kind="erasure",
        detail=_DETAIL,
    )


def _act(request, request_id, done: str, action):
    return act_on(request, ErasureRequest, request_id, detail=_DETAIL, done=done, action=action)


@officer_required
@require_POST
def erasure_request_extend(request, request_id):
    return extend_deadline(request, ErasureRequest, request_id, detail=_DETAIL)


@officer_required
@require_POST
def erasure_request_pause(request, request_id):
    reason = request.POST.get("reason", "")
    return _act(
        request,
        request_id,
        "Clock stopped while the identity is verified; the requester is told what is needed.",
        lambda r, actor: clocks.erasure_request_pause(erasure_request=r, reason=reason, actor=actor),
    )


@officer_required
@require_POST
def erasure_request_resume(request, request_id):
    return _act(
        request,
        request_id,
        "Clock restarted.",
        lambda r, actor: clocks.erasure_request_resume(erasure_request=r, actor=actor),
    )


@officer_required
@require_POST
def erasure_request_refuse(request, request_id):
    """Shows what the refusal keeps and what goes on being erased first; only the confirmed POST refuses."""
    basis = request.POST.get("basis", "")
    subjects = request.POST.getlist("subjects")
    erasure_request = get_object_or_404(ErasureRequest, pk=request_id)
    return preview_or_act(
        request,
        title="refuse the erasure request",
        preview=lambda: preview_selectors.refusal_preview(
            erasure_request=erasure_request, basis=basis, subjects=subjects
        ),
        act=lambda: _act(
            request,
            request_id,
            "Refusal recorded; the requester is told its basis.",
            lambda r, actor: refusals.erasure_request_refuse(
                erasure_request=r, basis=basis, subjects=subjects, actor=actor
            ),
        ),
        back=reverse(_DETAIL, kwargs={"request_id": request_id}),
    )
