"""Rules in the admin: retention rules are editable (each save audited); orders and holds are view-only."""

from django.contrib import admin
from django.urls import reverse

from core.admin import OfficerModelAdmin
from policy.models import LegalHold, RegulatorOrder, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(OfficerModelAdmin):
    editable = True
    list_display = (
        "id",
        "jurisdiction",
        "tenant",
        "purpose",
        "anchor",
        "max_age_months",
        "max_age_days",
        "active",
        "citation",
    )
    list_filter = ("active", "anchor", "purpose")
    raw_id_fields = ("tenant",)


@admin.register(RegulatorOrder)
class RegulatorOrderAdmin(OfficerModelAdmin):
    list_display = ("reference", "regulator", "action", "status", "deadline", "subjects_erased", "subjects_total")
    list_filter = ("status", "action")
    search_fields = ("reference", "regulator")

    def view_on_site(self, obj: RegulatorOrder) -> str:
        return reverse("officer:order", args=[obj.pk])


@admin.register(LegalHold)
class LegalHoldAdmin(OfficerModelAdmin):
    list_display = ("reason", "created_by", "created_at", "expires_at", "released_at")
