"""Compliance records in the admin, view-only: erasure and access requests, and deletion certificates."""

from django.contrib import admin
from django.urls import reverse

from compliance.models import AccessRequest, DeletionCertificate, ErasureRequest
from core.admin import OfficerModelAdmin


@admin.register(ErasureRequest)
class ErasureRequestAdmin(OfficerModelAdmin):
    list_display = ("id", "jurisdiction", "source", "status", "received_at", "due_at", "subjects_erased")
    list_filter = ("status", "source", "jurisdiction")
    raw_id_fields = ("tenant", "subject", "certificate")


@admin.register(AccessRequest)
class AccessRequestAdmin(OfficerModelAdmin):
    list_display = ("id", "jurisdiction", "source", "status", "received_at", "due_at", "completed_at")
    list_filter = ("status", "source", "jurisdiction")
    raw_id_fields = ("tenant",)

    def view_on_site(self, obj):
        return reverse("officer:access-request", args=[obj.pk])


@admin.register(DeletionCertificate)
class DeletionCertificateAdmin(OfficerModelAdmin):
    list_display = ("id", "cause", "cause_id", "started_at", "finished_at", "vacuumed_at", "subject_count")
    list_filter = ("cause",)

    @admin.display(description="subjects")
    def subject_count(self, obj):
        return len(obj.subjects)

    def view_on_site(self, obj):
        return reverse("officer:certificate", args=[obj.pk])
