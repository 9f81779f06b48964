from __future__ import annotations

import re

from django import template

from birtizim.web.common import charts
from birtizim.web.outreach import check_labels

register = template.Library()


@register.filter
def severity_label(code: str | None) -> str:
    return check_labels.severity(code)


@register.filter
def operator_words(code: str | None) -> str:
    """A rule's comparison: a sign (≤, ≠) or, for the pairs, words in the reader's language."""
    return check_labels.operator(code)


@register.filter
def share(value: float | None) -> str:
    """A share as a percentage with one decimal, rounded (0.27376 -> 27,4% in Russian)."""
    return "–" if value is None else charts.share(float(value))


@register.filter
def outreach_word(text: str | None) -> str:
    """An audience, occupation, channel or topic in the reader's words (``check_labels.word``)."""
    return check_labels.word(text)


_NAME = re.compile(r"\b[a-z_][a-z0-9_]*\b")


@register.filter
def rule_words(expression: str | None) -> str:
    """A rule's side in words: each figure it names (``reach_to_date``) by its label in the reader's language."""
    return _NAME.sub(lambda m: check_labels.value(m.group(0)), expression or "")
