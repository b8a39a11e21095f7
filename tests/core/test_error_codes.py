"""The error-code registry: every code a domain error answers with is defined by one class, and every one is
documented in the live OpenAPI schema (the `code` enum of the error answers, core/schema.py)."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

import httpx
import pytest
import yaml

from core.errors import DomainError

APPS = ("core", "consent", "policy", "matching", "compliance")
PORTAL_ONLY = {"link_expired"}  # a signed link's age is checked by the portal's pages, never under /api/


def _domain_errors() -> list[type[DomainError]]:
    """Every DomainError subclass in the apps: each module imported, so none hides in a module no test loads."""
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management." not in module.name:
                importlib.import_module(module.name)
    found, pending = [], [DomainError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_code_is_defined_by_one_class():
    defined = defaultdict(list)
    for cls in _domain_errors():
        if "code" in vars(cls):  # a subclass that only inherits its code defines nothing new
            defined[cls.code].append(f"{cls.__module__}.{cls.__qualname__}")
    assert len(defined) > 50
    assert {code: where for code, where in defined.items() if len(where) > 1} == {}


@pytest.mark.django_db(transaction=True)
def test_every_error_code_is_documented_in_the_live_schema(live_server):
    schema = yaml.safe_load(httpx.get(f"{live_server.url}/api/schema/").text)
    documented = set()
    for name, component in schema["components"]["schemas"].items():
        if name.startswith("Error") and name[5:].isdigit():
            documented |= set(component["properties"]["error"]["properties"]["code"]["enum"])
    assert {cls.code for cls in _domain_errors()} - documented == PORTAL_ONLY
