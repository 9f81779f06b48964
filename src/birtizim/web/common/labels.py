"""Words for the engine's codes: people read "Status not determined", not "undetermined".

The engine speaks in stable codes (they are column values in run.duckdb and in exports); the web
translates them at the last moment so that the same run reads in Russian, Kazakh or English.
"""

from __future__ import annotations

import functools

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from birtizim.reference import District, regions
from birtizim.reference.osms import CATEGORIES

STATUS: dict[str, Promise] = {
    "state": _("insured by the state"),
    "contributor": _("contributor"),
    "lapsed": _("lapsed"),
    "undetermined": _("status undetermined"),
    "left": _("deceased or emigrated"),
}

CONFLICT: dict[str, Promise] = {
    "contributions_and_nonworking_category": _("contributions and a non-working category"),
    "departed_but_listed": _("deceased or emigrated, still listed"),
    "category_age_mismatch": _("category does not fit the age"),
    "district_mismatch": _("district differs between sources"),
    "iin_birth_date_mismatch": _("IIN disagrees with the birth date"),
    "duplicate_in_list": _("twice in one list"),
    "not_in_registry": _("matches no resident"),
    "uncertain_match": _("uncertain match"),
    "iin_of_another_resident": _("IIN of another resident"),
    "iin_name_mismatch": _("name differs from the IIN's resident"),
    "unknown_district": _("district not recognised"),
}

SOURCE: dict[str, Promise] = {
    "registry": _("Population registry"),
    "contributions": _("State Revenue: contributions"),
    "unemployed": _("Registered unemployed"),
    "pension": _("Pension recipients"),
    "disability": _("Persons with disabilities"),
    "students": _("Full-time students"),
    "childcare": _("Childcare leave"),
    "asp": _("Targeted social assistance (ASP)"),
}

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
}

_CATEGORY = {c.code: c for c in CATEGORIES}


def status(code: str | None) -> str:
    return str(STATUS.get(code or "", code or ""))


def conflict(code: str | None) -> str:
    return str(CONFLICT.get(code or "", code or ""))


def conflicts(codes: str | None) -> str:
    """The work list's conflict codes, joined by ", " (one string per person), as words joined by "; "."""
    if not codes:
        return ""
    return "; ".join(conflict(code.strip()) for code in codes.split(","))


def source(code: str | None) -> str:
    return str(SOURCE.get(code or "", code or ""))


def field(code: str | None) -> str:
    return str(FIELD.get(code or "", code or ""))


def problem(code: str | None) -> str:
    return str(PROBLEM.get(code or "", code or ""))


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


def district_name(district: District, language: str | None = None) -> str:
    return in_language(district.name_ru, district.name_kk, district.name_en, language)


@functools.cache
def _districts() -> dict[str, District]:
    # District codes are unique across the regions birtizim.reference knows (Almaty region, Shymkent).
    return {d.code: d for r in regions().values() for d in r.districts}


def district(code: str | None) -> str:
    """A district's name in the active language (its code when no region knows it)."""
    found = _districts().get(code or "")
    return code or "" if found is None else district_name(found)


def category_codes() -> list[str]:
    return list(_CATEGORY)
