"""Officer page actions on data subject requests: record one received by letter or e-mail, and the clock's
actions (extend, pause, resume) and refusals. Each calls one service; a refusal is shown, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from compliance.models import ErasureRequest
from compliance.officer.forms import ReceivedRequestForm
from compliance.officer.views import _form_page, _refused, officer_required
from compliance.services import clocks, erasure_requests, refusals
from core.audit import Actor
from core.errors import DomainError


@officer_required
def erasure_request_new(request):
    def create(form):
        erasure_request = erasure_requests.erasure_request_create(
            **form.cleaned_data, source="officer", actor=Actor.user(request.user)
        )
        messages.success(request, "Request recorded: the requester is asked to confirm it by e-mail.")
        return redirect("officer:erasure-request", request_id=erasure_request.pk)

    form = ReceivedRequestForm(request.POST or None, initial={"received_at": timezone.now()})
    return _form_page(request, form, "Record a received erasure request", "Record request", create)


def _act(request, request_id, done: str, action):
    erasure_request = get_object_or_404(ErasureRequest, pk=request_id)
    try:
        action(erasure_request, Actor.user(request.user))
        messages.success(request, done)
    except DomainError as error:
        _refused(request, error)
    return redirect("officer:erasure-request", request_id=request_id)


@officer_required
@require_POST
def erasure_request_extend(request, request_id):
    reason = request.POST.get("reason", "")
    return _act(
        request,
        request_id,
        "Deadline extended; the requester is told the reason.",
        lambda r, actor: clocks.erasure_request_extend(erasure_request=r, reason=reason, actor=actor),
    )


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
    basis = request.POST.get("basis", "")
    subjects = request.POST.getlist("subjects")
    return _act(
        request,
        request_id,
        "Refusal recorded; the requester is told its basis.",
        lambda r, actor: refusals.erasure_request_refuse(
            erasure_request=r, basis=basis, subjects=subjects, actor=actor
        ),
    )
