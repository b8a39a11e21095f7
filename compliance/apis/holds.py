"""Officer API: legal holds."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from compliance.apis.base import OfficerApi, ScopeOutputSerializer, ScopeSerializer
from compliance.apis.previews import DRY_RUN, ActionPreviewSerializer, dry_run
from compliance.selectors import holds as hold_selectors
from compliance.selectors import previews as preview_selectors
from compliance.services import holds
from consent.client_api import request_actor
from core.api import page_of, paginated
from policy.models import LegalHold


# --- Legal holds ----------------------------------------------------------------------------------------
class LegalHoldOutputSerializer(serializers.ModelSerializer):
    scope = ScopeOutputSerializer(source="*")

    class Meta:
        model = LegalHold
        fields = ["id", "reason", "scope", "created_at", "created_by", "expires_at", "released_at"]


class LegalHoldListCreateApi(OfficerApi):
    @extend_schema_serializer(component_name="LegalHoldCreateInput")
    class InputSerializer(serializers.Serializer):
        scope = ScopeSerializer()
        reason = serializers.CharField(max_length=2000)
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses=page_of(LegalHoldOutputSerializer, "LegalHoldPage"))
    def get(self, request):
        return paginated(request, self, hold_selectors.legal_hold_list(), LegalHoldOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: LegalHoldOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = holds.legal_hold_create(**data.validated_data, actor=request_actor(request))
        return Response(LegalHoldOutputSerializer(hold).data, status=status.HTTP_201_CREATED)


class LegalHoldReleaseApi(OfficerApi):
    @extend_schema(
        parameters=[DRY_RUN],
        request=None,
        responses={
            200: PolymorphicProxySerializer(
                "LegalHoldReleaseResult", [LegalHoldOutputSerializer, ActionPreviewSerializer], None
            )
        },
        description="Releases the hold: what it blocked resumes. With dry_run=true: the preview (the blocked orders "
        "and requests it resumes, the subjects they then erase), nothing released.",
    )
    def post(self, request, hold_id):
        hold = get_object_or_404(LegalHold, pk=hold_id)
        if dry_run(request):
            return Response(ActionPreviewSerializer(preview_selectors.hold_release_preview(hold=hold)).data)
        hold = holds.legal_hold_release(hold=hold, actor=request_actor(request))
        return Response(LegalHoldOutputSerializer(hold).data)
