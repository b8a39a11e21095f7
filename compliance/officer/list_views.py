"""Officer pages that list records, each paged (PAGE_SIZE rows, ?page=N) with a filter where one helps: orders,
erasure requests, legal holds, deletion certificates, webhook deliveries."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from compliance.officer.views import officer_required
from compliance.selectors import certificates as certificate_selectors
from compliance.selectors import holds as hold_selectors
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
    return _list(request, "orders.html", order_selectors.order_list(open_only=open_only), open_only=open_only)


@officer_required
def erasure_requests(request):
    open_only = request.GET.get("state") == "open"
    rows = with_deadline_state(
        request_selectors.erasure_request_list(open_only=open_only).select_related("tenant"), at=timezone.now()
    )
    return _list(request, "erasure_requests.html", rows, open_only=open_only)


@officer_required
def holds(request):
    active_only = request.GET.get("state") == "active"
    rows = hold_selectors.holds_active(now=timezone.now()) if active_only else hold_selectors.legal_hold_list()
    return _list(request, "holds.html", rows, active_only=active_only)


@officer_required
def certificates(request):
    return _list(request, "certificates.html", certificate_selectors.certificate_list())


@officer_required
def webhook_deliveries(request):
    every = request.GET.get("state") == "all"
    tenant = request.GET.get("tenant", "")
    rows = webhook_selectors.webhook_deliveries(failing_only=not every, tenant_slug=tenant)
    return _list(request, "webhook_deliveries.html", rows, every=every, tenant=tenant)
