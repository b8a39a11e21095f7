"""Officer pages of regulator orders: record one, its page (progress, held subjects, certificates, events), an
exception for a held subject, and its evidence pack (ZIP)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from compliance.officer.confirmation import _refused, preview_or_act
from compliance.officer.forms import OrderForm
from compliance.officer.views import _form_page, _get_or_404, form_render, officer_required
from compliance.selectors import audit as audit_selectors
from compliance.selectors import certificates as certificate_selectors
from compliance.selectors import holds as hold_selectors
from compliance.selectors import orders as order_selectors
from compliance.selectors import previews as preview_selectors
from compliance.selectors import requests as request_selectors
from compliance.selectors.deadlines import deadline_state_of
from compliance.services import evidence, orders
from core.audit import Actor
from core.errors import DomainError
from policy.models import OrderAction, OrderStatus, RegulatorOrder

HELD_PAGE_SIZE = 100


@officer_required
def order_detail(request, order_id):
    order = _get_or_404(order_selectors.order_get, order_id=order_id)
    now = timezone.now()
    done = order.status == OrderStatus.DONE
    held_page = Paginator(order.held_subjects, HELD_PAGE_SIZE).get_page(request.GET.get("held_page"))
    percent = round(100 * order.subjects_erased / order.subjects_total) if order.subjects_total else 100 * done
    return render(
        request,
        "officer/order_detail.html",
        {
            "order": order,
            "deadline_state": deadline_state_of(order, at=now),
            "percent": percent,
            "held_page": held_page,
            "held": request_selectors.subjects_by_id(ids=held_page.object_list),
            "holds": hold_selectors.holds_covering(subject_ids=order.held_subjects, now=now),
            "certificates": certificate_selectors.certificates_for(obj=order),
            "events": audit_selectors.audit_events_for(obj=order, page=request.GET.get("events_page")),
        },
    )


@officer_required
@require_POST
def order_exception(request, order_id):
    order = get_object_or_404(RegulatorOrder, pk=order_id)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "An exception needs a reason.")
    else:
        try:
            orders.order_exception_add(
                order=order, subject_id=request.POST.get("subject", ""), reason=reason, actor=Actor.user(request.user)
            )
            messages.success(request, "Exception recorded: the subject stays under its legal hold.")
        except DomainError as error:
            _refused(request, error)
    return redirect("officer:order", order_id=order.pk)


@officer_required
def order_new(request):
    """A valid form shows what the order reaches first (subjects, templates, tenants, holds in conflict); only the
    confirmed POST records it. A refusal, of the preview or of the order, is shown on the form."""
    title, submit = "Record a regulator order", "Preview order"

    def order_fields(form) -> dict:
        """What the preview shows and the order records: the same inputs for both."""
        data = form.cleaned_data
        names = ("regulator", "reference", "action", "received_at", "deadline")
        return {**{name: data[name] for name in names}, "scope": form.scope()}

    def record(form):
        order = orders.order_create(**order_fields(form), actor=Actor.user(request.user))
        messages.success(request, "Order recorded: it is in force from now.")
        return redirect("officer:order", order_id=order.pk)

    def refused(error):
        raise error  # _form_page shows it on the form

    def create(form):
        data = form.cleaned_data
        return preview_or_act(
            request,
            title=f"record the {OrderAction(data['action']).label.lower()} order {data['reference']}",
            preview=lambda: preview_selectors.order_preview(**order_fields(form)),
            act=lambda: record(form),
            back=reverse("officer:order-new"),
            refused=refused,
            edit=lambda: form_render(request, form, title, submit),
        )

    form = OrderForm(request.POST or None, initial={"received_at": timezone.now()})
    return _form_page(request, form, title, submit, create)


@officer_required
def order_evidence(request, order_id):
    order = _get_or_404(order_selectors.order_get, order_id=order_id)
    pack = evidence.evidence_pack_build(order=order, actor=Actor.user(request.user))
    response = HttpResponse(pack, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="evidence-{order.pk}.zip"'
    return response
