"""A DET curve (FNIR against FPIR, log-scaled FPIR) as a small hand-written SVG: no plotting library needed."""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT, MARGIN = 640, 420, 60
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
FPIR_MIN = 1e-4


def det_svg(curves: dict[str, list[tuple[float, float]]], *, title: str, marks: dict[str, tuple[float, float]]) -> str:
    """curves: label -> [(FPIR, FNIR)]; marks: label -> one (FPIR, FNIR) point (e.g. the default rule)."""
    left, right = math.log10(FPIR_MIN), 0.0

    def x(fpir: float) -> float:
        value = math.log10(max(fpir, FPIR_MIN))
        return MARGIN + (value - left) / (right - left) * (WIDTH - 2 * MARGIN)

    def y(fnir: float) -> float:
        return HEIGHT - MARGIN - fnir * (HEIGHT - 2 * MARGIN)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" '
        f'font-size="12"><rect width="100%" height="100%" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 15}" text-anchor="middle">FPIR (strangers given a name), log scale</text>',
        f'<text x="15" y="{HEIGHT / 2}" transform="rotate(-90 15 {HEIGHT / 2})" text-anchor="middle">'
        "FNIR (enrolled people not found first)</text>",
    ]
    for exponent in range(int(left), 1):
        px = x(10.0**exponent)
        parts.append(f'<line x1="{px:.1f}" y1="{y(0)}" x2="{px:.1f}" y2="{y(1)}" stroke="#ddd"/>')
        parts.append(f'<text x="{px:.1f}" y="{y(0) + 16}" text-anchor="middle">{10.0**exponent:g}</text>')
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(f'<line x1="{x(FPIR_MIN)}" y1="{y(tick):.1f}" x2="{x(1)}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{MARGIN - 8}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0%}</text>')
    for i, (label, points) in enumerate(curves.items()):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{x(f):.1f},{y(n):.1f}" for f, n in sorted(points))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{WIDTH - MARGIN - 150}" y="{MARGIN + 16 * i}" fill="{colour}">{escape(label)}</text>')
    for label, (fpir, fnir) in marks.items():
        parts.append(f'<circle cx="{x(fpir):.1f}" cy="{y(fnir):.1f}" r="5" fill="black"/>')
        parts.append(f'<text x="{x(fpir) + 8:.1f}" y="{y(fnir) - 8:.1f}">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
