"""Filters for the officer's pages."""

from django import template

from compliance.services.scopes import scope_describe, scope_sentence

register = template.Library()


@register.filter
def scope(scoped) -> str:
    """An order's or a hold's scope (or a described scope, as a preview carries it) as one sentence."""
    return scope_sentence(scoped if isinstance(scoped, dict) else scope_describe(scoped))
