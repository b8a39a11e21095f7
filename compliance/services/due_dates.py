"""Due dates of erasure requests: calendar months with an end-of-month clamp, or plain days."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from consent.models import Jurisdiction

DEFAULT_ERASURE_DAYS = 30  # a jurisdiction without its own deadline gets Facegate's default


def add_months(moment: datetime, months: int) -> datetime:
    """Same day-of-month `months` later; a day the target month lacks clamps to its last day (31 Jan -> 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def erasure_due_at(*, jurisdiction: Jurisdiction, received_at: datetime) -> datetime:
    if jurisdiction.erasure_deadline_months:
        return add_months(received_at, jurisdiction.erasure_deadline_months)
    return received_at + timedelta(days=jurisdiction.erasure_deadline_days or DEFAULT_ERASURE_DAYS)
