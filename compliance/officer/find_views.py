"""Finding things in the officer console: one search over every kind of record, and a data subject's whole
history on one page with its export. Officers read every tenant's records (as the lists do); the export of a
subject's history is audited as a read of their data (subject.history_exported), the pages are not, like every
other officer page."""

from __future__ import annotations

import csv
import io
import json

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from compliance.officer.views import officer_required
from compliance.selectors.search import only_match, search
from compliance.selectors.subject_history import subject_get, subject_history
from consent.models import Subject
from core.audit import Actor, audit_append

MAX_QUERY = 320  # the longest e-mail address
_PAGE_OF = {
    "subjects": "officer:subject",
    "orders": "officer:order",
    "erasure_requests": "officer:erasure-request",
    "access_requests": "officer:access-request",
    "certificates": "officer:certificate",
}
EXPORT_FORMATS = ("json", "csv")


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
    rows = [entry.as_row() for entry in subject_history(subject=subject)]
    audit_append(
        actor=Actor.user(request.user),
        action="subject.history_exported",
        obj=subject,
        details={"format": fmt, "entries": len(rows)},
    )
    filename = f"subject-history-{subject.pk}.{fmt}"
    if fmt == "json":
        body = json.dumps(
            {"subject": str(subject.pk), "tenant": subject.tenant.slug, "entries": rows}, indent=2, ensure_ascii=False
        )
        response = HttpResponse(body, content_type="application/json")
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["at", "kind", "summary", "id"])
        writer.writeheader()
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
