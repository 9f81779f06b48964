"""The object's timeline as SVG coordinates: planned percent curve, reported points, the Monte Carlo
band (10th to 90th percentile of percent complete across trials) after the data date, the deadline,
the data date and the P80 finish.

As in ``common.charts``, every coordinate leaves here as a string with a decimal point: Russian
writes 412,3, which an SVG attribute would read as two numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format

from birtizim import projects as core
from birtizim.web.common.charts import svg_number
from birtizim.web.projects import explain

WIDTH, HEIGHT = 760.0, 300.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 16.0, 24.0, 40.0


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months inside the range; every second or third when the range is long."""
    first = dt.date(start.year, start.month, 1)
    days = []
    while first <= end:
        if first >= start:
            days.append(first)
        first = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    step = max(1, -(-len(days) // 12))
    return days[::step]


def timeline(f: core.Forecast) -> dict[str, Any]:
    s, e = f.simulation, f.earned
    start = f.baseline.start
    ends = [f.baseline.finish, f.project.deadline, s.p90, e.data_date]
    if f.actual:
        ends.append(f.actual[-1].date)
    if s.band:
        ends.append(s.band[-1].date)
    end = max(ends) + dt.timedelta(days=7)
    span = max((end - start).days, 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return LEFT + plot_w * (day - start).days / span

    def y(percent: float) -> float:
        return TOP + plot_h * (1 - min(max(percent, 0.0), 100.0) / 100)

    planned = " ".join(f"{svg_number(x(p.date))},{svg_number(y(p.percent))}" for p in f.planned)
    # The planned curve stays at 100% after the planned finish, so a late object is seen against it.
    planned += f" {svg_number(x(end))},{svg_number(y(100))}"
    actual = [
        {
            "x": svg_number(x(p.date)),
            "y": svg_number(y(p.percent)),
            "title": f"{explain.day(p.date)}: {explain.percent(p.percent)}",
        }
        for p in f.actual
    ]
    band = ""
    median = ""
    if s.band and e.finished_on is None:
        upper = [f"{svg_number(x(b.date))},{svg_number(y(b.p90))}" for b in s.band]
        lower = [f"{svg_number(x(b.date))},{svg_number(y(b.p10))}" for b in reversed(s.band)]
        band = " ".join(upper + lower)
        median = " ".join(f"{svg_number(x(b.date))},{svg_number(y(b.p50))}" for b in s.band)
    ticks = [{"x": svg_number(x(d)), "label": date_format(d, "M y")} for d in _months(start, end)]
    grid = [{"y": svg_number(y(v)), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)]
    return {
        "width": svg_number(WIDTH),
        "height": svg_number(HEIGHT),
        "left": svg_number(LEFT),
        "right": svg_number(WIDTH - RIGHT),
        "top": svg_number(TOP),
        "bottom": svg_number(HEIGHT - BOTTOM),
        "tick_y": svg_number(HEIGHT - BOTTOM + 16),
        "label_y": svg_number(TOP - 8),
        "grid": grid,
        "ticks": ticks,
        "planned": planned,
        "actual": actual,
        "actual_line": " ".join(f"{p['x']},{p['y']}" for p in actual),
        "band": band,
        "median": median,
        "deadline_x": svg_number(x(f.project.deadline)),
        "deadline": explain.day(f.project.deadline),
        "data_x": svg_number(x(e.data_date)),
        "data_date": explain.day(e.data_date),
        "p80_x": svg_number(x(s.p80)),
        "p80_y": svg_number(y(100)),
        "p80": explain.day(s.p80),
        "p80_label_y": svg_number(y(100) + 14),
    }
