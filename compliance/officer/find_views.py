"""Finding things in the officer console: one search over every kind of record, and a data subject's whole
history on one page with its export. Officers read every tenant's records (as the lists do); the export of a
subject's history is audited as a read of their data (compliance.services.subject_history); viewing a page is not,
as no officer page is."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from compliance.officer.views import officer_required
from compliance.selectors.search import only_match, search
from compliance.selectors.subject_history import subject_get, subject_history
from compliance.services import subject_history as history_service
from compliance.services.subject_history import EXPORT_FORMATS
from consent.models import Subject
from core.audit import Actor

MAX_QUERY = 320  # the longest e-mail address
_PAGE_OF = {
    "subjects": "officer:subject",
    "orders": "officer:order",
    "erasure_requests": "officer:erasure-request",
    "access_requests": "officer:access-request",
    "certificates": "officer:certificate",
}


@officer_required
def search_view(request):
    text = request.GET.get("q", "").strip()
    if len(text) > MAX_QUERY:
        return HttpResponseBadRequest("The search text is too long.")
    results = search(text=text)
    single = only_match(results)
    if single and text.lower() == str(single[1].pk):  # an exact id goes straight to its page
        return redirect(_PAGE_OF[single[0]], single[1].pk)
    # The typed text is shown back only when it is not an e-mail address (pages can be logged or cached).
    shown = "" if "@" in text else text
    return render(
        request,
        "officer/search.html",
        {"q": shown, "searched": bool(text), "results": results, "total": sum(map(len, results.values()))},
    )


def _subject_or_404(subject_id) -> Subject:
    try:
        return subject_get(subject_id=subject_id)
    except Subject.DoesNotExist:
        raise Http404 from None


@officer_required
def subject_history_view(request, subject_id):
    subject = _subject_or_404(subject_id)
    return render(
        request, "officer/subject_history.html", {"subject": subject, "entries": subject_history(subject=subject)}
    )


@officer_required
def subject_history_export(request, subject_id, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    subject = _subject_or_404(subject_id)
    body, content_type = history_service.subject_history_export(
        subject=subject, fmt=fmt, actor=Actor.user(request.user)
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="subject-history-{subject.pk}.{fmt}"'
    return response
