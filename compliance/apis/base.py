"""What every officer endpoint shares: officer authentication, the scope of orders and holds, and the fields of a
data subject's request (erasure or access)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.views import APIView

from compliance.services.scopes import scope_describe
from consent.models import Tenant
from core.officers import IsComplianceOfficer


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


class SubjectRequestInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    jurisdiction = serializers.CharField(max_length=8)
    tenant = serializers.SlugField(max_length=64, required=False, default="")
    external_ref = serializers.CharField(max_length=200, required=False, default="")
    # A request that came by letter or e-mail: when it was received (the clock starts then); default now.
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


# The head of both requests' output, in this order.
SUBJECT_REQUEST_FIELDS = ["id", "status", "source", "jurisdiction", "tenant"]


class SubjectRequestOutputSerializer(serializers.ModelSerializer):
    tenant: serializers.SlugRelatedField[Tenant] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    jurisdiction = serializers.CharField(source="jurisdiction_id")
