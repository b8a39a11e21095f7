"""The API's parsers: DRF's own, with the checks of core.inputs applied to whatever they parse.

A JSON body is also bounded in size (API_JSON_MAX_BYTES, far below the upload limit meant for images) and its
nesting is refused cleanly instead of raising RecursionError.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions, parsers
from rest_framework.parsers import DataAndFiles

from core import inputs
from core.errors import DomainError


class BodyTooLarge(DomainError):
    code = "body_too_large"
    kind = "too_large"
    default_message = "The request body is too large."


def _refuse(found: dict[str, str]) -> None:
    if found:
        raise exceptions.ValidationError({path: [reason] for path, reason in sorted(found.items())})


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        data = stream.read(settings.API_JSON_MAX_BYTES + 1)
        if len(data) > settings.API_JSON_MAX_BYTES:
            raise BodyTooLarge(max_bytes=settings.API_JSON_MAX_BYTES)
        try:
            parsed = super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                f"JSON parse error - nested more than {inputs.MAX_DEPTH} levels deep."
            ) from None
        _refuse(inputs.problems(parsed))
        return parsed


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> DataAndFiles[Any, Any]:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse(inputs.query_problems(parsed.data))
        return parsed
