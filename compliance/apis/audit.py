"""The officer's audit API: the events, and the transparency log's signed head, proofs and verification.

The JSON keys of head, events/{index}, proof and consistency are a published contract (docs/audit.md)."""

from __future__ import annotations

import base64

from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from compliance.apis.base import OfficerApi
from compliance.selectors import audit as audit_selectors
from core import transparency
from core.api import paginated
from core.errors import NotFound


class AuditEventOutputSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    index = serializers.IntegerField(source="leaf_index", allow_null=True)
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    details = serializers.JSONField()
    leaf = serializers.SerializerMethodField()

    def get_leaf(self, event) -> str:
        return base64.b64encode(bytes(event.leaf)).decode()


class AuditListApi(OfficerApi):
    @extend_schema_serializer(component_name="AuditFilter")
    class FilterSerializer(serializers.Serializer):
        after = serializers.IntegerField(min_value=0, default=0)
        limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=inline_serializer(
            "AuditPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": AuditEventOutputSerializer(many=True),
                "next_after": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request):
        """The page shape of every list, plus `next_after`: the cursor to read on from (events keep arriving)."""
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        response = paginated(
            request,
            self,
            audit_selectors.audit_events_after(after=params.validated_data["after"]),
            AuditEventOutputSerializer,
        )
        results = response.data["results"]
        full = len(results) == params.validated_data["limit"]
        response.data["next_after"] = results[-1]["seq"] if results and full else None
        return response


HeadOutput = inline_serializer(
    "AuditSignedTreeHead",
    {
        "tree_size": serializers.IntegerField(),
        "root_hash": serializers.CharField(help_text="hex"),
        "timestamp": serializers.IntegerField(help_text="ms since the Unix epoch"),
        "signature": serializers.CharField(help_text="base64 Ed25519 over the bytes in docs/audit.md"),
        "public_key": serializers.CharField(help_text="base64, raw 32 bytes"),
        "key_id": serializers.CharField(
            help_text="RFC 7638 thumbprint of the signing key: its kid in /.well-known/jwks.json (not signed)"
        ),
    },
)


class AuditHeadApi(OfficerApi):
    class InputSerializer(serializers.Serializer):
        tree_size = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(parameters=[InputSerializer], responses=HeadOutput)
    def get(self, request):
        """The latest signed tree head, or the one of `tree_size`."""
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        if "tree_size" in params.validated_data:
            return Response(transparency.signed_head(params.validated_data["tree_size"]))
        head = transparency.latest_signed_head()
        if head is None:
            raise NotFound("No tree head has been signed yet.")
        return Response(head)


class AuditEventApi(OfficerApi):
    @extend_schema(responses=AuditEventOutputSerializer)
    def get(self, request, index):
        return Response(AuditEventOutputSerializer(transparency.audit_event_at(index)).data)


class AuditProofApi(OfficerApi):
    class InputSerializer(serializers.Serializer):
        index = serializers.IntegerField(min_value=0)
        tree_size = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(
        parameters=[InputSerializer],
        responses=inline_serializer(
            "AuditInclusionProof",
            {
                "index": serializers.IntegerField(),
                "tree_size": serializers.IntegerField(),
                "audit_path": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def get(self, request):
        """RFC 9162 inclusion proof of the event at `index` in the tree of `tree_size` (default: the latest)."""
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(transparency.inclusion_proof(**params.validated_data))


class AuditConsistencyApi(OfficerApi):
    @extend_schema_serializer(component_name="AuditConsistencyInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.IntegerField(min_value=1)

        def get_fields(self):
            fields = super().get_fields()
            fields["from"] = serializers.IntegerField(min_value=0)  # a Python keyword
            return fields

    @extend_schema(
        parameters=[InputSerializer],
        responses=inline_serializer(
            "AuditConsistencyProof",
            {
                "from": serializers.IntegerField(),
                "to": serializers.IntegerField(),
                "proof": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def get(self, request):
        """RFC 9162 consistency proof: the tree of size `from` is a prefix of the tree of size `to`."""
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(transparency.consistency_proof(params.validated_data["from"], params.validated_data["to"]))


class AuditVerifyApi(OfficerApi):
    @extend_schema(
        responses=inline_serializer(
            "AuditVerify",
            {
                "valid": serializers.BooleanField(),
                "tree_size": serializers.IntegerField(required=False),
                "root_hash": serializers.CharField(required=False),
                "heads": serializers.IntegerField(required=False),
                "pending": serializers.IntegerField(required=False),
                "bad_index": serializers.IntegerField(required=False),
                "reason": serializers.CharField(required=False),
                "heads_checked": serializers.IntegerField(required=False),
            },
        )
    )
    def get(self, request):
        """Recompute the Merkle tree from the events and check every signed head (the first bad index named)."""
        return Response(transparency.audit_verify())
