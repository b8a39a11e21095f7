"""Raw consent records for officers, view-only: tenants, keys, subjects and consents change through services."""

from django.contrib import admin

from consent.models import ApiKey, Consent, Jurisdiction, Notice, Subject, Tenant
from core.admin import OfficerModelAdmin


@admin.register(Tenant)
class TenantAdmin(OfficerModelAdmin):
    list_display = ("slug", "name", "contact", "email", "created_at")
    search_fields = ("slug", "name")


@admin.register(ApiKey)
class ApiKeyAdmin(OfficerModelAdmin):
    exclude = ("key_hash",)
    list_display = ("prefix", "tenant", "name", "purposes", "created_at", "revoked_at")
    list_select_related = ("tenant",)


@admin.register(Subject)
class SubjectAdmin(OfficerModelAdmin):
    list_display = ("id", "tenant", "external_ref", "jurisdiction", "created_at", "erased_at")
    list_filter = ("jurisdiction", ("erased_at", admin.EmptyFieldListFilter))
    list_select_related = ("tenant",)
    search_fields = ("=id", "external_ref")
    show_full_result_count = False


@admin.register(Notice)
class NoticeAdmin(OfficerModelAdmin):
    list_display = ("tenant", "purpose", "version", "sha256", "retention_days", "published_at")
    list_select_related = ("tenant",)


@admin.register(Consent)
class ConsentAdmin(OfficerModelAdmin):
    list_display = ("id", "subject", "purpose", "method", "granted_at", "expires_at", "withdrawn_at")
    list_filter = ("purpose", "method")
    raw_id_fields = ("subject", "notice")
    search_fields = ("=subject__id",)
    show_full_result_count = False


@admin.register(Jurisdiction)
class JurisdictionAdmin(OfficerModelAdmin):
    editable = True
    list_display = (
        "code",
        "name",
        "law",
        "written_release_required",
        "erasure_deadline_months",
        "erasure_deadline_days",
    )
    search_fields = ("code", "name", "law")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()
