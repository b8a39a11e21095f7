"""The confirmation step of every irreversible or wide officer action, rendered by the server (no script, which the
Content-Security-Policy would block anyway): the first POST shows what the action will do and a Confirm form that
carries the same inputs and a token signed over them; only a POST whose token matches its inputs (same officer,
same page, issued within CONFIRM_MAX_AGE, not used before) acts. A changed input, or a forged, stale or used token
gets a new preview: a double click on Confirm, or a form sent again from the history, records no second order."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.errors import DomainError

SALT = "compliance.officer.confirm"
CONFIRM_MAX_AGE = 30 * 60  # seconds: a preview older than this may no longer say what the action does
TOKEN_FIELD = "confirm_token"
EDIT_FIELD = "edit"
_NOT_INPUTS = {"csrfmiddlewaretoken", TOKEN_FIELD, EDIT_FIELD}

STALE = (
    "This confirmation does not match its preview (an input changed, the preview is over "
    f"{CONFIRM_MAX_AGE // 60} minutes old, or it was already used). Nothing was done now: check what it does and "
    "confirm again only if it is still needed."
)


def _refused(request, error: DomainError) -> None:
    messages.error(request, f"Refused ({error.code}): {error.message}")


def _inputs(request) -> list[tuple[str, list[str]]]:
    return sorted((key, values) for key, values in request.POST.lists() if key not in _NOT_INPUTS)


def _digest(request) -> str:
    material = json.dumps([request.path, request.user.pk, _inputs(request)], sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


def confirm_token(request) -> str:
    return signing.dumps(_digest(request), salt=SALT)


def token_accepted(request) -> bool:
    """The token matches these inputs and is used now, once (the used ones are kept in the cache as long as they
    would be valid; cache.add is atomic, so of two POSTs racing only one acts)."""
    token = request.POST.get(TOKEN_FIELD, "")
    try:
        signed = signing.loads(token, salt=SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return False
    if not (isinstance(signed, str) and hmac.compare_digest(signed, _digest(request))):
        return False
    return cache.add(f"{SALT}:used:{hashlib.sha256(token.encode()).hexdigest()}", 1, CONFIRM_MAX_AGE)


def preview_or_act(
    request,
    *,
    title: str,
    preview: Callable[[], dict],
    act: Callable[[], HttpResponse],
    back: str,
    refused: Callable[[DomainError], HttpResponse] | None = None,
    edit: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """A POST without a token shows `preview()`; with a token that matches its inputs, `act()` runs. A domain error
    of either (the action is refused) goes to `refused`, by default a message on the page `back`.
    `edit`, when given, answers the preview's Change button (the inputs back in their form; it never acts)."""
    if edit and request.POST.get(EDIT_FIELD):
        return edit()
    stale = TOKEN_FIELD in request.POST and not token_accepted(request)
    try:
        if TOKEN_FIELD in request.POST and not stale:
            return act()
        shown = preview()
    except DomainError as error:
        if refused:
            return refused(error)
        _refused(request, error)
        return redirect(back)
    context = {
        "title": title,
        "preview": shown,
        "inputs": [(key, value) for key, values in _inputs(request) for value in values],
        "token": confirm_token(request),
        "stale": STALE if stale else "",
        "back": back,
        "editable": edit is not None,
    }
    return render(request, "officer/confirm.html", context, status=400 if stale else 200)
