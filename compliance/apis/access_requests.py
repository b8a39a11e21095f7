"""Officer API of access requests: list, record one received by another channel, detail, confirm, extend."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from compliance.apis.base import (
    SUBJECT_REQUEST_FIELDS,
    OfficerApi,
    SubjectRequestInputSerializer,
    SubjectRequestOutputSerializer,
)
from compliance.apis.clocks import ErasureRequestExtendApi, ReasonSerializer
from compliance.models import AccessRequest
from compliance.selectors import requests as request_selectors
from compliance.selectors.deadlines import with_deadline_state
from compliance.services import access_requests
from consent.client_api import request_actor
from core.api import page_of, paginated


class AccessRequestOutputSerializer(SubjectRequestOutputSerializer):
    class Meta:
        model = AccessRequest
        fields = [
            *SUBJECT_REQUEST_FIELDS,
            "received_at",
            "due_at",
            "overdue",
            "deadline_state",
            "verified_at",
            "completed_at",
            "subjects",
            "paused_at",
            "extended_at",
            "extension_reason",
            "clock",
        ]


def _get(request_id) -> AccessRequest:
    return get_object_or_404(AccessRequest.objects.select_related("tenant", "jurisdiction"), pk=request_id)


class AccessRequestListCreateApi(OfficerApi):
    @extend_schema_serializer(component_name="AccessRequestCreateInput")
    class InputSerializer(SubjectRequestInputSerializer):
        pass

    @extend_schema(responses=page_of(AccessRequestOutputSerializer, "AccessRequestPage"))
    def get(self, request):
        requests = with_deadline_state(request_selectors.access_request_list(), at=timezone.now())
        return paginated(request, self, requests, AccessRequestOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: AccessRequestOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        access_request = access_requests.access_request_create(
            **data.validated_data, source="api", actor=request_actor(request)
        )
        return Response(AccessRequestOutputSerializer(access_request).data, status=status.HTTP_201_CREATED)


class AccessRequestDetailApi(OfficerApi):
    @extend_schema(responses=AccessRequestOutputSerializer)
    def get(self, request, request_id):
        return Response(AccessRequestOutputSerializer(_get(request_id)).data)


class AccessRequestConfirmApi(OfficerApi):
    """An officer has checked the requester's identity by other means."""

    @extend_schema(request=None, responses=AccessRequestOutputSerializer)
    def post(self, request, request_id):
        access_request = access_requests.access_request_officer_confirm(
            access_request=_get(request_id), actor=request_actor(request)
        )
        return Response(AccessRequestOutputSerializer(access_request).data)


@extend_schema_view(post=extend_schema(request=ReasonSerializer, responses=AccessRequestOutputSerializer))
class AccessRequestExtendApi(ErasureRequestExtendApi):
    """The same extension, under the same law, as for an erasure request; the requester is told the reason."""

    model = AccessRequest
    output_serializer = AccessRequestOutputSerializer
