"""Charts as inline SVG computed on the server: they render offline, print, and need no script.

Every coordinate leaves here as a string with a decimal point. Templates must not format numbers for
SVG: Django's number filters follow the active language, and Russian writes 412,3, which an SVG
attribute reads as a list of two coordinates (the bar vanishes, the label splits in two).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format

LABEL_WIDTH = 180.0
VALUE_WIDTH = 60.0


def svg_number(value: float) -> str:
    """A coordinate for an SVG attribute: always a decimal point, whatever the reader's language."""
    return f"{value:.1f}"


def share(value: float) -> str:
    """A share as people read it in the active language (Russian: 97,3%); for text, never coordinates."""
    # number_format cuts extra decimals off (27.37 -> 27,3): round first so 27.37% reads 27,4%.
    return f"{number_format(round(value * 100, 1), 1)}%"


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as people read it
    marked: bool  # the reader's own district
    y: str  # baseline of the label
    bar_y: str
    width: str
    value_x: str


def bars(
    rows: list[dict[str, Any]], *, label: str, value: str, width: float = 420.0, row: float = 18.0
) -> dict[str, Any]:
    """Horizontal bars scaled from a shifted origin, so that districts 2 points apart look different.

    The origin is printed under the chart: a shifted axis that is not marked would mislead.
    """
    kept = [r for r in rows if r.get(value) is not None]
    if not kept:
        return {"bars": []}
    values = [float(r[value]) for r in kept]
    low, high = min(values), max(values)
    origin = max(0.0, low - (high - low) * 0.5 - 0.001)
    span = (high - origin) or 1.0
    out = []
    for i, (r, v) in enumerate(zip(kept, values, strict=True)):
        length = 8 + (width - 8) * (v - origin) / span
        out.append(
            Bar(
                label=str(r[label]),
                marked=bool(r.get("mine")),
                text=share(v),
                y=svg_number(i * row + 13),
                bar_y=svg_number(i * row + 3),
                width=svg_number(length),
                value_x=svg_number(LABEL_WIDTH + length + 4),
            )
        )
    height = len(out) * row
    return {
        "bars": out,
        "view_width": svg_number(LABEL_WIDTH + width + VALUE_WIDTH),
        "view_height": svg_number(height + 20),
        "axis_y": svg_number(height + 16),
        "bar_height": svg_number(row - 5),
        "label_x": svg_number(LABEL_WIDTH - 5),
        "bar_x": svg_number(LABEL_WIDTH),
        "origin": share(origin),
    }


def line(points: list[tuple[str, float | None]], *, width: float = 420.0, height: float = 140.0) -> dict[str, Any]:
    """Shares in [0, 1] across runs, oldest first; a single run is one dot in the middle."""
    kept = [(lab, v) for lab, v in points if v is not None]
    if not kept:
        return {"dots": []}
    low = min(v for _, v in kept)
    high = max(v for _, v in kept)
    pad = max((high - low) * 0.2, 0.005)
    low, high = max(0.0, low - pad), min(1.0, high + pad)
    top, bottom = 22.0, height - 22.0  # room for the value above a dot and the run label below
    step = (width - 60) / (len(kept) - 1) if len(kept) > 1 else 0.0
    start = 30.0 if len(kept) > 1 else width / 2
    dots = []
    for i, (lab, v) in enumerate(kept):
        x = start + i * step
        y = bottom - (bottom - top) * (v - low) / ((high - low) or 1)
        dots.append(
            {"x": svg_number(x), "y": svg_number(y), "text_y": svg_number(y - 8), "label": lab, "text": share(v)}
        )
    return {
        "dots": dots,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "width": svg_number(width),
        "height": svg_number(height),
        "label_y": svg_number(height - 4),
        "baseline_y": svg_number(bottom + 6),
    }
