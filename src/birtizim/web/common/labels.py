"""Words for the engine's codes: people read "Status not determined", not "undetermined".

The engine speaks in stable codes (they are column values in run.duckdb and in exports); the web
translates them at the last moment so that the same run reads in Russian, Kazakh or English.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise, lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from birtizim.engine import labels as engine_labels
from birtizim.reference import District, regions
from birtizim.reference.osms import CATEGORIES
from birtizim.tables import places


def _word(kind: str, code: str | None) -> str:
    """A code's word in the reader's language from the engine's tables, which the command line's exports
    say too (their Russian and Kazakh are these catalogues' words); a code no table knows stays as it is."""
    return engine_labels.word(kind, code or "", get_language() or engine_labels.DEFAULT)


def _words(kind: str) -> dict[str, str]:
    """Every code of a kind with its word, said in the language of the request that shows it."""
    return {code: lazy(functools.partial(_word, kind, code), str)() for code in engine_labels.KINDS[kind]}


STATUS = _words("status")
CONFLICT = _words("conflict")
SOURCE = _words("source")

# Canonical fields of a source, as the upload preview names them beside the file's own headers.
FIELD: dict[str, Promise] = {
    "iin": _("IIN"),
    "last_name": _("Surname"),
    "first_name": _("First name"),
    "patronymic": _("Patronymic"),
    "full_name": _("Full name"),
    "birth_date": _("Birth date"),
    "sex": _("Sex"),
    "district": _("District"),
    "address": _("Address"),
    "registry_status": _("Registry status"),
    "status_date": _("Status date"),
    "payer_type": _("Payer type"),
    "last_payment_month": _("Last payment month"),
    "months_paid_60": _("Months paid of the last 60"),
    "registration_date": _("Registration date"),
    "payment_type": _("Payment type"),
    "disability_group": _("Disability group"),
    "institution": _("Institution"),
    "study_form": _("Form of study"),
    "child_birth_date": _("Child's birth date"),
    "childcare_reason": _("Leave reason"),
    "assigned_date": _("Assigned on"),
}

# Row problems of the upload preview (engine.preview).
PROBLEM: dict[str, Promise] = {
    "iin_empty": _("IIN is empty"),
    "iin_malformed": _("IIN is not 12 digits"),
    "iin_scientific_notation": _("IIN shown by Excel as 9.9E+11: digits lost"),
    "iin_reformatted": _("IIN had spaces or marks (cleaned)"),
    "iin_leading_zero_restored": _("IIN lost its leading zero (restored)"),
    "iin_letters_for_digits": _("IIN had letters for digits (cleaned)"),
    "iin_checksum": _("IIN fails the check digit"),
    # Rows not read at all (birtizim.tables, birtizim.engine.ingest): a code, then its figures after ":".
    "too_many_fields": _("too many fields: %(found)s where the header has %(expected)s"),
    "too_few_fields": _("too few fields: %(found)s where the header has %(expected)s"),
    "not_utf8": _("bytes that are not UTF-8 text"),
    "unclosed_quote": _("a quote that is not closed, or a quote inside an unquoted field"),
    "line_too_long": _("a line too long to read"),
    "unreadable_line": _("a line that cannot be read as a table row"),
    "empty_row": _("an empty row"),
    "no_iin_no_name": _("no usable IIN and no name"),
}

_CATEGORY = {c.code: c for c in CATEGORIES}


def status(code: str | None) -> str:
    return _word("status", code)


def conflict(code: str | None) -> str:
    return _word("conflict", code)


def conflicts(codes: str | None) -> str:
    """The work list's conflict codes, joined by ", " (one string per person), as words joined by "; "."""
    if not codes:
        return ""
    return "; ".join(conflict(code.strip()) for code in codes.split(","))


# What each conflict found, with its figures (the engine's ``conflicts.facts``); the reader's words.
CONFLICT_DETAIL: dict[str, Promise] = {
    "contributions_and_nonworking_category": _("pays contributions while listed as %(lists)s"),
    "departed_but_listed": _("the registry says %(status)s%(on)s, yet the person is in “%(source)s”"),
    "category_age_mismatch": _("in “%(source)s” at the age of %(age)s"),
    "district_mismatch": _("“%(source)s” writes the district as %(written)s, the registry has %(registry)s"),
    "iin_birth_date_mismatch": _("in “%(source)s” the IIN says born %(iin_date)s, the row %(row_date)s"),
    "duplicate_in_list": _("rows for this person in “%(source)s”: %(times)s"),
    "not_in_registry": _("a row of “%(source)s” matches no resident of the registry"),
    "iin_of_another_resident": _(
        "a row of “%(source)s” carries another resident's IIN; its name and birth date are this person's"
    ),
    "iin_name_mismatch": _("linked by the IIN in “%(source)s”, but the row's first name or birth date differ"),
    "uncertain_match": _("a possible match in “%(source)s”, probability %(probability)s"),
    "uncertain_match:iin_disputed": _(
        "in “%(source)s” the IIN is that of a resident whose name or birth date differ; probability %(probability)s"
    ),
    "uncertain_match:iin_range": _(
        "in “%(source)s” an IIN in scientific notation could be that of several residents of this name"
    ),
    "unknown_district": _("“%(source)s” names a district not recognised: %(written)s"),
}
ON_DATE = _(" on %(date)s")


def _short_date(value: object) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value or "")


def conflict_detail(facts: dict[str, Any]) -> str:
    """One conflict's facts as a sentence in the reader's language."""
    kind = str(facts.get("type", ""))
    if kind == "uncertain_match" and facts.get("reason") in ("iin_disputed", "iin_range"):
        kind = f"uncertain_match:{facts['reason']}"
    template = CONFLICT_DETAIL.get(kind)
    if template is None:
        return conflict(str(facts.get("type", "")))
    probability = facts.get("probability")
    values = {
        "source": source(str(facts.get("source") or "")),
        "lists": ", ".join(_word("listed_as", key) for key in engine_labels.LISTED_AS if facts.get(key)),
        "status": _word("registry_status", str(facts.get("registry_status", ""))),
        "on": str(ON_DATE) % {"date": _short_date(facts["on"])} if facts.get("on") else "",
        "age": facts.get("age", ""),
        "written": f"«{facts.get('written', '')}»",
        "registry": district_name(str(facts.get("registry") or "")),
        "iin_date": _short_date(facts.get("iin_date")),
        "row_date": _short_date(facts.get("row_date")),
        "times": facts.get("times", ""),
        "probability": number_format(float(probability), 3) if probability is not None else "–",
    }
    return str(template) % values


def conflict_details(facts: str | None) -> list[str]:
    """A work-list row's conflicts (a JSON array of facts) as sentences, each once."""
    if not facts:
        return []
    try:
        found = json.loads(facts)
    except ValueError:
        return []
    return list(dict.fromkeys(conflict_detail(f) for f in found if isinstance(f, dict)))


def source(code: str | None) -> str:
    return _word("source", code)


def field(code: str | None) -> str:
    return str(FIELD.get(code or "", code or ""))


def problem(code: str | None) -> str:
    """A row's problem in words; a reject reason carries its figures (``too_many_fields:5:3``)."""
    name, *figures = (code or "").split(":")
    found = PROBLEM.get(name)
    if found is None:
        return code or ""
    if len(figures) == 2:
        return str(found) % {"found": figures[0], "expected": figures[1]}
    return str(found)


def in_language(ru: str, kk: str, en: str, language: str | None = None) -> str:
    """Pick the reader's word where reference data carries all three (Russian unless kk or en)."""
    short = (language or get_language() or "ru")[:2]
    return {"kk": kk, "en": en}.get(short, ru)


def category(code: str | None) -> str:
    """Category names live with the OSMS rules in three languages; pick the active one."""
    found = _CATEGORY.get(code or "")
    if found is None:
        return code or ""
    return in_language(found.name_ru, found.name_kk, found.name_en)


@functools.cache
def _districts() -> dict[str, District]:
    # District codes are unique across the regions birtizim.reference knows (Almaty region, Shymkent);
    # "unplaced" is where a run counts the residents whose district is missing or not recognised.
    found = {d.code: d for r in regions().values() for d in r.districts}
    found[places.UNPLACED.code] = places.UNPLACED
    return found


def district_name(district: District | str | None, language: str | None = None, *, written: str = "") -> str:
    """A district's name in the reader's language, from a ``District`` or its code -- the one way every
    page and export names a district. A place no region knows (a run that kept the registry's places as
    written) shows ``written``, else its code."""
    found = district if isinstance(district, District) else _districts().get(district or "")
    if found is None:
        return written or str(district or "")
    return in_language(found.name_ru, found.name_kk, found.name_en, language)


REGION: dict[str, Promise] = {
    "almaty-2019": _("Almaty region (before the 2022 split)"),
    "shymkent": _("Shymkent"),
}


def region_name(code: str | None) -> str:
    found = REGION.get(code or "")
    return str(found) if found is not None else (code or "")


def category_codes() -> list[str]:
    return list(_CATEGORY)
