"""What the erasure and access portals share: the request form's steps (mail budget, create, "check your email"),
opening a request by its signed link (or the page saying why it cannot be), and the paths of those links."""

from __future__ import annotations

import functools
import math
import unicodedata

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from compliance.services.subject_requests import request_from_token
from consent.models import Jurisdiction
from core import throttles
from core.api import http_status
from core.audit import Actor
from core.emails import EmailUndeliverable, email_canonical
from core.errors import DomainError
from core.links import SignedLink


def _sort_key(name: str) -> str:
    # "Österreich" among the O's: accents ignored, as a reader looks for a name in a list.
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


class _ByTranslatedName(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from sorted((self.choice(obj) for obj in self.queryset), key=lambda choice: _sort_key(choice[1]))


class JurisdictionField(forms.ModelChoiceField):
    """Where the requester lives, offered by name in the portal's language ("Illinois", "Übrige Welt"; the seed's
    names are in the catalogs, an officer's new one shows as entered), in the order of those names; posted as its
    code."""

    iterator = _ByTranslatedName

    def __init__(self, **kwargs):
        super().__init__(queryset=Jurisdiction.objects.all(), to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        return gettext(obj.name)


# The refusals a requester can meet on the portal, in the portal's language (the API answers them in English).
PORTAL_MESSAGES = {
    "invalid_link": _("This link is not valid."),
    "link_expired": _("This link has expired."),
    "report_not_ready": _("The report is not ready yet: the request has not been answered."),
    "subject_or_selfie_required": _("Give either the tenant and your reference with it, or a selfie."),
    "tenant_and_reference_together": _("Give both the organisation's code and your reference there, or neither."),
    "invalid_image": _("The photo is corrupt, truncated or too large to decode."),
    "image_too_large": _("The photo is too large."),
    "unsupported_media_type": _("Only JPEG, PNG, WebP and BMP photos are accepted."),
    "email_undeliverable": _("This email address cannot receive mail (its domain is not a valid internet name)."),
}


def portal_message(exc: DomainError) -> str:
    return str(PORTAL_MESSAGES.get(exc.code, exc.message))


def mail_budget_wait(request, email: str) -> float | None:
    """Each portal request mails a confirmation link: one address, and one client, get a few per window (no mail
    bomb); erasure and access requests share the budget. The seconds to wait, or None."""
    try:
        mailbox = email_canonical(email)
    except EmailUndeliverable:
        mailbox = email  # refused by the service right after
    return throttles.over_budget("portal_ip", request.META.get("REMOTE_ADDR", "")) or throttles.over_budget(
        "portal_email", mailbox
    )


def request_form_page(request, form, *, area: str, create):
    """GET shows the form (templates under portal/<area>/); a valid POST within the mail budget calls
    `create(cleaned_data, **fields)` with the fields every portal request gives its service, and a refusal is
    shown on the form."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if wait := mail_budget_wait(request, data["email"]):
            minutes = math.ceil(wait / 60)
            form.add_error(
                None,
                ngettext(
                    "Too many requests. Please try again in %(minutes)d minute.",
                    "Too many requests. Please try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = render(request, f"portal/{area}/request.html", {"form": form}, status=429)
            response["Retry-After"] = throttles.retry_after(wait)
            return response
        try:
            create(
                data,
                email=data["email"],
                jurisdiction=data["jurisdiction"].code,
                tenant=data["tenant"] or "",
                external_ref=data["external_ref"] or "",
                source="portal",
                language=get_language(),  # the requester's mails are written in it
                actor=Actor("portal:anonymous"),
            )
        except DomainError as exc:
            form.add_error(None, portal_message(exc))
        else:
            return render(request, f"portal/{area}/sent.html", {"email": data["email"]})
    return render(request, f"portal/{area}/request.html", {"form": form}, status=400 if form.errors else 200)


def link_error(request, exc: DomainError, *, area: str):
    return render(request, f"portal/{area}/link_error.html", {"message": portal_message(exc)}, status=http_status(exc))


def opened_by(model, link: SignedLink, *, area: str):
    """The view is given the request (of `model`) its signed link names instead of the token; a link that is
    forged, expired or meant for another page gets the link error page instead."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, token):
            try:
                subject_request = request_from_token(model, token=token, link=link)
            except DomainError as exc:
                return link_error(request, exc, area=area)
            return view(request, subject_request)

        return wrapped

    return decorate


def portal_path(link: SignedLink, pk) -> str:
    """A signed link's path on this site (links are mailed with the public base URL)."""
    return link.url(pk).removeprefix(settings.PUBLIC_BASE_URL.rstrip("/"))


def status_redirect(link: SignedLink, pk):
    return redirect(portal_path(link, pk))
