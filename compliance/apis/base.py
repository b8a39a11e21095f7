"""What every officer endpoint shares: officer authentication, the scope of orders and holds, and the fields of a
data subject's request (erasure or access)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.views import APIView

from compliance.selectors.deadlines import OVERDUE, deadline_state_of
from compliance.services.scopes import scope_describe, scope_sentence
from consent.models import Tenant
from core.officers import IsComplianceOfficer
from policy.models import ScopeMatch


class OfficerApi(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsComplianceOfficer]


class ScopeSerializer(serializers.Serializer):
    """Whom an order or a legal hold reaches. By default (`match: any`) a UNION: a subject is in scope when its
    jurisdiction is one of `jurisdictions`, OR its tenant is one of `tenants`, OR it is one of `subjects`; the
    lists never narrow each other (`{"tenants": ["demo"], "jurisdictions": ["US-TX"]}` reaches every subject of
    demo, wherever it lives, and every US-TX subject of every tenant). With `match: all` an INTERSECTION: a subject
    must satisfy every list that names something (`{"match": "all", "tenants": ["demo"], "jurisdictions":
    ["US-TX"]}` reaches demo's US-TX subjects only); an empty list does not narrow. At least one list must name
    something."""

    match = serializers.ChoiceField(
        choices=ScopeMatch.choices,
        required=False,
        default=ScopeMatch.ANY,
        help_text="any: the union of the lists (default); all: their intersection.",
    )

    jurisdictions = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, default=list, help_text="One of these."
    )
    tenants = serializers.ListField(
        child=serializers.SlugField(max_length=64), required=False, default=list, help_text="One of these."
    )
    subjects = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, help_text="One of these."
    )


class ScopeOutputSerializer(serializers.Serializer):
    """The scope as the officer gave it (tenant slugs, not the stored UUIDs), and as a sentence that reads it as
    the union or intersection it is."""

    match = serializers.ChoiceField(choices=ScopeMatch.choices, read_only=True)
    jurisdictions = serializers.ListField(child=serializers.CharField(), read_only=True)
    tenants = serializers.ListField(child=serializers.CharField(), read_only=True)
    subjects = serializers.ListField(child=serializers.UUIDField(), read_only=True)
    sentence = serializers.CharField(
        read_only=True, help_text="e.g. every subject in GB, or every subject of tenant demo"
    )

    def to_representation(self, instance):
        described = scope_describe(instance)
        return {**described, "sentence": scope_sentence(described)}


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
    overdue = serializers.SerializerMethodField(help_text="Past its due time while an answer is owed")
    deadline_state = serializers.SerializerMethodField(
        help_text="overdue, due_soon (within 7 days), on_time, or empty when no answer is owed (answered, or the "
        "requester has not confirmed it yet)"
    )

    def get_deadline_state(self, subject_request) -> str:
        """The officer pages, the dashboard and the reminders read the same rule (compliance.selectors.deadlines);
        a list annotates it in its query (with_deadline_state), a single request reads it here."""
        if not hasattr(subject_request, "deadline_state"):
            subject_request.deadline_state = deadline_state_of(subject_request, at=timezone.now())
        return subject_request.deadline_state

    def get_overdue(self, subject_request) -> bool:
        return self.get_deadline_state(subject_request) == OVERDUE
