"""A data subject's history exported by an officer (JSON, or CSV for a spreadsheet): a read of their data, so it
is audited (subject.history_export) in the same step that builds the file."""

from __future__ import annotations

import csv
import io
import json

from django.db import transaction

from compliance.selectors.subject_history import subject_history
from consent.models import Subject
from core.audit import Actor, audit_append

EXPORT_FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
_CSV_COLUMNS = ["at", "kind", "summary", "id"]


def _render(subject: Subject, rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        document = {"subject": str(subject.pk), "tenant": subject.tenant.slug, "entries": rows}
        return json.dumps(document, indent=2, ensure_ascii=False)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def subject_history_export(*, subject: Subject, fmt: str, actor: Actor) -> tuple[str, str]:
    """(the file's text, its content type); `fmt` is one of EXPORT_FORMATS."""
    rows = [entry.as_row() for entry in subject_history(subject=subject)]
    body = _render(subject, rows, fmt)
    with transaction.atomic():
        audit_append(
            actor=actor, action="subject.history_export", obj=subject, details={"format": fmt, "entries": len(rows)}
        )
    return body, EXPORT_FORMATS[fmt]
