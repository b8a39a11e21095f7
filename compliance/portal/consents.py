"""The subject's consent page, reached by a signed link: see every consent, withdraw any one (GDPR Art. 7(3)),
download its receipt (Kantara JSON, the same signed as a JWT, the ISO/IEC TS 27560 record in DPV)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from consent import selectors, services
from consent.links import CONSENT_PAGE_LINK
from consent.receipts import consent_receipt, consent_receipt_jwt
from consent.records import consent_record
from consent.wording import purpose_sentence, purpose_title
from core.audit import Actor
from core.errors import DomainError
from policy.selectors import consents_in_force


def _private(response):
    # The token in the URL is a key to this page: keep it out of other sites' referrers and search engines.
    # (Not "no-referrer": browsers then send `Origin: null` and the CSRF check refuses the withdrawal.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _invalid(request, status=400):
    return _private(render(request, "portal/link_invalid.html", status=status))


def _subject_from_token(token):
    try:
        subject_id = CONSENT_PAGE_LINK.check_token(token)
    except DomainError:  # tampered or expired: one plain error page for both
        return None
    return selectors.portal_subject(subject_id=subject_id)


@never_cache
@require_http_methods(["GET"])
def consents_view(request, token):
    subject = _subject_from_token(token)
    if subject is None:
        return _invalid(request)
    in_force = set(consents_in_force(at=timezone.now(), subject=subject).values_list("pk", flat=True))
    rows = [
        {
            "consent": c,
            "title": purpose_title(c.purpose),
            "plain": purpose_sentence(c.purpose),
            "active": c.pk in in_force,
        }
        for c in selectors.subject_consents(subject=subject)
    ]
    return _private(render(request, "portal/consents.html", {"subject": subject, "rows": rows, "token": token}))


@never_cache
@require_http_methods(["GET", "POST"])
def consent_withdraw_view(request, token, consent_id):
    """GET asks for confirmation; POST (with the CSRF token) withdraws."""
    subject = _subject_from_token(token)
    if subject is None:
        return _invalid(request)
    consent = selectors.portal_consent(subject=subject, consent_id=consent_id)
    if consent is None:
        return _invalid(request, status=404)
    if request.method == "POST":
        consent = services.consent_withdraw(consent=consent, actor=Actor.subject(subject.id))
        messages.success(
            request,
            gettext("Your consent for “%(purpose)s” is withdrawn. %(organisation)s may no longer use your face for it.")
            % {"purpose": purpose_title(consent.purpose), "organisation": subject.tenant.name},
        )
        return redirect("consent-portal:consents", token=token)
    context = {
        "subject": subject,
        "consent": consent,
        "token": token,
        "title": purpose_title(consent.purpose),
        "plain": purpose_sentence(consent.purpose),
    }
    return _private(render(request, "portal/consent_withdraw.html", context))


RECEIPT_FORMS = {
    "json": ("application/json", lambda c: json.dumps(consent_receipt(c), indent=2, ensure_ascii=False)),
    "jwt": ("application/jwt", consent_receipt_jwt),
    "jsonld": ("application/ld+json", lambda c: json.dumps(consent_record(c), indent=2, ensure_ascii=False)),
}


@never_cache
@require_http_methods(["GET"])
def consent_receipt_view(request, token, consent_id, form):
    """The person's own copy of the receipt, as a file to keep."""
    subject = _subject_from_token(token)
    if subject is None:
        return _invalid(request)
    consent = selectors.portal_consent(subject=subject, consent_id=consent_id)
    if consent is None or form not in RECEIPT_FORMS:
        return _invalid(request, status=404)
    content_type, render_form = RECEIPT_FORMS[form]
    response = HttpResponse(render_form(consent), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="consent-receipt-{consent.pk}.{form}"'
    return _private(response)


@require_http_methods(["GET"])
def notice_view(request, notice_id):
    notice = selectors.public_notice(notice_id=notice_id)
    if notice is None:
        return _invalid(request, status=404)
    return render(request, "portal/notice.html", {"notice": notice, "title": purpose_title(notice.purpose)})
