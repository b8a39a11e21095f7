"""Geometry of the officer dashboard's server-side SVG charts (rendered by templates/officer/_chart_*.html)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bar_chart(*, points: list[tuple], width: int = 640, height: int = 180) -> dict:
    """Vertical bars for [(date, value)]; the top of the scale is the largest value (at least 1)."""
    left, bottom, top = 36, 22, 10
    plot_w, plot_h = width - left - 6, height - bottom - top
    peak = max([value for _, value in points] + [1])
    step = plot_w / max(len(points), 1)
    bars = []
    for i, (day, value) in enumerate(points):
        h = plot_h * value / peak
        bars.append(
            Bar(
                x=round(left + i * step + 1, 1),
                y=round(top + plot_h - h, 1),
                width=round(max(step - 2, 1), 1),
                height=round(h, 1),
                label=day.isoformat(),
                value=value,
            )
        )
    ticks = [bars[i] for i in range(0, len(bars), 7)] if bars else []
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "baseline": top + plot_h,
        "peak": peak,
        "bars": bars,
        "ticks": ticks,
        "total": sum(b.value for b in bars),
    }


@dataclass(frozen=True)
class TimelineRow:
    y: float
    x_start: float
    x_end: float
    label: str
    due: datetime
    state: str
    url: str

    @property
    def width(self) -> float:
        return round(self.x_end - self.x_start, 1)


def deadline_timeline(
    *, now: datetime, orders, requests, access=(), more: int = 0, width: int = 640, limit: int = 15
) -> dict:
    """A row per order/request owing an answer (with a .deadline_state): a bar from received to deadline on an axis
    from 30 days ago to 60 ahead. `more`: open items not passed in (the dashboard reads the soonest only), counted as
    hidden."""
    start, end = now - timedelta(days=30), now + timedelta(days=60)
    label_w, row_h = 170, 20
    plot_w = width - label_w - 24
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        clamped = min(max(at, start), end)
        return round(label_w + plot_w * (clamped - start).total_seconds() / span, 1)

    items = [
        (
            o.deadline,
            o.received_at,
            f"{o.regulator} {o.reference}",
            o.deadline_state,
            reverse("officer:order", args=[o.pk]),
        )
        for o in orders
        if o.deadline_state
    ]
    items += [
        (
            r.due_at,
            r.received_at,
            f"{kind} request {str(r.pk)[:8]}",
            r.deadline_state,
            reverse(f"officer:{kind.lower()}-request", args=[r.pk]),
        )
        for kind, rows in (("Erasure", requests), ("Access", access))
        for r in rows
        if r.deadline_state
    ]
    items.sort(key=lambda item: item[0])
    rows = [
        TimelineRow(
            y=8 + i * row_h,
            x_start=x(received),
            x_end=max(x(due), x(received) + 2),
            label=label[:28],
            due=due,
            state=state,
            url=url,
        )
        for i, (due, received, label, state, url) in enumerate(items[:limit])
    ]
    axis = [{"x": x(now + timedelta(days=d)), "label": "today" if d == 0 else f"{d:+d}d"} for d in (-30, 0, 30, 60)]
    return {
        "width": width,
        "height": 8 + len(rows) * row_h + 24,
        "rows": rows,
        "today": x(now),
        "axis": axis,
        "axis_y": 8 + len(rows) * row_h + 14,
        "hidden": max(len(items) - limit, 0) + more,
    }
