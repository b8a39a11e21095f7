"""Officer pages of retention rules: the list (paged) with a form to add one, and deactivation."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from compliance.officer.forms import RetentionRuleForm
from compliance.officer.views import officer_required
from compliance.selectors import holds as hold_selectors
from compliance.services import retention
from core.audit import Actor
from core.errors import DomainError
from policy.models import RetentionRule

PAGE_SIZE = 50


@officer_required
def retention_rules(request):
    form = RetentionRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.retention_rule_create(**form.cleaned_data, actor=Actor.user(request.user))
        except DomainError as error:
            form.add_error(None, f"{error.message} ({error.code})")
        else:
            messages.success(request, "Retention rule added: the gate and the hourly sweep apply it from now.")
            return redirect("officer:retention-rules")
    page = Paginator(hold_selectors.retention_rule_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "officer/retention_rules.html", {"form": form, "page": page})


@officer_required
@require_POST
def retention_rule_deactivate(request, rule_id):
    rule = get_object_or_404(RetentionRule, pk=rule_id)
    retention.retention_rule_deactivate(rule=rule, actor=Actor.user(request.user))
    messages.success(request, "Retention rule deactivated.")
    return redirect("officer:retention-rules")
