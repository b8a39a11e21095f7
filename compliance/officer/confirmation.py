"""The confirmation step of every irreversible or wide officer action, rendered by the server (no script, which the
Content-Security-Policy would block anyway): the first POST shows what the action will do and a Confirm form that
carries the same inputs and a token signed over them; only a POST whose token matches its inputs (same officer,
same page, issued within CONFIRM_MAX_AGE) acts. A changed input, or a forged or stale token, gets a new preview."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.errors import DomainError

SALT = "compliance.officer.confirm"
CONFIRM_MAX_AGE = 30 * 60  # seconds: a preview older than this may no longer say what the action does
TOKEN_FIELD = "confirm_token"
EDIT_FIELD = "edit"
_NOT_INPUTS = {"csrfmiddlewaretoken", TOKEN_FIELD, EDIT_FIELD}

STALE = (
    "This confirmation does not match its preview (an input changed, or the preview is over "
    f"{CONFIRM_MAX_AGE // 60} minutes old). Nothing was done: check what it does now and confirm again."
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


def token_matches(request) -> bool:
    try:
        signed = signing.loads(request.POST.get(TOKEN_FIELD, ""), salt=SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, _digest(request))


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
    stale = TOKEN_FIELD in request.POST and not token_matches(request)
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
