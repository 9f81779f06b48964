from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """A share as a percentage in the active language's number format (0.9338 -> 93.4%)."""
    if value is None:
        return "–"
    return f"{number_format(float(value) * 100, digits)}%"
