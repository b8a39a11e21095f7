"""Officer API: deletion certificates."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from compliance.apis.base import OfficerApi
from compliance.models import DeletionCertificate
from compliance.services.certificates import certificate_payload, certificate_sha256


# --- Certificates -----------------------------------------------------------------------------------
class CertificateDetailApi(OfficerApi):
    @extend_schema(
        responses=OpenApiResponse(
            response=OpenApiTypes.OBJECT,
            description="The certificate's fields, its sha256, and sha256_valid (recomputed now).",
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
