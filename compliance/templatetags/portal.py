"""Filters for the portal's pages that show a JSON document (the access report) to the person it is about."""

from django import template
from django.template.defaultfilters import date
from django.utils.dateparse import parse_datetime

from consent.wording import purpose_title

register = template.Library()


@register.filter
def iso_date(value: str, format_string: str | None = None) -> str:
    """An ISO 8601 moment from the document, as the date filter writes it in the active language ("" stays "")."""
    moment = parse_datetime(value) if value else None
    return date(moment, format_string) if moment else value


@register.filter
def purpose_name(purpose: str) -> str:
    """A purpose's code ("fraud_prevention") as its title in the active language ("Betrugsprävention")."""
    return purpose_title(purpose) if purpose else purpose
