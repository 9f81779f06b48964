from __future__ import annotations

from django import template

from birtizim.web.common import charts
from birtizim.web.outreach import check_labels

register = template.Library()


@register.filter
def severity_label(code: str | None) -> str:
    return check_labels.severity(code)


@register.filter
def share(value: float | None) -> str:
    """A share as a percentage with one decimal, rounded (0.27376 -> 27,4% in Russian)."""
    return "–" if value is None else charts.share(float(value))
