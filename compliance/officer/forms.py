"""Forms of the officer pages: scopes as officers type them, orders and holds."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError

from consent.models import Purpose
from policy.models import OrderAction, RetentionAnchor, ScopeMatch


def _split(value: str) -> list[str]:
    return [part for part in value.replace(",", " ").split() if part]


class ScopeForm(forms.Form):
    match = forms.ChoiceField(
        choices=ScopeMatch.choices,
        initial=ScopeMatch.ANY,
        required=False,
        widget=forms.RadioSelect,
        label="Reach subjects matching",
        help_text="Any: everyone in a listed jurisdiction, or of a listed tenant, or named. "
        "All: only those who meet every list given (a tenant's subjects within a jurisdiction).",
    )
    jurisdictions = forms.CharField(required=False, help_text="Jurisdiction codes, e.g. GB, US-IL")
    tenants = forms.CharField(required=False, help_text="Tenant slugs")
    subjects = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Subject ids, separated by spaces, commas or new lines",
    )

    def clean_subjects(self):
        ids = _split(self.cleaned_data["subjects"])
        for value in ids:
            try:
                uuid.UUID(value)
            except ValueError:
                raise ValidationError(f"Not a subject id: {value}") from None
        return ids

    def scope(self) -> dict:
        return {
            "match": self.cleaned_data["match"] or ScopeMatch.ANY,
            "jurisdictions": [c.upper() for c in _split(self.cleaned_data["jurisdictions"])],
            "tenants": _split(self.cleaned_data["tenants"]),
            "subjects": self.cleaned_data["subjects"],
        }


_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrderForm(ScopeForm):
    regulator = forms.CharField(max_length=200)
    reference = forms.CharField(max_length=200)
    action = forms.ChoiceField(choices=OrderAction.choices)
    received_at = forms.DateTimeField(widget=_WHEN, label="Received (UTC)")
    deadline = forms.DateTimeField(widget=_WHEN, required=False, label="Deadline (UTC)")
    field_order = [
        "regulator",
        "reference",
        "action",
        "match",
        "jurisdictions",
        "tenants",
        "subjects",
        "received_at",
        "deadline",
    ]


class HoldForm(ScopeForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    expires_at = forms.DateTimeField(widget=_WHEN, required=False, label="Expires (UTC, optional)")
    field_order = ["reason", "match", "jurisdictions", "tenants", "subjects", "expires_at"]


class ReceivedRequestForm(forms.Form):
    """A request that came by letter or e-mail to the DPO: entered with the moment it was received."""

    email = forms.EmailField(help_text="The requester's address: they confirm the request by the link sent there")
    jurisdiction = forms.CharField(max_length=8, help_text="e.g. GB, FR, US-CA")
    tenant = forms.SlugField(max_length=64, help_text="The organisation's slug")
    external_ref = forms.CharField(max_length=200, label="Reference", help_text="The organisation's reference")
    received_at = forms.DateTimeField(widget=_WHEN, label="Received (UTC)", help_text="The clock starts here")

    def clean_jurisdiction(self):
        return self.cleaned_data["jurisdiction"].upper()


class ReceivedAccessRequestForm(ReceivedRequestForm):
    """An access request by letter or e-mail: the organisation and reference are optional (the address finds the
    subjects its tenants hold once the requester confirms it)."""

    tenant = forms.SlugField(max_length=64, required=False, help_text="Optional: the organisation's slug")
    external_ref = forms.CharField(max_length=200, required=False, label="Reference", help_text="With the slug")


class RetentionRuleForm(forms.Form):
    jurisdiction = forms.CharField(max_length=8, required=False, help_text="e.g. US-IL; blank: every jurisdiction")
    tenant = forms.SlugField(max_length=64, required=False, help_text="Tenant slug; blank: every tenant")
    purpose = forms.ChoiceField(choices=[("", "every purpose"), *Purpose.choices], required=False)
    anchor = forms.ChoiceField(choices=RetentionAnchor.choices)
    max_age_months = forms.IntegerField(
        min_value=0, max_value=1200, required=False, label="Max age (months)", help_text="Calendar months: a year is 12"
    )
    max_age_days = forms.IntegerField(min_value=0, max_value=36500, required=False, label="and days")
    citation = forms.CharField(max_length=200, required=False, help_text="The law or policy it applies")

    def clean_max_age_months(self):
        return self.cleaned_data["max_age_months"] or 0

    def clean_max_age_days(self):
        return self.cleaned_data["max_age_days"] or 0


class AuditFilterForm(forms.Form):
    """The audit log's filters (GET): all optional, combined with AND."""

    action = forms.CharField(required=False, max_length=100, label="Action starts with", help_text="e.g. order.")
    object_id = forms.CharField(required=False, max_length=100, label="Object id or type")
    actor = forms.CharField(required=False, max_length=150, label="Actor starts with", help_text="e.g. user:")
    since = forms.DateTimeField(required=False, widget=_WHEN, label="From (UTC)")
    until = forms.DateTimeField(required=False, widget=_WHEN, label="Until (UTC)")
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
