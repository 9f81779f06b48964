from __future__ import annotations

from django import template
from django.utils.formats import number_format

from birtizim.web.common.templatetags.birtizim import pct
from birtizim.web.fares import labels

register = template.Library()


# A share as a percentage with one decimal in the reader's number format (0.0396 -> 4,0%): the platform's
# one filter for it.
register.filter("pct1", pct)


@register.filter
def whole(value: float | None) -> str:
    """A whole number grouped in the reader's format (328 512 in Russian)."""
    return "–" if value is None else number_format(round(float(value)), force_grouping=True)


@register.filter
def decimal2(value: float | None) -> str:
    return "–" if value is None else number_format(round(float(value), 2), 2)


# The module's codes in the reader's words: the labels' own functions, registered as they are.
register.filter("fine_status", labels.fine_status)
register.filter("link_method", labels.link_method)


@register.filter
def get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)
