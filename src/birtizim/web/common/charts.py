"""Charts as inline SVG computed on the server: they render offline, print, and need no script."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bar:
    """One bar with every coordinate computed: templates cannot do arithmetic on floats."""

    label: str
    value: float
    y: float  # top of the row
    width: float
    text: str

    @property
    def text_y(self) -> float:
        return self.y + 13

    @property
    def bar_y(self) -> float:
        return self.y + 3

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 4


LABEL_WIDTH = 180.0


def bars(
    rows: list[dict[str, Any]], *, label: str, value: str, width: float = 420.0, row: float = 18.0
) -> dict[str, Any]:
    """Horizontal bars scaled from the smallest to the largest value, so small differences show."""
    values = [float(r[value]) for r in rows if r.get(value) is not None]
    if not values:
        return {"bars": [], "height": 0, "width": width}
    low, high = min(values), max(values)
    floor = max(0.0, low - (high - low) * 0.5 - 0.001)  # a shifted origin, marked on the axis
    span = (high - floor) or 1.0
    out = [
        Bar(
            str(r[label]),
            float(r[value]),
            i * row,
            8 + (width - 8) * (float(r[value]) - floor) / span,
            f"{float(r[value]):.1%}",
        )
        for i, r in enumerate(rows)
    ]
    height = len(out) * row
    return {
        "bars": out,
        "height": height,
        "view_width": width + LABEL_WIDTH + 60,
        "view_height": height + 20,
        "axis_y": height + 16,
        "bar_height": row - 5,
        "label_x": LABEL_WIDTH - 5,
        "bar_x": LABEL_WIDTH,
        "origin": f"{floor:.1%}",
    }


def line(points: list[tuple[str, float | None]], *, width: float = 420.0, height: float = 120.0) -> dict[str, Any]:
    """A polyline of values in [0, 1] (shares) across runs."""
    kept = [(lab, v) for lab, v in points if v is not None]
    if not kept:
        return {"points": "", "dots": [], "width": width, "height": height}
    low = min(v for _, v in kept)
    high = max(v for _, v in kept)
    pad = max((high - low) * 0.2, 0.005)
    low, high = max(0.0, low - pad), min(1.0, high + pad)
    step = (width - 40) / max(len(kept) - 1, 1)
    dots = [
        {
            "x": 20 + i * step,
            "y": 10 + (height - 30) * (1 - (v - low) / ((high - low) or 1)),
            "label": lab,
            "text": f"{v:.1%}",
        }
        for i, (lab, v) in enumerate(kept)
    ]
    return {
        "points": " ".join(f"{d['x']:.1f},{d['y']:.1f}" for d in dots),
        "dots": dots,
        "width": width,
        "height": height,
        "low": f"{low:.1%}",
        "high": f"{high:.1%}",
    }
