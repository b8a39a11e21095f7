"""Officer API: retention rules."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from compliance.apis.base import OfficerApi
from compliance.services import retention
from consent.client_api import request_actor
from consent.models import MAX_RETENTION_DAYS, MAX_RETENTION_MONTHS, Purpose, Tenant
from core.api import page_of, paginated
from policy.models import RetentionAnchor, RetentionRule


# --- Retention rules ------------------------------------------------------------------------------------
class RetentionRuleOutputSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction_id", allow_null=True)
    tenant: serializers.SlugRelatedField[Tenant] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = RetentionRule
        fields = [
            "id",
            "jurisdiction",
            "tenant",
            "purpose",
            "anchor",
            "max_age_months",
            "max_age_days",
            "citation",
            "active",
            "created_at",
        ]


class RetentionRuleListCreateApi(OfficerApi):
    @extend_schema_serializer(component_name="RetentionRuleCreateInput")
    class InputSerializer(serializers.Serializer):
        jurisdiction = serializers.CharField(max_length=8, required=False, allow_null=True, default=None)
        tenant = serializers.SlugField(max_length=64, required=False, allow_null=True, default=None)
        purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, allow_blank=True, default="")
        anchor = serializers.ChoiceField(choices=RetentionAnchor.choices)
        # A calendar interval: months (a year is 12), then days.
        max_age_months = serializers.IntegerField(min_value=0, max_value=MAX_RETENTION_MONTHS, default=0)
        max_age_days = serializers.IntegerField(min_value=0, max_value=MAX_RETENTION_DAYS, default=0)
        citation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(responses=page_of(RetentionRuleOutputSerializer, "RetentionRulePage"))
    def get(self, request):
        rules = RetentionRule.objects.select_related("tenant").order_by("id")
        return paginated(request, self, rules, RetentionRuleOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: RetentionRuleOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = retention.retention_rule_create(**data.validated_data, actor=request_actor(request))
        return Response(RetentionRuleOutputSerializer(rule).data, status=status.HTTP_201_CREATED)
