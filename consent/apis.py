"""Client-app API of the consent ledger (Authorization: Api-Key). Every read and write is scoped to the key's tenant."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from consent import selectors, services
from consent.client_api import ClientApi, request_actor
from consent.models import MAX_RETENTION_DAYS, ConsentMethod, Purpose
from consent.receipts import consent_receipt, consent_receipt_jwt
from consent.records import consent_record
from core.api import JsonErrors, page_of, paginated
from core.inputs import json_size_validator


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Api-Key <key>` in the OpenAPI schema (matching's client endpoints share it)."""

    target_class = "consent.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`, as printed once by `manage.py create_api_key`.",
        }


class ConsentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    subject = serializers.UUIDField(source="subject_id")
    purpose = serializers.CharField()
    notice = serializers.UUIDField(source="notice_id")
    notice_version = serializers.CharField(source="notice.version")
    notice_sha256 = serializers.CharField()
    method = serializers.CharField()
    granted_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class SubjectOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    external_ref = serializers.CharField(allow_null=True)
    jurisdiction = serializers.CharField(source="jurisdiction_id")
    email = serializers.EmailField()
    created_at = serializers.DateTimeField()
    last_interaction_at = serializers.DateTimeField(allow_null=True)
    erased_at = serializers.DateTimeField(allow_null=True)


class SubjectListCreateApi(ClientApi):
    @extend_schema_serializer(component_name="SubjectCreateInput")
    class InputSerializer(serializers.Serializer):
        external_ref = serializers.CharField(max_length=200, required=False, allow_null=True, default=None)
        jurisdiction = serializers.CharField(max_length=8)
        email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")

    @extend_schema(
        parameters=[OpenApiParameter("external_ref", str, description="The tenant's own id")],
        responses=page_of(SubjectOutputSerializer, "SubjectPage"),
    )
    def get(self, request):
        subjects = selectors.subject_list(
            tenant=request.auth.tenant, external_ref=request.query_params.get("external_ref")
        )
        return paginated(request, self, subjects, SubjectOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: SubjectOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subject = services.subject_create(
            tenant=request.auth.tenant, actor=request_actor(request), **data.validated_data
        )
        return Response(SubjectOutputSerializer(subject).data, status=status.HTTP_201_CREATED)


class SubjectDetailApi(ClientApi):
    @extend_schema_serializer(component_name="SubjectDetail")
    class OutputSerializer(SubjectOutputSerializer):
        consents = serializers.SerializerMethodField()
        templates = serializers.IntegerField(source="template_count")

        def get_consents(self, subject) -> list[dict]:
            # Those of the key's purposes only, as GET /consents/{id} answers (consent.purposes).
            purposes = self.context["request"].auth.purposes
            consents = selectors.subject_consents(subject=subject).filter(purpose__in=purposes)
            # many=True gives a ReturnList; djangorestframework-stubs type every .data as a ReturnDict.
            return ConsentOutputSerializer(consents, many=True).data  # type: ignore[return-value]

    @extend_schema(responses=OutputSerializer)
    def get(self, request, subject_id):
        subject = selectors.subject_get(tenant=request.auth.tenant, subject_id=subject_id)
        return Response(self.OutputSerializer(subject, context={"request": request}).data)


class SubjectPortalLinkApi(ClientApi):
    @extend_schema_serializer(component_name="PortalLink")
    class OutputSerializer(serializers.Serializer):
        url = serializers.URLField(help_text="The subject's consent page: see, download and withdraw consents.")
        expires_at = serializers.DateTimeField()

    @extend_schema(
        request=None,
        responses={201: OutputSerializer},
        description="A new signed link to the subject's consent page, to give to the person (it is also e-mailed "
        "with each consent when the subject has an e-mail address). Each link works for PORTAL_LINK_MAX_AGE_DAYS.",
    )
    def post(self, request, subject_id):
        subject = selectors.subject_get(tenant=request.auth.tenant, subject_id=subject_id)
        link = services.subject_portal_link_issue(subject=subject, actor=request_actor(request))
        return Response(self.OutputSerializer(link).data, status=status.HTTP_201_CREATED)


class SubjectConsentCreateApi(ClientApi):
    @extend_schema_serializer(component_name="ConsentCreateInput")
    class InputSerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(choices=Purpose.choices)
        notice = serializers.UUIDField()
        method = serializers.ChoiceField(choices=ConsentMethod.choices)
        evidence = serializers.DictField(
            required=False, default=dict, validators=[json_size_validator(max_bytes=16_384, max_depth=4, max_keys=100)]
        )
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema_serializer(component_name="ConsentWithReceipt")
    class OutputSerializer(ConsentOutputSerializer):
        receipt = serializers.SerializerMethodField()

        def get_receipt(self, consent) -> dict:
            return consent_receipt(consent)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, subject_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        subject = selectors.subject_get(tenant=request.auth.tenant, subject_id=subject_id)
        consent = services.consent_grant(
            subject=subject,
            notice=selectors.notice_for_consent(notice_id=fields.pop("notice")),
            allowed_purposes=request.auth.purposes,
            actor=request_actor(request),
            **fields,
        )
        return Response(self.OutputSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentDetailApi(ClientApi):
    @extend_schema(responses=ConsentOutputSerializer)
    def get(self, request, consent_id):
        consent = selectors.consent_get(
            tenant=request.auth.tenant, consent_id=consent_id, purposes=request.auth.purposes
        )
        return Response(ConsentOutputSerializer(consent).data)


class ConsentWithdrawApi(ClientApi):
    @extend_schema(request=None, responses=ConsentOutputSerializer)
    def post(self, request, consent_id):
        consent = selectors.consent_get(
            tenant=request.auth.tenant, consent_id=consent_id, purposes=request.auth.purposes
        )
        consent = services.consent_withdraw(consent=consent, actor=request_actor(request))
        return Response(ConsentOutputSerializer(consent).data)


class JsonLdRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class JwtRenderer(BaseRenderer):
    media_type = "application/jwt"
    format = "jwt"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode("ascii")


class ConsentReceiptApi(JsonErrors, ClientApi):
    """One receipt, three forms: `?format=` or the Accept header chooses (json is the default); receipt.jwt and
    receipt.jsonld name one form each, so that a generated client knows what it gets back."""

    renderer_classes = [JSONRenderer, JsonLdRenderer, JwtRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("format", exclude=True)],
        responses={(200, "application/json"): dict},
        description="Kantara Consent Receipt v1.1 fields, plus the notice's SHA-256. `?format=jwt|jsonld` (or the "
        "Accept header) gives the other forms, which `receipt.jwt` and `receipt.jsonld` also serve.",
    )
    def get(self, request, consent_id):
        consent = selectors.consent_get(
            tenant=request.auth.tenant, consent_id=consent_id, purposes=request.auth.purposes
        )
        form = request.accepted_renderer.format
        if form == "jwt":
            return Response(consent_receipt_jwt(consent))
        if form == "jsonld":
            return Response(consent_record(consent))
        return Response(consent_receipt(consent))


class _OneForm(ConsentReceiptApi):
    """A GET answers `form` whatever the Accept header; anything else (OPTIONS, a refusal) is JSON."""

    form: type[BaseRenderer] = JSONRenderer

    def perform_content_negotiation(self, request, force=False):
        renderer = self.form() if request.method in ("GET", "HEAD") else JSONRenderer()
        return renderer, renderer.media_type


class ConsentReceiptJwtApi(_OneForm):
    renderer_classes = [JwtRenderer, JSONRenderer]
    form = JwtRenderer

    @extend_schema(
        parameters=[OpenApiParameter("format", exclude=True)],
        responses={(200, "application/jwt"): str},
        description="The consent receipt as a compact JWT (EdDSA), key at /.well-known/jwks.json.",
    )
    def get(self, request, consent_id):
        return super().get(request, consent_id)


class ConsentReceiptJsonLdApi(_OneForm):
    renderer_classes = [JsonLdRenderer, JSONRenderer]
    form = JsonLdRenderer

    @extend_schema(
        parameters=[OpenApiParameter("format", exclude=True)],
        responses={(200, "application/ld+json"): dict},
        description="The ISO/IEC TS 27560 consent record in W3C DPV (JSON-LD).",
    )
    def get(self, request, consent_id):
        return super().get(request, consent_id)


class NoticeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField()
    version = serializers.CharField()
    text = serializers.CharField()
    sha256 = serializers.CharField()
    retention_days = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField()


class NoticeListCreateApi(ClientApi):
    @extend_schema_serializer(component_name="NoticeCreateInput")
    class InputSerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(choices=Purpose.choices)
        version = serializers.CharField(max_length=32)
        # Hashed exactly as sent: the SHA-256 must match the text the subject saw.
        text = serializers.CharField(trim_whitespace=False, max_length=100_000)
        retention_days = serializers.IntegerField(
            min_value=0, max_value=MAX_RETENTION_DAYS, required=False, allow_null=True, default=None
        )

    @extend_schema(
        parameters=[OpenApiParameter("purpose", str)], responses=page_of(NoticeOutputSerializer, "NoticePage")
    )
    def get(self, request):
        notices = selectors.notice_list(tenant=request.auth.tenant, purpose=request.query_params.get("purpose"))
        return paginated(request, self, notices, NoticeOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: NoticeOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = services.notice_create(
            tenant=request.auth.tenant,
            allowed_purposes=request.auth.purposes,
            actor=request_actor(request),
            **data.validated_data,
        )
        return Response(NoticeOutputSerializer(notice).data, status=status.HTTP_201_CREATED)


class NoticeDetailApi(ClientApi):
    @extend_schema(responses=NoticeOutputSerializer)
    def get(self, request, notice_id):
        notice = selectors.notice_get(tenant=request.auth.tenant, notice_id=notice_id)
        return Response(NoticeOutputSerializer(notice).data)
