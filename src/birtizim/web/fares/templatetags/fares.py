from __future__ import annotations

from django import template
from django.utils.formats import number_format

from birtizim.web.common import charts
from birtizim.web.fares import labels

register = template.Library()


@register.filter
def pct1(value: float | None) -> str:
    """A share as a percentage with one decimal in the reader's number format (0.0396 -> 4,0%)."""
    return "–" if value is None else charts.share(float(value))


@register.filter
def whole(value: float | None) -> str:
    """A whole number grouped in the reader's format (328 512 in Russian)."""
    return "–" if value is None else number_format(round(float(value)), force_grouping=True)


@register.filter
def decimal2(value: float | None) -> str:
    return "–" if value is None else number_format(round(float(value), 2), 2)


@register.filter
def fine_status(code: str | None) -> str:
    return labels.fine_status(code or "")


@register.filter
def link_method(code: str | None) -> str:
    return labels.link_method(code or "")


@register.filter
def get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)
