"""Filters for the officer's pages."""

from django import template

from compliance.services.scopes import scope_describe, scope_sentence

register = template.Library()


@register.filter
def scope(scoped) -> str:
    """An order's or a hold's scope (or a described scope, as a preview carries it) as one sentence."""
    return scope_sentence(scoped if isinstance(scoped, dict) else scope_describe(scoped))


DETAIL_SHOWN_CHARS = 80  # longer values show their start, the whole value one click away


def _flattened(value, key: str = ""):
    if isinstance(value, dict) and value:
        for name, inner in sorted(value.items()):
            yield from _flattened(inner, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for index, inner in enumerate(value):
            yield from _flattened(inner, f"{key}.{index}")
    elif isinstance(value, list):
        yield key, ", ".join(map(str, value)) or "none"
    elif isinstance(value, dict):
        yield key, "—"
    elif isinstance(value, bool):
        yield key, "yes" if value else "no"
    elif value is None:
        yield key, "none"
    else:
        yield key, str(value)


@register.filter
def details_rows(details) -> list[dict]:
    """An audit event's details as key/value rows to read, not JSON: nested keys flattened ("scope.tenants: acme"),
    a long value with `short`, its start."""
    rows = []
    for key, value in _flattened(details) if details else ():
        short = value[:DETAIL_SHOWN_CHARS] + "…" if len(value) > DETAIL_SHOWN_CHARS else ""
        rows.append({"key": key or "value", "value": value, "short": short})
    return rows
