"""Due dates of data subject requests: calendar months with an end-of-month clamp, or plain days, counted on the
calendar of the jurisdiction's zone and stored as an instant; stopped time and an extension move them
(compliance.services.clocks)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from consent.models import Jurisdiction

DEFAULT_ERASURE_DAYS = 30  # a jurisdiction without its own deadline gets Facegate's default


def add_months(moment: datetime, months: int) -> datetime:
    """Same day-of-month `months` later; a day the target month lacks clamps to its last day (31 Jan -> 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def extension_allowed(jurisdiction: Jurisdiction) -> bool:
    return bool(jurisdiction.extension_months or jurisdiction.extension_days)


def erasure_due_at(
    *,
    jurisdiction: Jurisdiction,
    received_at: datetime,
    paused_for: timedelta = timedelta(0),
    extended: bool = False,
) -> datetime:
    """The clock starts at receipt and runs except while stopped (`paused_for`); an extension adds the law's
    further period to the first due date (months chained, so 31 Jan -> 28 Feb -> 28 Apr: the earlier reading)."""
    # Aware datetimes in one ZoneInfo add wall-clock time: a month or a day on the law's own calendar (DST aside).
    start = (received_at + paused_for).astimezone(ZoneInfo(jurisdiction.time_zone))
    if jurisdiction.erasure_deadline_months:
        due = add_months(start, jurisdiction.erasure_deadline_months)
    else:
        due = start + timedelta(days=jurisdiction.erasure_deadline_days or DEFAULT_ERASURE_DAYS)
    if extended and jurisdiction.extension_months:
        due = add_months(due, jurisdiction.extension_months)
    elif extended and jurisdiction.extension_days:
        due += timedelta(days=jurisdiction.extension_days)
    return due.astimezone(UTC)
