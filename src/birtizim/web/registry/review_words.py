"""The review page in words: each comparison the model made, its level and its weight said as people say it
("same birth date: strong evidence for"), and the row beside its candidates field by field.

The engine keeps, for every candidate of a review row, each comparison's level (Splink's ``gamma_*``: the
best level is the highest number, -1 when a side has no value) and its weight in bits (``mw_*``: the log2
of how much likelier the agreement is for the same person than for two people). A weight of 3.3 bits is
ten times likelier, 6.6 a hundred times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from birtizim import engine
from birtizim.web.common import labels

COMPARISONS: tuple[tuple[str, Promise], ...] = (
    ("name", _("Surname and first name")),
    ("patronymic_key", _("Patronymic")),
    ("iin", _("IIN")),
    ("iin_lo", _("IIN shown as 9.9E+11")),
    ("birth_date", _("Birth date")),
    ("sex", _("Sex")),
    ("district", _("District")),
    ("address_key", _("Address")),
)

LEVELS: dict[str, dict[int, Promise]] = {
    "name": {
        5: _("both the same"),
        4: _("the same, swapped"),
        3: _("one the same, the other close"),
        2: _("the same surname, the first name's initial fits"),
        1: _("only one of the two the same"),
        0: _("different"),
    },
    "patronymic_key": {3: _("the same"), 2: _("the initial fits"), 1: _("close"), 0: _("different")},
    "iin": {2: _("the same"), 1: _("one or two digits apart"), 0: _("different")},
    "iin_lo": {1: _("the resident's IIN is within the number's range"), 0: _("outside the number's range")},
    "birth_date": {
        4: _("the same"),
        3: _("day and month swapped"),
        2: _("the same year, and the day or the month"),
        1: _("the same day and month, another year"),
        0: _("different"),
    },
    "sex": {1: _("the same"), 0: _("different")},
    "district": {1: _("the same"), 0: _("different")},
    "address_key": {3: _("the same"), 2: _("nearly the same"), 1: _("alike (the same street)"), 0: _("different")},
}
MISSING = _("missing on one side: says nothing")

# (least bits, words): the weight's size said in words, for and against.
FOR = ((6.6, _("very strong evidence for")), (3.3, _("strong evidence for")), (1.0, _("some evidence for")))
AGAINST = (
    (6.6, _("very strong evidence against")),
    (3.3, _("strong evidence against")),
    (1.0, _("some evidence against")),
)
NEUTRAL = _("little evidence either way")


def evidence(bits: float | None) -> str:
    """A weight in bits as words."""
    if bits is None:
        return str(NEUTRAL)
    for least, words in FOR if bits > 0 else AGAINST:
        if abs(bits) >= least:
            return str(words)
    return str(NEUTRAL)


@dataclass(frozen=True)
class Comparison:
    label: str
    level: str
    evidence: str
    bits: float | None
    direction: str  # "for", "against" or "none": the page colours it


def comparisons(candidate: dict[str, Any]) -> list[Comparison]:
    """Each comparison the model made for a candidate, in words, and what the list says about them."""
    out = []
    for key, label in COMPARISONS:
        gamma, bits = candidate.get(f"gamma_{key}"), candidate.get(f"mw_{key}")
        if gamma is None:
            continue  # the model had no such comparison (neither side carries the field)
        if int(gamma) < 0:  # a side without the field: nothing to weigh
            out.append(Comparison(str(label), str(MISSING), "", None, "none"))
            continue
        weight = None if bits is None else float(bits)
        level = str(LEVELS[key].get(int(gamma), ""))
        out.append(Comparison(str(label), level, evidence(weight), weight, _direction(weight)))
    listed = candidate.get("mw_list")
    if listed is not None:
        bits = float(listed)
        out.append(
            Comparison(
                str(_("Who this list holds")),
                str(_("age, sex, and whether the list already has the resident")),
                evidence(bits),
                bits,
                _direction(bits),
            )
        )
    return out


def _direction(bits: float | None) -> str:
    if bits is None or abs(bits) < 1.0:
        return "none"
    return "for" if bits > 0 else "against"


FIELDS: tuple[tuple[str, Promise], ...] = (
    ("iin", _("IIN")),
    ("last_name", _("Surname")),
    ("first_name", _("First name")),
    ("patronymic", _("Patronymic")),
    ("birth_date", _("Birth date")),
    ("sex", _("Sex")),
    ("district", _("District")),
    ("address", _("Address")),
)


SEX = {"M": _("male"), "F": _("female")}


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if key == "iin":
        text = str(value)
        return "*" * max(len(text) - 4, 0) + text[-4:]
    if key == "birth_date":
        return f"{value:%d.%m.%Y}" if hasattr(value, "strftime") else str(value)
    if key == "district":
        return labels.district_name(str(value))
    if key == "sex":
        return str(SEX.get(str(value), value))
    return str(value)


def _same(key: str, a: Any, b: Any) -> bool:
    if key in ("last_name", "first_name", "patronymic"):
        return engine.names.fold(str(a)) == engine.names.fold(str(b))
    return str(a).strip().lower() == str(b).strip().lower()


def side_by_side(row: dict[str, Any], candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Field by field: the row's value, and each candidate's with whether it agrees with the row's
    ("same", "differs", or "" when either side is empty)."""
    mine = {
        "iin": row.get("row_iin") or row.get("iin_raw"),
        "last_name": row.get("last_name"),
        "first_name": row.get("first_name"),
        "patronymic": row.get("patronymic"),
        "birth_date": row.get("birth_date"),
        "sex": row.get("sex"),
        "district": row.get("row_district") or row.get("district_raw"),
        "address": row.get("address"),
    }
    lines = []
    for key, label in FIELDS:
        cells = []
        for c in candidates:
            theirs = c.get(key)
            agree = "" if not mine[key] or not theirs else ("same" if _same(key, mine[key], theirs) else "differs")
            cells.append({"value": _shown(key, theirs), "agree": agree})
        shown_row = _shown(key, mine[key]) if key != "district" or row.get("row_district") else mine[key] or ""
        lines.append({"field": key, "label": str(label), "row": shown_row, "candidates": cells})
    return lines
