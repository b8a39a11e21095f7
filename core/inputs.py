"""What every value a client sends must be before any serializer, query or database sees it.

PostgreSQL refuses NUL in text and jsonb and psycopg cannot encode an unpaired surrogate; a deeply nested
document exhausts Python's stack. Each is a client error, so it is refused here with the path of the value,
once, for JSON bodies, form fields and query parameters alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.http import QueryDict
from rest_framework.exceptions import ValidationError

MAX_DEPTH = 32  # nesting of any JSON body
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def bad_character(text: str) -> str | None:
    """Why `text` cannot be stored, or None."""
    match = _BAD_CHARACTER.search(text)
    if match is None:
        return None
    return "NUL characters are not allowed." if match.group() == "\x00" else "Unpaired surrogates are not allowed."


def problems(value: object, path: str = "", *, max_depth: int = MAX_DEPTH) -> dict[str, str]:
    """{path: reason} for every string (key or value) that cannot be stored, and for nesting past max_depth.

    Iterative, so a document nested deeper than Python's recursion limit is walked without recursion.
    """
    found: dict[str, str] = {}
    stack = [(value, path or "body", 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > max_depth:
            found[where] = f"Nested more than {max_depth} levels deep."
            continue
        if isinstance(item, str):
            if reason := bad_character(item):
                found[where] = reason
        elif isinstance(item, dict):
            for key, child in item.items():
                key_text = str(key)
                if reason := bad_character(key_text):
                    found[f"{where}.<key>"] = "Key: " + reason
                    key_text = repr(key_text)
                stack.append((child, f"{where}.{key_text}" if where != "body" else key_text, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]", depth + 1) for i, child in enumerate(item))
    return found


def query_problems(params: QueryDict) -> dict[str, str]:
    """The same check over a QueryDict (query string or form fields): keys and every value."""
    found: dict[str, str] = {}
    for key, values in params.lists():
        if reason := bad_character(key):
            found[repr(key)] = "Key: " + reason
            continue
        for value in values:
            if isinstance(value, str) and (reason := bad_character(value)):
                found[key] = reason
    return found


def json_size_validator(*, max_bytes: int, max_depth: int, max_keys: int) -> Callable[[Any], None]:
    """A serializer validator bounding a JSON value a tenant stores (evidence): encoded size, nesting, key count."""

    def validate(value: Any) -> None:
        if len(json.dumps(value, ensure_ascii=False).encode()) > max_bytes:
            raise ValidationError(f"At most {max_bytes} bytes of JSON.")
        keys, stack = 0, [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if isinstance(item, (dict, list)) and depth > max_depth:
                raise ValidationError(f"Nested more than {max_depth} levels deep.")
            if isinstance(item, dict):
                keys += len(item)
                stack.extend((child, depth + 1) for child in item.values())
            elif isinstance(item, list):
                stack.extend((child, depth + 1) for child in item)
        if keys > max_keys:
            raise ValidationError(f"At most {max_keys} keys.")

    return validate
