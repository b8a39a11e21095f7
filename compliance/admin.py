"""Django admin for raw records. Officers read everything here; writes belong to the services (one audited
transaction each), so only the seed tables officers are meant to edit (jurisdictions, retention rules) are
editable, and each such save appends an audit event. Nothing is ever deleted from the admin."""
from django.contrib import admin
from django.urls import reverse

from compliance.audit import Actor, audit_append
from compliance.models import (
    AuditEvent,
    DeletionCertificate,
    ErasureRequest,
    Jurisdiction,
    LegalHold,
    RegulatorOrder,
    RetentionRule,
)
from compliance.officers import is_officer


class OfficerModelAdmin(admin.ModelAdmin):
    editable = False  # True: officers may add and change rows; every save is audited

    def has_module_permission(self, request):
        return is_officer(request.user)

    def has_view_permission(self, request, obj=None):
        return is_officer(request.user)

    def has_add_permission(self, request):
        return self.editable and is_officer(request.user)

    def has_change_permission(self, request, obj=None):
        return self.editable and is_officer(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The admin's change view runs in one transaction, so the row and its audit event commit together.
        super().save_model(request, obj, form, change)
        audit_append(actor=Actor.user(request.user), action="admin.change" if change else "admin.add", obj=obj,
                     details={"fields": sorted(form.changed_data)})


@admin.register(Jurisdiction)
class JurisdictionAdmin(OfficerModelAdmin):
    editable = True
    list_display = ("code", "name", "law", "written_release_required", "erasure_deadline_months",
                    "erasure_deadline_days")
    search_fields = ("code", "name", "law")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()


@admin.register(RetentionRule)
class RetentionRuleAdmin(OfficerModelAdmin):
    editable = True
    list_display = ("id", "jurisdiction", "tenant", "purpose", "anchor", "max_age_days", "active", "citation")
    list_filter = ("active", "anchor", "purpose")
    raw_id_fields = ("tenant",)


@admin.register(RegulatorOrder)
class RegulatorOrderAdmin(OfficerModelAdmin):
    list_display = ("reference", "regulator", "action", "status", "deadline", "subjects_erased", "subjects_total")
    list_filter = ("status", "action")
    search_fields = ("reference", "regulator")

    def view_on_site(self, obj):
        return reverse("officer:order", args=[obj.pk])


@admin.register(ErasureRequest)
class ErasureRequestAdmin(OfficerModelAdmin):
    list_display = ("id", "jurisdiction", "source", "status", "received_at", "due_at", "subjects_erased")
    list_filter = ("status", "source", "jurisdiction")
    raw_id_fields = ("tenant", "subject", "lookup_job", "certificate")


@admin.register(LegalHold)
class LegalHoldAdmin(OfficerModelAdmin):
    list_display = ("reason", "created_by", "created_at", "expires_at", "released_at")


@admin.register(AuditEvent)
class AuditEventAdmin(OfficerModelAdmin):
    list_display = ("seq", "at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor")
    show_full_result_count = False


@admin.register(DeletionCertificate)
class DeletionCertificateAdmin(OfficerModelAdmin):
    list_display = ("id", "cause", "cause_id", "started_at", "finished_at", "vacuumed_at", "subject_count")
    list_filter = ("cause",)

    @admin.display(description="subjects")
    def subject_count(self, obj):
        return len(obj.subjects)

    def view_on_site(self, obj):
        return reverse("officer:certificate", args=[obj.pk])
