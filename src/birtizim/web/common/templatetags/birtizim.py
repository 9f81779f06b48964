from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

from birtizim.web.common import charts, labels

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """A count grouped in the reader's number format (20 000 in Russian and Kazakh, 20,000 in English).

    A filter rather than USE_THOUSAND_SEPARATOR: that setting would group every number a template prints,
    ids in links and form field names included.
    """
    if value is None or value == "":
        return "–"
    try:
        return str(number_format(int(value), force_grouping=True))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def district_names(codes: str | None) -> str:
    """Several district codes joined by commas (an audit entry's) as names."""
    return ", ".join(labels.district_name(c.strip()) for c in (codes or "").split(",") if c.strip())


@register.filter
def audit_subject(entry: Any) -> str:
    from birtizim.web.audit.labels import subject

    return subject(entry)


@register.filter
def pct(value: float | None) -> str:
    """A share as a percentage in the active language's number format (0.9338 -> 93.4%)."""
    if value is None:
        return "–"
    return charts.share(float(value))


# Filters that only say a code in the reader's words are the labels' own functions, registered as they
# are: each word has one definition, and no wrapper repeats it.
CODE_WORDS: dict[str, Callable[[str | None], str]] = {
    "district_name": labels.district_name,
    "status_label": labels.status,
    "category_label": labels.category,
    "field_label": labels.field,
    "problem_label": labels.problem,
    "source_label": labels.source,
    "conflict_labels": labels.conflicts,  # the work list's codes joined by ", " (one string per person)
}
for _name, _words in CODE_WORDS.items():
    register.filter(_name, _words)


@register.filter
def in_row(field: Any, key: Any) -> str:
    """A form field rendered once per row of a table (``{{ form.result|in_row:person_id }}``): its id made
    unique with the row's key (``id_result-25``), so that each row's ``<label for=...>`` names its own field
    and no id repeats on the page."""
    return str(field.as_widget(attrs={"id": f"{field.auto_id}-{key}"}))


@register.filter
def data(value: Any) -> str:
    """A piece of data inside a translated sentence (a username, a file name): marked ``translate="no"``, so
    that neither a browser's translator nor the language check takes it for the page's wording."""
    return format_html('<span translate="no">{}</span>', value)
