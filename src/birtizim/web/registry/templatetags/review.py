"""Words for the review and publication pages: districts, a review row's state, why a decision was not
applied, how a row was linked."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from birtizim.web.common import labels

register = template.Library()

STATE = {
    "left": _("nobody decided"),
    "unsure": _("unsure"),
    "stale": _("decided, changed since"),
    "decided": _("decided since this run"),
}
STALE = {
    "person_changed": _("The resident's registry record has changed since: look again."),
    "person_gone": _("The resident is no longer in the registry: look again."),
    "contradictory": _("People's decisions about this row contradict each other: look again."),
    "row_absent": _("The row has changed since."),
}
METHOD = {
    "iin": _("IIN"),
    "iin_repaired": _("repaired IIN"),
    "probabilistic": _("names and birth date"),
    "decided": _("a person's decision"),
    "new": _("not in the registry"),
}


@register.filter
def district_label(code: str | None) -> str:
    return labels.district_name(code)


@register.filter
def review_state(code: str | None) -> str:
    return str(STATE.get(code or "", code or ""))


@register.filter
def stale_reason(code: str | None) -> str:
    return str(STALE.get(code or "", ""))


@register.filter
def link_method(code: str | None) -> str:
    return str(METHOD.get(code or "", code or ""))


@register.filter
def get(mapping: dict[str, object] | None, key: str) -> object:
    """``row|get:key``: a value of a dictionary whose key is in a variable."""
    return (mapping or {}).get(key, "")


@register.filter
def residents_total(districts: list[dict[str, object]] | None) -> int | None:
    """The residents of a run's district table (its summary)."""
    return sum(int(str(d.get("residents", 0))) for d in districts) if districts else None


@register.filter
def actualisation_total(districts: list[dict[str, object]] | None) -> float | None:
    """The region's actualisation from a run's district table (the engine's one definition)."""
    from birtizim import engine

    if not districts:
        return None
    residents = sum(int(str(d.get("residents", 0))) for d in districts)
    undetermined = sum(int(str(d.get("undetermined", 0))) for d in districts)
    return engine.actualisation(residents, undetermined)
