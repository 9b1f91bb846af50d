"""A participant's competency profile as a radar chart: an SVG made on the server, one axis
per competency, readable without JavaScript and with a table beside it for screen readers."""

from __future__ import annotations

import math
from html import escape

SIZE = 420
CENTRE = SIZE / 2
RADIUS = 150


def _point(index: int, count: int, fraction: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (
        round(CENTRE + RADIUS * fraction * math.cos(angle), 1),
        round(CENTRE + RADIUS * fraction * math.sin(angle), 1),
    )


def svg(axes: list[tuple[str, float]], title: str, rings: int = 4) -> str:
    """``axes``: (short label, value from 0 to 1) in order around the chart."""
    count = max(len(axes), 3)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        'aria-labelledby="radar-title" class="radar" direction="ltr" font-family="sans-serif" '
        'font-size="11">',
        f'<title id="radar-title">{escape(title)}</title>',
    ]
    for ring in range(1, rings + 1):
        points = " ".join(
            f"{x},{y}" for x, y in (_point(i, count, ring / rings) for i in range(count))
        )
        parts.append(f'<polygon points="{points}" fill="none" stroke="#d5dbe2"/>')
    for i, (label, _) in enumerate(axes):
        x, y = _point(i, count, 1)
        lx, ly = _point(i, count, 1.16)
        anchor = "middle" if abs(lx - CENTRE) < 10 else ("start" if lx > CENTRE else "end")
        parts.append(f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x}" y2="{y}" stroke="#d5dbe2"/>')
        parts.append(
            f'<text x="{lx}" y="{ly}" text-anchor="{anchor}" dominant-baseline="middle" '
            f'fill="#1d2733">{escape(label)}</text>'
        )
    if axes:
        shape = " ".join(
            f"{x},{y}"
            for x, y in (_point(i, count, max(0.0, min(1.0, v))) for i, (_, v) in enumerate(axes))
        )
        parts.append(
            f'<polygon points="{shape}" fill="#0b5cad" fill-opacity="0.25" stroke="#0b5cad" '
            f'stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
