from __future__ import annotations

from django import template

from birtizim.web.common import charts, labels

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """A share as a percentage in the active language's number format (0.9338 -> 93.4%)."""
    if value is None:
        return "–"
    return charts.share(float(value))


@register.filter
def status_label(code: str | None) -> str:
    return labels.status(code)


@register.filter
def category_label(code: str | None) -> str:
    return labels.category(code)


@register.filter
def field_label(code: str | None) -> str:
    return labels.field(code)


@register.filter
def problem_label(code: str | None) -> str:
    return labels.problem(code)


@register.filter
def source_label(code: str | None) -> str:
    return labels.source(code)


@register.filter
def conflict_labels(codes: str | None) -> str:
    """The work list carries conflict codes joined by ", " (one string per person)."""
    return labels.conflicts(codes)
