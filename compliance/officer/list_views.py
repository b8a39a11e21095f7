"""Officer pages that list records, each paged (PAGE_SIZE rows, ?page=N) with filters (status, jurisdiction, tenant, due window) where they help: orders,
erasure requests, legal holds, deletion certificates, webhook deliveries."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from compliance.officer.filter_forms import ErasureRequestFilterForm, HoldFilterForm, OrderFilterForm
from compliance.officer.views import officer_required
from compliance.selectors import certificates as certificate_selectors
from compliance.selectors import holds as hold_selectors
from compliance.selectors import list_filters
from compliance.selectors import orders as order_selectors
from compliance.selectors import requests as request_selectors
from compliance.selectors import webhooks as webhook_selectors
from compliance.selectors.deadlines import with_deadline_state

PAGE_SIZE = 50


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _list(request, template: str, rows, **context):
    return render(
        request, f"officer/lists/{template}", {"page": _page(request, rows), "now": timezone.now(), **context}
    )


@officer_required
def orders(request):
    open_only = request.GET.get("state") == "open"
    form = OrderFilterForm(request.GET)
    now = timezone.now()
    rows = with_deadline_state(order_selectors.order_list(open_only=open_only), at=now)
    rows = list_filters.orders_filtered(rows, at=now, **form.filters())
    return _list(request, "orders.html", rows, open_only=open_only, filter_form=form)


@officer_required
def erasure_requests(request):
    open_only = request.GET.get("state") == "open"
    form = ErasureRequestFilterForm(request.GET)
    now = timezone.now()
    rows = with_deadline_state(
        request_selectors.erasure_request_list(open_only=open_only).select_related("tenant"), at=now
    )
    rows = list_filters.requests_filtered(rows, at=now, **form.filters())
    return _list(request, "erasure_requests.html", rows, open_only=open_only, filter_form=form)


@officer_required
def holds(request):
    active_only = request.GET.get("state") == "active"
    form = HoldFilterForm(request.GET)
    now = timezone.now()
    rows = hold_selectors.holds_active(now=now) if active_only else hold_selectors.legal_hold_list()
    rows = list_filters.holds_filtered(rows, at=now, **form.filters())
    return _list(request, "holds.html", rows, active_only=active_only, filter_form=form)


@officer_required
def certificates(request):
    return _list(request, "certificates.html", certificate_selectors.certificate_list())


@officer_required
def webhook_deliveries(request):
    every = request.GET.get("state") == "all"
    tenant = request.GET.get("tenant", "")
    rows = webhook_selectors.webhook_deliveries(failing_only=not every, tenant_slug=tenant)
    return _list(request, "webhook_deliveries.html", rows, every=every, tenant=tenant)
