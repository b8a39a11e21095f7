"""Client API of webhooks: POST/GET /api/v1/webhooks, DELETE /api/v1/webhooks/{id}, the secret's rotation
(POST /api/v1/webhooks/{id}/rotate-secret) and the delivery log (GET /api/v1/webhooks/{id}/deliveries, also open
to officers)."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from compliance.models import WebhookEndpoint, WebhookEvent
from compliance.services import webhooks
from consent.client_api import ClientApi, IsClientApp, request_actor
from consent.models import ApiKey
from core.api import page_of, paginated
from core.officers import IsComplianceOfficer


class WebhookOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "created_at"]


class WebhookCreatedSerializer(WebhookOutputSerializer):
    class Meta(WebhookOutputSerializer.Meta):
        fields = [*WebhookOutputSerializer.Meta.fields, "secret"]


class WebhookListCreateApi(ClientApi):
    @extend_schema_serializer(component_name="WebhookCreateInput")
    class InputSerializer(serializers.Serializer):
        url = serializers.URLField(max_length=500)
        events = serializers.ListField(
            child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, max_length=20
        )

    @extend_schema(responses=page_of(WebhookOutputSerializer, "WebhookPage"))
    def get(self, request):
        endpoints = WebhookEndpoint.objects.filter(tenant=request.auth.tenant, deleted_at__isnull=True)
        return paginated(request, self, endpoints.order_by("-created_at"), WebhookOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: WebhookCreatedSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhooks.webhook_endpoint_create(
            tenant=request.auth.tenant, **data.validated_data, actor=request_actor(request)
        )
        return Response(WebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(ClientApi):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, webhook_id):
        endpoint = get_object_or_404(
            WebhookEndpoint, pk=webhook_id, tenant=request.auth.tenant, deleted_at__isnull=True
        )
        webhooks.webhook_endpoint_delete(endpoint=endpoint, actor=request_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotatedSerializer(WebhookCreatedSerializer):
    class Meta(WebhookCreatedSerializer.Meta):
        fields = [*WebhookCreatedSerializer.Meta.fields, "previous_secret_expires_at"]


class WebhookSecretRotateApi(ClientApi):
    @extend_schema_serializer(component_name="WebhookSecretRotateInput")
    class InputSerializer(serializers.Serializer):
        overlap_hours = serializers.IntegerField(
            min_value=0,
            max_value=webhooks.SECRET_OVERLAP_MAX // timedelta(hours=1),
            default=webhooks.SECRET_OVERLAP // timedelta(hours=1),
            help_text="How long the current secret keeps signing beside the new one (0: it stops now).",
        )

    @extend_schema(request=InputSerializer, responses={200: WebhookRotatedSerializer})
    def post(self, request, webhook_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = get_object_or_404(
            WebhookEndpoint, pk=webhook_id, tenant=request.auth.tenant, deleted_at__isnull=True
        )
        endpoint = webhooks.webhook_endpoint_secret_rotate(
            endpoint=endpoint,
            overlap=timedelta(hours=data.validated_data["overlap_hours"]),
            actor=request_actor(request),
        )
        return Response(WebhookRotatedSerializer(endpoint).data)


class WebhookDeliveryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    attempts = serializers.JSONField()


class WebhookDeliveryListApi(ClientApi):
    """The tenant sees its own endpoints' deliveries; an officer sees any."""

    permission_classes = [IsClientApp | IsComplianceOfficer]

    @extend_schema(responses=page_of(WebhookDeliveryOutputSerializer, "WebhookDeliveryPage"))
    def get(self, request, webhook_id):
        endpoints = WebhookEndpoint.objects.all()
        if isinstance(request.auth, ApiKey):
            endpoints = endpoints.filter(tenant=request.auth.tenant)
        endpoint = get_object_or_404(endpoints, pk=webhook_id)
        return paginated(request, self, endpoint.deliveries.order_by("-created_at"), WebhookDeliveryOutputSerializer)
