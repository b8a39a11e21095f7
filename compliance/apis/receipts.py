"""Public: the status of a consent receipt, for whoever holds the receipt (a verifier, the person, a relying party).

No credentials: the link in the receipt's `statusUrl` is the consent id signed with the platform's secret, so only
a receipt's holder knows it, and a guessed or edited link is 404 like an unknown one. The answer is JSON and the
same claims as a JWT signed EdDSA with the key at /.well-known/jwks.json (a verifier may keep it as proof).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from consent.links import receipt_status_consent_id
from core.jws import jwt_sign
from policy.selectors import consent_status

STATUSES = ["in_force", "withdrawn", "expired", "purpose_ended", "erased", "not_in_force"]


class ReceiptStatusSerializer(serializers.Serializer):
    consent = serializers.UUIDField(help_text="The receipt's consentReceiptID.")
    status = serializers.ChoiceField(choices=STATUSES)
    in_force = serializers.BooleanField()
    since = serializers.DateTimeField(allow_null=True, help_text="When the consent took this status, if known.")
    checked_at = serializers.DateTimeField()
    jwt = serializers.CharField(help_text="The same fields as JWT claims (with iss and iat), signed EdDSA.")


class ReceiptStatusApi(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = []  # the per-IP budget of /api/ applies (core.throttles.IpThrottleMiddleware)

    @extend_schema(
        responses=ReceiptStatusSerializer,
        auth=[],
        description="Public, no credentials: whether a consent receipt's consent is in force now. The receipt's "
        "`statusUrl` is this operation's URL; an unknown or edited token is 404.",
    )
    def get(self, request, token):
        consent_id = receipt_status_consent_id(token)
        if consent_id is None:
            raise NotFound()
        now = timezone.now()
        status, since = consent_status(consent_id=consent_id, at=now)
        fields = {
            "consent": consent_id,
            "status": status,
            "in_force": status == "in_force",
            "since": since.isoformat() if since else None,
            "checked_at": now.isoformat(),
        }
        claims = {"iss": settings.PUBLIC_BASE_URL.rstrip("/"), "iat": int(time.time()), **fields}
        return Response({**fields, "jwt": jwt_sign(claims)})
