"""The dry run of an officer action (`?dry_run=true`): the preview the officer console shows before its Confirm
(compliance.selectors.previews), as JSON. Nothing is created or changed."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from policy.models import ScopeMatch

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


class PreviewTenantSerializer(serializers.Serializer):
    tenant = serializers.CharField()
    subjects = serializers.IntegerField()


class PreviewSubjectSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tenant = serializers.CharField()
    external_ref = serializers.CharField()
    jurisdiction = serializers.CharField()


class PreviewReachSerializer(serializers.Serializer):
    subjects = serializers.IntegerField(help_text="Live subjects the action reaches")
    templates = serializers.IntegerField(help_text="Their face templates")
    tenants = PreviewTenantSerializer(many=True)
    shown = PreviewSubjectSerializer(many=True, help_text="The first subjects reached")
    not_shown = serializers.IntegerField()


class PreviewHoldSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reason = serializers.CharField()
    created_by = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class PreviewDeadlineSerializer(serializers.Serializer):
    what = serializers.CharField()
    due_at = serializers.DateTimeField()
    state = serializers.CharField(help_text="overdue, due_soon (within 7 days) or on_time")


class PreviewResumedSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="order or erasure_request")
    id = serializers.UUIDField()
    # A field named like Field.label: DRF's metaclass takes declared fields off the class, so nothing clashes.
    label = serializers.CharField()  # type: ignore[assignment]
    subjects_freed = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)


class PreviewScopeSerializer(serializers.Serializer):
    match = serializers.ChoiceField(choices=ScopeMatch.choices)
    jurisdictions = serializers.ListField(child=serializers.CharField())
    tenants = serializers.ListField(child=serializers.CharField())
    subjects = serializers.ListField(child=serializers.UUIDField())


class ActionPreviewSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="e.g. order.erase, legal_hold.release")
    summary = serializers.CharField(help_text="What confirming does, in one or two sentences")
    scope = PreviewScopeSerializer(allow_null=True, help_text="Whom it names (orders and holds): see Scope")
    reach = PreviewReachSerializer(help_text="The subjects the action reaches (a refusal: those it keeps)")
    held_subjects = serializers.IntegerField(help_text="Subjects reached that a legal hold in force keeps")
    holds = PreviewHoldSerializer(many=True, help_text="The legal holds in force that conflict with the erasure")
    deadlines = PreviewDeadlineSerializer(many=True)
    resumes = PreviewResumedSerializer(many=True, help_text="A hold release: the blocked work it resumes")
    notes = serializers.ListField(child=serializers.CharField())
