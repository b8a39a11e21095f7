"""The dry run of an officer action (`?dry_run=true`): the preview the officer console shows before its Confirm
(compliance.preview_selectors), as JSON. Nothing is created or changed."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

DRY_RUN = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    description="true: answer 200 with what the action would do (ActionPreview) and do nothing.",
)


class _DryRunQuery(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False)


def dry_run(request) -> bool:
    query = _DryRunQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data["dry_run"]


class _TenantReach(serializers.Serializer):
    tenant = serializers.CharField()
    subjects = serializers.IntegerField()


class _SubjectShown(serializers.Serializer):
    id = serializers.UUIDField()
    tenant = serializers.CharField()
    external_ref = serializers.CharField()
    jurisdiction = serializers.CharField()


class _Reach(serializers.Serializer):
    subjects = serializers.IntegerField(help_text="Live subjects the action reaches")
    templates = serializers.IntegerField(help_text="Their face templates")
    tenants = _TenantReach(many=True)
    shown = _SubjectShown(many=True, help_text="The first subjects reached")
    not_shown = serializers.IntegerField()


class _Hold(serializers.Serializer):
    id = serializers.UUIDField()
    reason = serializers.CharField()
    created_by = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class _Deadline(serializers.Serializer):
    what = serializers.CharField()
    due_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=["overdue", "due_soon", "on_time"])


class _Resumed(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["order", "erasure_request"])
    id = serializers.UUIDField()
    label = serializers.CharField()
    subjects_freed = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)


class _Scope(serializers.Serializer):
    jurisdictions = serializers.ListField(child=serializers.CharField())
    tenants = serializers.ListField(child=serializers.CharField())
    subjects = serializers.ListField(child=serializers.UUIDField())


class ActionPreviewSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="e.g. order.erase, legal_hold.release")
    summary = serializers.CharField(help_text="What confirming does, in one or two sentences")
    scope = _Scope(allow_null=True, help_text="The union of what it names (orders and holds)")
    reach = _Reach()
    held_subjects = serializers.IntegerField(help_text="Subjects reached that a legal hold in force keeps")
    holds = _Hold(many=True, help_text="The legal holds in force that conflict with the erasure")
    deadlines = _Deadline(many=True)
    resumes = _Resumed(many=True, help_text="A hold release: the blocked work it resumes")
    notes = serializers.ListField(child=serializers.CharField())
