"""Matching records for officers, view-only. Embeddings, enrolment images and probes are never loaded or shown."""

from django.contrib import admin

from core.admin import OfficerModelAdmin
from matching.models import Enrollment, FaceTemplate, MatchJob


@admin.register(FaceTemplate)
class FaceTemplateAdmin(OfficerModelAdmin):
    exclude = ("embedding",)
    list_display = ("id", "tenant", "subject", "model_name", "detector", "quality", "created_at", "last_matched_at")
    list_filter = ("model_name",)
    raw_id_fields = ("subject", "enrollment")
    search_fields = ("=subject__id",)
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("embedding")


@admin.register(Enrollment)
class EnrollmentAdmin(OfficerModelAdmin):
    exclude = ("image",)
    list_display = ("id", "tenant", "subject", "status", "error_code", "created_at", "finished_at")
    list_filter = ("status",)
    raw_id_fields = ("subject", "api_key")
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("image")


@admin.register(MatchJob)
class MatchJobAdmin(OfficerModelAdmin):
    exclude = ("probe",)
    list_display = ("id", "tenant", "purpose", "status", "faces_detected", "error_code", "created_at", "finished_at")
    list_filter = ("status", "purpose")
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("probe")
