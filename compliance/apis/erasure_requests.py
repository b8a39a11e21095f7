"""Officer API: erasure requests; client API: DELETE /subjects/{id}, which is one."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from compliance.apis.base import (
    SUBJECT_REQUEST_FIELDS,
    OfficerApi,
    SubjectRequestInputSerializer,
    SubjectRequestOutputSerializer,
)
from compliance.models import ErasureRequest
from compliance.selectors import requests as request_selectors
from compliance.selectors.deadlines import with_deadline_state
from compliance.services import erasure_requests
from consent import apis as consent_apis
from consent import selectors as consent_selectors
from consent.client_api import request_actor
from core.api import page_of, paginated
from core.parsers import JSONParser, MultiPartParser
from matching.images import upload_bytes


# --- Erasure requests -----------------------------------------------------------------------------------
class ErasureRequestOutputSerializer(SubjectRequestOutputSerializer):
    certificate = serializers.UUIDField(source="certificate_id", allow_null=True)
    subject = serializers.UUIDField(source="subject_id", allow_null=True)

    class Meta:
        model = ErasureRequest
        fields = [
            *SUBJECT_REQUEST_FIELDS,
            "subject",
            "lookup_status",
            "candidates",
            "candidate_scores",
            "received_at",
            "due_at",
            "verified_at",
            "completed_at",
            "subjects_erased",
            "held_subjects",
            "certificate",
            "overdue",
            "deadline_state",
            "paused_at",
            "extended_at",
            "extension_reason",
            "refusal_basis",
            "refused_subjects",
            "clock",
        ]


class ErasureRequestListCreateApi(OfficerApi):
    parser_classes = [JSONParser, MultiPartParser]  # JSON, or multipart with a selfie

    @extend_schema_serializer(component_name="ErasureRequestCreateInput")
    class InputSerializer(SubjectRequestInputSerializer):
        selfie = serializers.FileField(required=False, allow_null=True, default=None)

    @extend_schema(responses=page_of(ErasureRequestOutputSerializer, "ErasureRequestPage"))
    def get(self, request):
        requests = with_deadline_state(
            request_selectors.erasure_request_list().select_related("tenant"), at=timezone.now()
        )
        return paginated(request, self, requests, ErasureRequestOutputSerializer)

    @extend_schema(
        # Documented as multipart only: generated clients mishandle one operation with two body types. A JSON body
        # (the same fields without a selfie) is taken too.
        request={"multipart/form-data": InputSerializer},
        responses={201: ErasureRequestOutputSerializer},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        selfie = values.pop("selfie")
        erasure_request = erasure_requests.erasure_request_create(
            **values,
            selfie=upload_bytes(selfie) if selfie is not None else None,
            source="api",
            actor=request_actor(request),
        )
        return Response(ErasureRequestOutputSerializer(erasure_request).data, status=status.HTTP_201_CREATED)


class ErasureRequestDetailApi(OfficerApi):
    @extend_schema(responses=ErasureRequestOutputSerializer)
    def get(self, request, request_id):
        erasure_request = get_object_or_404(ErasureRequest.objects.select_related("tenant"), pk=request_id)
        return Response(ErasureRequestOutputSerializer(erasure_request).data)


class ErasureRequestConfirmApi(OfficerApi):
    """An officer confirms the candidates (when ERASURE_REQUIRES_OFFICER_CONFIRMATION is on)."""

    @extend_schema(request=None, responses=ErasureRequestOutputSerializer)
    def post(self, request, request_id):
        erasure_request = erasure_requests.erasure_request_officer_confirm(
            erasure_request=get_object_or_404(ErasureRequest, pk=request_id), actor=request_actor(request)
        )
        return Response(ErasureRequestOutputSerializer(erasure_request).data)


# --- Client erasure ---------------------------------------------------------------------------------------
class SubjectDetailApi(consent_apis.SubjectDetailApi):
    """GET is the consent ledger's; DELETE asks for erasure, which compliance runs and certifies."""

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer(
                "ErasureAccepted", {"erasure_request": serializers.UUIDField(), "status": serializers.CharField()}
            )
        },
    )
    def delete(self, request, subject_id):
        subject = consent_selectors.subject_get(tenant=request.auth.tenant, subject_id=subject_id)
        erasure = erasure_requests.subject_erasure_request_create(
            subject=subject, actor=request_actor(request), allowed_purposes=request.auth.purposes
        )
        return Response({"erasure_request": str(erasure.id), "status": erasure.status}, status=status.HTTP_202_ACCEPTED)
