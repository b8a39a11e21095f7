"""Django admin for raw records. Officers read everything here; writes belong to the services (one audited
transaction each), so only the seed tables officers are meant to edit (jurisdictions, retention rules) are
editable, and each such save appends an audit event. Nothing is ever deleted from the admin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from core.audit import Actor, audit_append
from core.models import AuditEvent
from core.officers import is_officer

if TYPE_CHECKING:  # generic in django-stubs only; Django's own ModelAdmin takes no type argument
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin


class OfficerModelAdmin(ModelAdmin):
    editable = False  # True: officers may add and change rows; every save is audited

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_officer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_officer(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.editable and is_officer(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.editable and is_officer(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool) -> None:
        # The admin's change view runs in one transaction, so the row and its audit event commit together.
        super().save_model(request, obj, form, change)
        audit_append(
            actor=Actor.user(request.user),
            action="admin.change" if change else "admin.add",
            obj=obj,
            details={"fields": sorted(form.changed_data)},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(OfficerModelAdmin):
    list_display = ("seq", "at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor")
    show_full_result_count = False
