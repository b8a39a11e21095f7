"""Officer API of the compliance app: orders, legal holds, erasure requests, audit, certificates."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance import selectors
from compliance.models import DeletionCertificate, ErasureRequest
from compliance.services import erasure_requests, holds, orders, retention
from compliance.services.certificates import certificate_payload, certificate_sha256
from compliance.services.scopes import scope_describe
from consent import apis as consent_apis
from consent import selectors as consent_selectors
from consent.client_api import request_actor
from consent.models import MAX_RETENTION_DAYS, Purpose
from core.api import page_of, paginated
from core.officers import IsComplianceOfficer
from core.parsers import FormParser, JSONParser, MultiPartParser
from matching.images import upload_bytes
from policy.models import LegalHold, OrderAction, RegulatorOrder, RetentionAnchor, RetentionRule


class OfficerApi(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsComplianceOfficer]


class ScopeSerializer(serializers.Serializer):
    jurisdictions = serializers.ListField(child=serializers.CharField(max_length=8), required=False, default=list)
    tenants = serializers.ListField(child=serializers.SlugField(max_length=64), required=False, default=list)
    subjects = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)


class ScopeOutputSerializer(serializers.Serializer):
    """The scope as the officer gave it: tenant slugs, not the stored UUIDs."""

    def to_representation(self, instance):
        return scope_describe(instance)


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
        latest = selectors.order_certificates(order=order).values_list("pk", flat=True).last()
        return str(latest) if latest else None

    def get_certificates(self, order) -> list[str]:
        return [str(c) for c in selectors.order_certificates(order=order).values_list("pk", flat=True)]


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
        return paginated(request, self, selectors.order_list(), OrderOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
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
        return paginated(request, self, selectors.legal_hold_list(), LegalHoldOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: LegalHoldOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = holds.legal_hold_create(**data.validated_data, actor=request_actor(request))
        return Response(LegalHoldOutputSerializer(hold).data, status=status.HTTP_201_CREATED)


class LegalHoldReleaseApi(OfficerApi):
    @extend_schema(request=None, responses=LegalHoldOutputSerializer)
    def post(self, request, hold_id):
        hold = holds.legal_hold_release(hold=get_object_or_404(LegalHold, pk=hold_id), actor=request_actor(request))
        return Response(LegalHoldOutputSerializer(hold).data)


class OrderLiftApi(OfficerApi):
    @extend_schema(request=None, responses=OrderOutputSerializer)
    def post(self, request, order_id):
        order = orders.order_lift(order=get_object_or_404(RegulatorOrder, pk=order_id), actor=request_actor(request))
        return Response(OrderOutputSerializer(order).data)


# --- Retention rules ------------------------------------------------------------------------------------
class RetentionRuleOutputSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction_id", allow_null=True)
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = RetentionRule
        fields = [
            "id",
            "jurisdiction",
            "tenant",
            "purpose",
            "anchor",
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
        max_age_days = serializers.IntegerField(min_value=0, max_value=MAX_RETENTION_DAYS)
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


# --- Erasure requests -----------------------------------------------------------------------------------
class ErasureRequestOutputSerializer(serializers.ModelSerializer):
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    jurisdiction = serializers.CharField(source="jurisdiction_id")
    certificate = serializers.UUIDField(source="certificate_id", allow_null=True)
    subject = serializers.UUIDField(source="subject_id", allow_null=True)

    class Meta:
        model = ErasureRequest
        fields = [
            "id",
            "status",
            "source",
            "jurisdiction",
            "tenant",
            "subject",
            "lookup_status",
            "candidates",
            "received_at",
            "due_at",
            "verified_at",
            "completed_at",
            "subjects_erased",
            "held_subjects",
            "certificate",
            "overdue",
            "paused_at",
            "extended_at",
            "extension_reason",
            "refusal_basis",
            "refused_subjects",
            "clock",
        ]

    overdue = serializers.SerializerMethodField()

    def get_overdue(self, erasure_request) -> bool:
        return selectors.erasure_request_is_overdue(erasure_request=erasure_request)


class ErasureRequestListCreateApi(OfficerApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="ErasureRequestCreateInput")
    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        jurisdiction = serializers.CharField(max_length=8)
        tenant = serializers.SlugField(max_length=64, required=False, default="")
        external_ref = serializers.CharField(max_length=200, required=False, default="")
        selfie = serializers.FileField(required=False, allow_null=True, default=None)
        # A request that came by letter or e-mail: when it was received (the clock starts then); default now.
        received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses=page_of(ErasureRequestOutputSerializer, "ErasureRequestPage"))
    def get(self, request):
        requests = selectors.erasure_request_list().select_related("tenant")
        return paginated(request, self, requests, ErasureRequestOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: ErasureRequestOutputSerializer})
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


# --- Certificates -----------------------------------------------------------------------------------
class CertificateDetailApi(OfficerApi):
    @extend_schema(
        responses=OpenApiResponse(
            description="The certificate's fields, its sha256, and sha256_valid (recomputed now)."
        )
    )
    def get(self, request, certificate_id):
        cert = get_object_or_404(DeletionCertificate, pk=certificate_id)
        return Response(
            {
                **certificate_payload(cert),
                "sha256": cert.sha256,
                "sha256_valid": certificate_sha256(cert) == cert.sha256,
                "transparency": cert.transparency,
            }
        )


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
        erasure = erasure_requests.subject_erasure_request_create(subject=subject, actor=request_actor(request))
        return Response({"erasure_request": str(erasure.id), "status": erasure.status}, status=status.HTTP_202_ACCEPTED)
