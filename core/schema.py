"""The OpenAPI schema, made for client generators: operation ids, and one post-processing hook that documents what
every operation shares (the error answers, Idempotency-Key, paging) in one place.

drf-spectacular calls every APIView GET "_retrieve", so a list and its detail endpoint collided: a GET of a
collection (a path not ending in a parameter) is "_list".
"""

from __future__ import annotations

import re

from drf_spectacular import openapi
from rest_framework import status

from core import failures
from core.api import _DRF_CODES, STATUS_OF_KIND
from core.errors import DomainError
from core.idempotency import HEADER as IDEMPOTENCY_HEADER
from core.idempotency import MAX_KEY_LENGTH


class AutoSchema(openapi.AutoSchema):
    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if self.method == "GET" and operation_id.endswith("_retrieve") and not self.path.rstrip("/").endswith("}"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id


_DRF_STATUS = {
    "not_authenticated": 401,
    "authentication_failed": 401,
    "permission_denied": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "unsupported_media_type": 415,
    "parse_error": 400,
    "throttled": 429,
    "validation_error": 400,
}
# Codes answered outside a view's own refusals (core.failures): routing, parsing limits, outages.
_FAILURE_CODES = {400: ["too_many_fields", "parse_error", "invalid_value"]}

ANSWERS_OF_EVERY_OPERATION = (400, 401, 403, 414, 429, 431, 503)
ANSWERS_OF_A_PATH_PARAMETER = (404,)
ANSWERS_OF_A_WRITE = (409, 413, 415, 422)

_DESCRIPTIONS = {
    400: "The request is not valid (`details.fields` names each field and what is wrong with it).",
    401: "No credentials, or credentials that are not valid.",
    403: "The credentials may not do this (another tenant's resource, a purpose the key does not have, no officer).",
    404: "No such resource for these credentials.",
    409: "The request conflicts with the current state (or the same Idempotency-Key is still running).",
    413: "The body (or the image) is too large.",
    414: "The URL (path and query string) is longer than MAX_URL_BYTES.",
    415: "A media type this operation does not take.",
    422: "Understood but refused (a rule of the domain, or an Idempotency-Key reused with another body).",
    429: "Throttled: retry after `Retry-After` seconds.",
    431: "The headers are over the server's limits (100 fields, 8190 bytes each).",
    503: "Busy or a dependency is down: retry after `Retry-After` seconds.",
}


def error_codes() -> dict[int, list[str]]:
    """Every code the API can answer with, by HTTP status: the domain errors' own (their kind gives the status),
    DRF's and the failure handlers'. Read from the code, so a new domain error is documented as it is written."""
    codes: dict[int, set[str]] = {}
    pending = [DomainError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        codes.setdefault(STATUS_OF_KIND[cls.kind], set()).add(cls.code)
    for code in _DRF_CODES.values():
        codes.setdefault(_DRF_STATUS[code], set()).add(code)
    codes.setdefault(403, set()).update({"not_authenticated", "authentication_failed"})  # DRF's 401 without a scheme
    for status_code, (code, _) in failures.GENERIC.items():
        codes.setdefault(status_code, set()).add(code)
    for status_code, extra in _FAILURE_CODES.items():
        codes.setdefault(status_code, set()).update(extra)
    return {status_code: sorted(found) for status_code, found in sorted(codes.items())}


def _error_component(codes: list[str]) -> dict:
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "string", "enum": codes},
                    "message": {"type": "string"},
                    "details": {"type": "object", "additionalProperties": {}},
                },
            }
        },
    }


def _error_response(status_code: int) -> dict:
    response = {
        "description": _DESCRIPTIONS[status_code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/Error{status_code}"}}},
    }
    if status_code in (status.HTTP_429_TOO_MANY_REQUESTS, status.HTTP_503_SERVICE_UNAVAILABLE):
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
    return response


def _breaks_its_rules(value, schema: dict) -> bool:
    if not isinstance(value, str):
        return False
    pattern = schema.get("pattern")
    return (
        (pattern is not None and re.search(pattern, value) is None)
        or len(value) < schema.get("minLength", 0)
        or (value == "" and schema.get("format") in ("email", "uri", "uuid", "date", "date-time"))
    )


def _drop_invalid_defaults(schema) -> None:
    """A default that fails its own field's rules ('' for a slug or an e-mail) is what a field gets when it is left
    out, not a value to send: a generator that sends it would be refused. The schema states no default there."""
    if isinstance(schema, dict):
        if "default" in schema and _breaks_its_rules(schema["default"], schema):
            del schema["default"]
        for value in schema.values():
            _drop_invalid_defaults(value)
    elif isinstance(schema, list):
        for value in schema:
            _drop_invalid_defaults(value)


def _is_page(schema: dict, components: dict) -> bool:
    ref = schema.get("$ref", "")
    fields = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
    return {"count", "next", "previous", "results"} <= set(fields)


PAGING_PARAMETERS = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
        "description": "Items per page.",
    },
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "default": 0},
        "description": "Items to skip.",
    },
]

IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    "description": "Retry safely: the same key with the same body within 24 h answers the first response again "
    "(header `Idempotent-Replayed: true`); with another body `422 idempotency_key_reused`; while the first "
    "request runs `409 idempotency_key_in_use`.",
}


def postprocess(result, generator, request, public):
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    codes = error_codes()
    documented = set()
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not path.startswith("/api/v1/"):
                continue
            responses = operation["responses"]
            answers = list(ANSWERS_OF_EVERY_OPERATION)
            if "{" in path:
                answers += ANSWERS_OF_A_PATH_PARAMETER
            if method != "get":
                answers += ANSWERS_OF_A_WRITE
            for status_code in answers:
                responses.setdefault(str(status_code), _error_response(status_code))
                documented.add(status_code)
            parameters = operation.setdefault("parameters", [])
            names = {(p["in"], p["name"]) for p in parameters}
            ok = responses.get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if method == "get" and _is_page(ok, schemas):
                parameters += [p for p in PAGING_PARAMETERS if ("query", p["name"]) not in names]
            if method == "post" and {"ApiKey": []} in operation.get("security", []):
                if ("header", IDEMPOTENCY_HEADER) not in names:
                    parameters.append(IDEMPOTENCY_PARAMETER)
            if not parameters:
                del operation["parameters"]
    for status_code in sorted(documented):
        schemas[f"Error{status_code}"] = _error_component(codes.get(status_code, ["error"]))
    _drop_invalid_defaults(schemas)
    return result
