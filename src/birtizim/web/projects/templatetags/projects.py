"""Numbers of the forecasts as people read them in the active language (text only, never SVG)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from birtizim.web.projects import explain

register = template.Library()


@register.filter
def chance(p_on_time: float | None, trials: int = 2000) -> str:
    return "–" if p_on_time is None else explain.chance(float(p_on_time), int(trials))


@register.filter
def ratio(value: float | None) -> str:
    return explain.ratio(value)


@register.filter
def money(value: float | Decimal | None) -> str:
    return "–" if value is None else explain.money(float(value))


@register.filter
def percent(value: float | Decimal | None, digits: int = 0) -> str:
    return "–" if value is None else explain.percent(float(value), int(digits))


# The forecasts' codes in the reader's words: explain's own functions, registered as they are.
register.filter("rag_label", explain.rag_label)
register.filter("severity_label", explain.severity_label)


@register.filter
def days_between(later: dt.date | None, earlier: dt.date | None) -> int | None:
    if later is None or earlier is None:
        return None
    return (later - earlier).days


@register.filter
def days(n: int | None) -> str:
    return "–" if n is None else explain.days(int(n))


@register.filter
def iso(value: dt.date | str | None) -> str:
    """For data attributes that tests and scripts read: the same in every language ("" when missing)."""
    return value.isoformat() if isinstance(value, dt.date) else ""
