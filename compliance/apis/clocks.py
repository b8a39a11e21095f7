"""Officer API of a request's statutory clock and of refusals: extend, pause, resume, refuse."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from compliance.apis.base import OfficerApi
from compliance.apis.erasure_requests import ErasureRequestOutputSerializer
from compliance.models import ErasureRequest
from compliance.services import clocks, refusals
from compliance.services.clocks import SubjectRequest
from consent.client_api import request_actor


@extend_schema_serializer(component_name="ClockActionInput")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReasonedClockActionApi(OfficerApi):
    """A clock action an officer must give a reason for (told to the requester, kept in the clock's history)."""

    # An erasure request's by default; the access request's extension names its own model and output.
    model: type[SubjectRequest] = ErasureRequest
    output_serializer: type[serializers.ModelSerializer[Any]] = ErasureRequestOutputSerializer

    @extend_schema(request=ReasonSerializer, responses=ErasureRequestOutputSerializer)
    def post(self, request, request_id):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subject_request = self.clock_service(
            get_object_or_404(self.model, pk=request_id),
            reason=data.validated_data["reason"],
            actor=request_actor(request),
        )
        return Response(self.output_serializer(subject_request).data)

    def clock_service(self, subject_request, *, reason, actor):  # "action" is DRF's word for a viewset method
        raise NotImplementedError


class ErasureRequestExtendApi(ReasonedClockActionApi):
    def clock_service(self, subject_request, *, reason, actor):
        return clocks.request_extend(subject_request=subject_request, reason=reason, actor=actor)


class ErasureRequestPauseApi(ReasonedClockActionApi):
    def clock_service(self, subject_request, *, reason, actor):
        return clocks.erasure_request_pause(erasure_request=subject_request, reason=reason, actor=actor)


class ErasureRequestResumeApi(OfficerApi):
    @extend_schema(request=None, responses=ErasureRequestOutputSerializer)
    def post(self, request, request_id):
        erasure_request = clocks.erasure_request_resume(
            erasure_request=get_object_or_404(ErasureRequest, pk=request_id), actor=request_actor(request)
        )
        return Response(ErasureRequestOutputSerializer(erasure_request).data)


class ErasureRequestRefuseApi(OfficerApi):
    @extend_schema_serializer(component_name="ErasureRequestRefuseInput")
    class InputSerializer(serializers.Serializer):
        basis = serializers.CharField(max_length=2000)
        subjects = serializers.ListField(child=serializers.UUIDField(), required=False, default=list, max_length=1000)

    @extend_schema(request=InputSerializer, responses=ErasureRequestOutputSerializer)
    def post(self, request, request_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        erasure_request = refusals.erasure_request_refuse(
            erasure_request=get_object_or_404(ErasureRequest, pk=request_id),
            **data.validated_data,
            actor=request_actor(request),
        )
        return Response(ErasureRequestOutputSerializer(erasure_request).data)
