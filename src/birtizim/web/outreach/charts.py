"""Survey shares with their 95% intervals as inline SVG, computed here like ``common.charts``.

Every coordinate leaves as a string with a decimal point: templates never format numbers for SVG
(Russian writes 41,2, which an SVG attribute reads as two numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from birtizim.web.common.charts import share, svg_number

LABEL_WIDTH = 180.0
VALUE_WIDTH = 130.0


@dataclass(frozen=True)
class Interval:
    label: str
    text: str  # "23,0% (19,1–27,4%)"
    y: str  # label baseline
    line_y: str
    x_low: str
    x_high: str
    x_share: str
    value_x: str


def intervals(
    rows: list[tuple[str, float, float, float]], *, width: float = 360.0, row: float = 20.0
) -> dict[str, object]:
    """(label, share, low, high) per row, on one scale from 0 to a round top above every bound."""
    if not rows:
        return {"rows": []}
    top = max(0.1, math.ceil(max(high for _, _, _, high in rows) * 10) / 10)
    scale = width / top
    out = []
    for i, (label, value, low, high) in enumerate(rows):
        y = i * row + 14
        out.append(
            Interval(
                label=label,
                text=f"{share(value)} ({share(low)}–{share(high)})",
                y=svg_number(y),
                line_y=svg_number(y - 4),
                x_low=svg_number(LABEL_WIDTH + low * scale),
                x_high=svg_number(LABEL_WIDTH + high * scale),
                x_share=svg_number(LABEL_WIDTH + value * scale),
                value_x=svg_number(LABEL_WIDTH + width + 8),
            )
        )
    height = len(out) * row + 20
    ticks = [{"x": svg_number(LABEL_WIDTH + t * scale), "text": share(t)} for t in (top * k / 4 for k in range(5))]
    return {
        "rows": out,
        "view_width": svg_number(LABEL_WIDTH + width + VALUE_WIDTH),
        "view_height": svg_number(height),
        "label_x": svg_number(LABEL_WIDTH - 6),
        "axis_y": svg_number(height - 4),
        "axis_line_y": svg_number(height - 16),
        "axis_x1": svg_number(LABEL_WIDTH),
        "axis_x2": svg_number(LABEL_WIDTH + width),
        "ticks": ticks,
    }
