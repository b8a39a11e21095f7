"""The lists' filter forms (GET, no script): status, jurisdiction, tenant and due window. A value the form does
not know is dropped (the list shows as if it were absent, with the field's error), never a 500."""

from __future__ import annotations

from django import forms

from compliance.models import AccessStatus, ErasureStatus
from compliance.selectors.deadlines import OVERDUE
from compliance.selectors.list_filters import DUE_WITHIN_7_DAYS, HOLD_STATES
from consent.models import Jurisdiction
from policy.models import OrderStatus

_ANY = [("", "any")]
DUE_CHOICES = [*_ANY, (OVERDUE, "overdue"), (DUE_WITHIN_7_DAYS, "due within 7 days")]


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(required=False)
    jurisdiction = forms.ChoiceField(required=False)
    tenant = forms.SlugField(required=False, max_length=64, label="Tenant (slug)")
    due = forms.ChoiceField(required=False, choices=DUE_CHOICES, label="Due")

    status_choices: list[tuple[str, str]] = []
    with_due = True

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["status"].choices = [*_ANY, *self.status_choices]  # type: ignore[attr-defined]
        self.fields["jurisdiction"].choices = [  # type: ignore[attr-defined]
            *_ANY,
            *Jurisdiction.objects.order_by("code").values_list("code", "code"),
        ]
        if not self.with_due:
            del self.fields["due"]

    def filters(self) -> dict:
        """The valid values given (an invalid one is left out)."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}


class OrderFilterForm(ListFilterForm):
    status_choices = [(value, str(label)) for value, label in OrderStatus.choices]


class HoldFilterForm(ListFilterForm):
    status_choices = [(state, state) for state in HOLD_STATES]
    with_due = False


class ErasureRequestFilterForm(ListFilterForm):
    status_choices = [(value, str(label)) for value, label in ErasureStatus.choices]


class AccessRequestFilterForm(ListFilterForm):
    status_choices = [(value, str(label)) for value, label in AccessStatus.choices]
