from __future__ import annotations

import re

from django import template

from birtizim.web.common.templatetags.birtizim import pct
from birtizim.web.outreach import check_labels

register = template.Library()


# The checks' codes in the reader's words: check_labels' own functions, registered as they are.
register.filter("severity_label", check_labels.severity)
register.filter("operator_words", check_labels.operator)  # a sign (≤, ≠) or, for the pairs, words
register.filter("outreach_word", check_labels.word)  # an audience, occupation, channel or topic
# A share as a percentage with one decimal (0.27376 -> 27,4% in Russian): the platform's one filter for it.
register.filter("share", pct)


_NAME = re.compile(r"\b[a-z_][a-z0-9_]*\b")


@register.filter
def rule_words(expression: str | None) -> str:
    """A rule's side in words: each figure it names (``reach_to_date``) by its label in the reader's language."""
    return _NAME.sub(lambda m: check_labels.value(m.group(0)), expression or "")
