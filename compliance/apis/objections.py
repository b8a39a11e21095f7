"""Client API: a tenant objects to a selfie erasure request that named one of its subjects."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from compliance.models import ErasureRequest
from compliance.services import objections
from consent.client_api import ClientApi, request_actor


class ErasureRequestObjectionApi(ClientApi):
    @extend_schema_serializer(component_name="ErasureRequestObjectionInput")
    class InputSerializer(serializers.Serializer):
        subject = serializers.UUIDField()
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "ErasureRequestObjection",
                {"erasure_request": serializers.UUIDField(), "objection_until": serializers.DateTimeField()},
            )
        },
    )
    def post(self, request, request_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        erasure_request = objections.erasure_request_object(
            erasure_request=get_object_or_404(ErasureRequest, pk=request_id),
            tenant=request.auth.tenant,
            subject_id=data.validated_data["subject"],
            reason=data.validated_data["reason"],
            actor=request_actor(request),
            allowed_purposes=request.auth.purposes,
        )
        body = {"erasure_request": str(erasure_request.pk), "objection_until": erasure_request.objection_until}
        return Response(body, status=status.HTTP_201_CREATED)
