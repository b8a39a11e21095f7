"""Officer API: regulator orders (record, read, exceptions for held subjects, lift, evidence pack)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from compliance.apis.base import OfficerApi, ScopeOutputSerializer, ScopeSerializer
from compliance.apis.previews import DRY_RUN, ActionPreviewSerializer, dry_run
from compliance.selectors import certificates as certificate_selectors
from compliance.selectors import orders as order_selectors
from compliance.selectors import previews as preview_selectors
from compliance.services import evidence, orders
from consent.client_api import request_actor
from core.api import JsonErrors, page_of, paginated
from policy.models import OrderAction, RegulatorOrder


# --- Orders ---------------------------------------------------------------------------------------------
class OrderOutputSerializer(serializers.ModelSerializer):
    scope = ScopeOutputSerializer(source="*")
    certificate = serializers.SerializerMethodField()
    certificates = serializers.SerializerMethodField()

    class Meta:
        model = RegulatorOrder
        fields = [
            "id",
            "regulator",
            "reference",
            "action",
            "status",
            "scope",
            "received_at",
            "issued_at",
            "deadline",
            "created_at",
            "completed_at",
            "lifted_at",
            "subjects_total",
            "subjects_erased",
            "held_subjects",
            "exceptions",
            "certificate",
            "certificates",
        ]

    def get_certificate(self, order) -> str | None:
        """The latest erasure pass's certificate."""
        latest = certificate_selectors.order_certificates(order=order).values_list("pk", flat=True).last()
        return str(latest) if latest else None

    def get_certificates(self, order) -> list[str]:
        return [str(c) for c in certificate_selectors.order_certificates(order=order).values_list("pk", flat=True)]


class OrderListCreateApi(OfficerApi):
    @extend_schema_serializer(component_name="OrderCreateInput")
    class InputSerializer(serializers.Serializer):
        regulator = serializers.CharField(max_length=200)
        reference = serializers.CharField(max_length=200)
        action = serializers.ChoiceField(choices=OrderAction.choices)
        scope = ScopeSerializer()
        received_at = serializers.DateTimeField()
        issued_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses=page_of(OrderOutputSerializer, "OrderPage"))
    def get(self, request):
        return paginated(request, self, order_selectors.order_list(), OrderOutputSerializer)

    @extend_schema(
        parameters=[DRY_RUN],
        request=InputSerializer,
        responses={201: OrderOutputSerializer, 200: ActionPreviewSerializer},
        description="Records the order (in force at once). With dry_run=true: what it would reach (subjects, "
        "templates, tenants, legal holds in conflict, deadline), refused as the order would be, nothing recorded.",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if dry_run(request):
            fields = data.validated_data
            preview = preview_selectors.order_preview(
                regulator=fields["regulator"],
                reference=fields["reference"],
                action=fields["action"],
                scope=fields["scope"],
                received_at=fields["received_at"],
                deadline=fields["deadline"],
            )
            return Response(ActionPreviewSerializer(preview).data)
        order = orders.order_create(**data.validated_data, actor=request_actor(request))
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderDetailApi(OfficerApi):
    @extend_schema(responses=OrderOutputSerializer)
    def get(self, request, order_id):
        order = get_object_or_404(RegulatorOrder, pk=order_id)
        return Response(OrderOutputSerializer(order).data)


class OrderExceptionCreateApi(OfficerApi):
    @extend_schema_serializer(component_name="OrderExceptionInput")
    class InputSerializer(serializers.Serializer):
        subject = serializers.UUIDField()
        reason = serializers.CharField(max_length=2000)

    @extend_schema(request=InputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request, order_id):
        order = get_object_or_404(RegulatorOrder, pk=order_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = orders.order_exception_add(
            order=order,
            subject_id=data.validated_data["subject"],
            reason=data.validated_data["reason"],
            actor=request_actor(request),
        )
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderLiftApi(OfficerApi):
    @extend_schema(request=None, responses=OrderOutputSerializer)
    def post(self, request, order_id):
        order = orders.order_lift(order=get_object_or_404(RegulatorOrder, pk=order_id), actor=request_actor(request))
        return Response(OrderOutputSerializer(order).data)


class ZipRenderer(BaseRenderer):
    media_type = "application/zip"
    format = "zip"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class OrderEvidenceApi(JsonErrors, OfficerApi):
    renderer_classes = [ZipRenderer, JSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("format", exclude=True)],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
        description="The order's evidence pack (ZIP), checked offline by tools/verify_evidence.py.",
    )
    def get(self, request, order_id):
        order = get_object_or_404(RegulatorOrder, pk=order_id)
        pack = evidence.evidence_pack_build(order=order, actor=request_actor(request))
        response = HttpResponse(pack, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="evidence-{order.pk}.zip"'
        return response
