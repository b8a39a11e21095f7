"""What every officer endpoint shares: officer authentication and the scope of orders and holds."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.views import APIView

from compliance.services.scopes import scope_describe
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
