"""Harsh damage: agency rows written as if by a hostile clerk (``birtizim synth --damage harsh``).

The standard noise of ``agencies`` is what the engine was built against. This module adds the damage
real agency files show and the engine was not tuned to: another resident's IIN (a relative's or a
random one), IINs with dashes, odd spaces or letters for digits, scientific notation with three
digits, names in the 2018 Latin alphabet or old passport spellings, initials, Latin look-alike
letters, names in another order, missing patronymics and birth dates, and birth dates written as
two-digit years, with "г.", as Excel serial numbers or with day and month swapped.

Every kind is drawn with its own rate from a generator of its own (seeded from the region's seed), so
the standard output of a seed does not change, and every row records in the truth which kinds hit
it (``damage_<kind>``). Only damage that changed the row is recorded. Loops run over the damaged
rows only (a few percent), never over the whole list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from birtizim.synth.population import BoolArray, IntArray, Population
from birtizim.synth.spelling import russian

ObjArray = npt.NDArray[np.object_]
Fits = Callable[[str], bool]  # can the list's encoding hold this text?


@dataclass(frozen=True)
class Kind:
    name: str
    rate: float  # per row, among the rows the kind applies to
    what: str


# Exclusive within a group (a row's IIN is damaged one way at most); groups are drawn independently.
IIN_KINDS = (
    Kind("relative_iin", 0.012, "the IIN of another resident with the same surname and district (a relative)"),
    Kind("random_iin", 0.008, "the IIN of a random other resident"),
    Kind("iin_digits_swapped", 0.01, "two neighbouring digits swapped"),
    Kind("iin_dashes", 0.012, "digit groups joined by en dashes, em dashes or minus signs"),
    Kind("iin_odd_spaces", 0.01, "digit groups separated by non-breaking or thin spaces"),
    Kind("iin_letters", 0.01, "the letter O/О for 0, l or I for 1"),
    Kind("iin_scientific_3", 0.01, "scientific notation with three significant digits (7.91E+11)"),
    Kind("iin_missing", 0.01, "the IIN cell left empty"),
)
SCRIPT_KINDS = (
    Kind("latin_2018", 0.03, "names in the 2018 Kazakh Latin alphabet (Sýleımenov)"),
    Kind("latin_2021", 0.02, "names in the 2021 Kazakh Latin alphabet (Jaqsylyq)"),
    Kind("passport_old", 0.02, "names in older passport spellings (YURIY, SERGEJ, SCHUKIN)"),
)
NAME_KINDS = (
    Kind("initials", 0.02, "first name and patronymic as initials (Иванов И.И.)"),
    Kind("name_order", 0.015, "names in another order: columns swapped, or Имя Отчество Фамилия in one column"),
    Kind("capitals_and_spaces", 0.03, "names in capitals with doubled spaces and a stray dot"),
    Kind("look_alike_letters", 0.015, "Latin letters that look Cyrillic typed into a Cyrillic name"),
    Kind("first_name_typo", 0.015, "a letter of the first name dropped, doubled or swapped"),
)
DATE_KINDS = (
    Kind("two_digit_year", 0.015, "birth date with a two-digit year (12.03.85)"),
    Kind("year_suffix", 0.015, "birth date followed by г. (12.03.1985 г.)"),
    Kind("excel_serial", 0.015, "birth date as an Excel serial number (31119)"),
    Kind("day_month_swapped", 0.01, "birth date written month first (03.12.1985)"),
)
MISSING_KINDS = (Kind("no_patronymic_no_birth_date", 0.02, "patronymic and birth date both left empty"),)

KINDS: tuple[Kind, ...] = IIN_KINDS + SCRIPT_KINDS + NAME_KINDS + DATE_KINDS + MISSING_KINDS
KIND_NAMES = tuple(k.name for k in KINDS)
MODES = ("standard", "harsh")
SEED_SALT = 2018  # the damage generator's own stream: np.random.default_rng([seed, SEED_SALT])

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (with its 1900 leap-year bug folded in)


@dataclass
class Damaged:
    """The damaged columns of one list, the cells that are no longer of their column's type, and flags."""

    last: ObjArray
    first: ObjArray
    patronymic: ObjArray
    iin: ObjArray
    birth_missing: BoolArray
    full_name_order: ObjArray  # per row: None, or "first_patronymic_last" for one-column names
    overrides: dict[str, dict[int, Any]] = field(default_factory=dict)  # field -> row -> cell value
    flags: dict[str, BoolArray] = field(default_factory=dict)


def apply(
    *,
    kind: str,
    headers: dict[str, str],
    encoding: str,
    pop: Population,
    idx: IntArray,
    outsider: BoolArray,
    last: ObjArray,
    first: ObjArray,
    patronymic: ObjArray,
    iin: ObjArray,
    birth: npt.NDArray[np.datetime64],
    rng: np.random.Generator,
) -> Damaged:
    """Damage one agency list's rows (arrays are copied, not changed in place). A clerk types only what
    the list's ``encoding`` can hold: a cp1251 list gets no thin spaces and no Kazakh Latin letters."""
    n = len(idx)
    out = Damaged(
        last=last.copy(),
        first=first.copy(),
        patronymic=patronymic.copy(),
        iin=iin.copy(),
        birth_missing=np.zeros(n, bool),
        full_name_order=np.full(n, None, dtype=object),
    )
    out.flags = {k: np.zeros(n, bool) for k in KIND_NAMES}
    one_column = "full_name" in headers
    has_birth = "birth_date" in headers
    has_patronymic = "patronymic" in headers or one_column

    def fits(text: str) -> bool:
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    _damage_iin(out, pop, idx, outsider, fits, rng)
    _damage_names(out, one_column, fits, rng)
    if has_birth:
        missing = has_patronymic & (rng.random(n) < MISSING_KINDS[0].rate)
        out.birth_missing = missing
        out.patronymic[missing] = None
        out.flags["no_patronymic_no_birth_date"] = missing
        _damage_dates(out, birth, ~missing, rng)
    return out


# --- IIN --------------------------------------------------------------------------------------------


def _pick(kinds: tuple[Kind, ...], n: int, rng: np.random.Generator) -> IntArray:
    """Per row: index of the kind drawn from an exclusive group, or -1."""
    p = np.array([k.rate for k in kinds])
    picked: IntArray = rng.choice(len(kinds) + 1, n, p=[*p, 1 - p.sum()])
    return np.where(picked == len(kinds), -1, picked)


def _damage_iin(
    out: Damaged, pop: Population, idx: IntArray, outsider: BoolArray, fits: Fits, rng: np.random.Generator
) -> None:
    n = len(idx)
    written = np.array([bool(v) for v in out.iin], bool)
    picked = np.where(written, _pick(IIN_KINDS, n, rng), -1)
    names = [k.name for k in IIN_KINDS]
    resident = np.flatnonzero(pop.registry_status == 0)
    entry = pop.surname_form // 3
    own = np.clip(idx, None, len(pop) - 1)

    for i in np.flatnonzero(picked == names.index("relative_iin")):
        other = _relative(pop, entry, int(own[i]), bool(outsider[i]), rng)
        if other is not None:
            out.iin[i] = f"{int(pop.iin[other]):012d}"
            out.flags["relative_iin"][i] = True
    for i in np.flatnonzero(picked == names.index("random_iin")):
        other = int(resident[rng.integers(0, len(resident))])
        if outsider[i] or other != own[i]:
            out.iin[i] = f"{int(pop.iin[other]):012d}"
            out.flags["random_iin"][i] = True
    for i in np.flatnonzero(picked == names.index("iin_digits_swapped")):
        digits = _digits(out.iin[i])
        if digits:
            j = int(rng.integers(0, 11))
            swapped = digits[:j] + digits[j + 1] + digits[j] + digits[j + 2 :]
            if swapped != digits:
                out.iin[i] = swapped
                out.flags["iin_digits_swapped"][i] = True
    dashes = tuple(c for c in ("\u2013", "\u2014", "\u2212", "-") if fits(c))
    spaces = tuple(c for c in ("\u00a0", "\u2009", "\u202f") if fits(c))
    for i in np.flatnonzero(picked == names.index("iin_dashes")):
        digits = _digits(out.iin[i])
        if digits:
            dash = dashes[int(rng.integers(0, len(dashes)))]
            out.iin[i] = dash.join((digits[:6], digits[6:])) if rng.random() < 0.5 else _groups(digits, dash)
            out.flags["iin_dashes"][i] = True
    for i in np.flatnonzero(picked == names.index("iin_odd_spaces")):
        digits = _digits(out.iin[i])
        if digits:
            out.iin[i] = _groups(digits, spaces[int(rng.integers(0, len(spaces)))])
            out.flags["iin_odd_spaces"][i] = True
    for i in np.flatnonzero(picked == names.index("iin_letters")):
        digits = _digits(out.iin[i])
        if digits and any(d in "01" for d in digits):
            out.iin[i] = _letters_for_digits(digits, rng)
            out.flags["iin_letters"][i] = True
    for i in np.flatnonzero(picked == names.index("iin_scientific_3")):
        digits = _digits(out.iin[i])
        if digits:
            out.iin[i] = f"{int(digits):.2E}"
            out.flags["iin_scientific_3"][i] = True
    missing = picked == names.index("iin_missing")
    out.iin[missing] = ""
    out.flags["iin_missing"] = missing


def _relative(pop: Population, entry: IntArray, person: int, outsider: bool, rng: np.random.Generator) -> int | None:
    """Another resident with the same surname, from the same district when there is one."""
    same = (entry == entry[person]) & (pop.registry_status == 0)
    if not outsider:
        same[person] = False
    near = same & (pop.district == pop.district[person])
    pool = np.flatnonzero(near if near.any() else same)
    return int(pool[rng.integers(0, len(pool))]) if len(pool) else None


def _digits(value: Any) -> str | None:
    """The 12 digits of an IIN cell the standard noise left readable, else None."""
    text = str(value or "")
    return text if len(text) == 12 and text.isdigit() else None


def _groups(digits: str, sep: str) -> str:
    return sep.join((digits[:4], digits[4:8], digits[8:]))


def _letters_for_digits(digits: str, rng: np.random.Generator) -> str:
    zero, one = ("O", "О", "o")[int(rng.integers(0, 3))], ("l", "I")[int(rng.integers(0, 2))]
    out = digits.replace("0", zero, int(rng.integers(1, 3))) if "0" in digits else digits
    return out.replace("1", one, 1) if rng.random() < 0.5 or out == digits else out


# --- names ------------------------------------------------------------------------------------------

_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"

_LATIN_2018 = dict(
    zip(
        "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я".split(),
        "a á b v g ǵ d e ıo j z ı ı k q l m n ń o ó p r s t ý u ú f h h ts ch sh sh _ y i _ e ıý ıa".split(),
        strict=True,
    )
)
# Capitals where str.upper() of the lower-case spelling is wrong: И/Й are I, І is I as well.
_LATIN_2018_UPPER = {"и": "I", "й": "I", "ё": "Io", "ю": "Iý", "я": "Ia"}

# Old passports (MVD 1997-2010 and earlier): Й is Y or J, Щ SHCH or SCH, Ч CH or TCH, Ю YU, Я YA.
_PASSPORT_OLD = dict(
    zip(
        "а б в г д е ё ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я".split(),
        "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split(),
        strict=True,
    )
)
_PASSPORT_OLD_VARIANT = {"й": "j", "щ": "sch", "ч": "tch"}

_LATIN_2021 = dict(
    zip(
        "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я".split(),
        "a ä b v g ğ d e io j z i i k q l m n ñ o ö p r s t u ū ü f h h ts ç ş şş _ y ı _ e iu ia".split(),
        strict=True,
    )
)
_LATIN_2021_UPPER = {"и": "İ", "й": "İ", "і": "I", "ю": "İu", "я": "İa", "ё": "İo"}

# Cyrillic letters and the Latin letters that look like them.
_LOOK_ALIKES = {"А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
                "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x"}  # fmt: skip


def _is_cyrillic(text: Any) -> bool:
    return isinstance(text, str) and any(c.lower() in _CYRILLIC for c in text)


def _transliterate(text: str, table: dict[str, str], upper: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        latin = table.get(low, low).replace("_", "")
        if ch != low:
            latin = upper.get(low) or latin[:1].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


def latin_2018(text: str) -> str:
    """The 2018 Kazakh Latin alphabet (acute accents), from Kazakh or Russian Cyrillic."""
    return _transliterate(text, _LATIN_2018, _LATIN_2018_UPPER)


def latin_2021(text: str) -> str:
    return _transliterate(text, _LATIN_2021, _LATIN_2021_UPPER)


def passport_old(text: str, variant: bool = False) -> str:
    """An older passport spelling, in capitals, of the Russian spelling."""
    table = {**_PASSPORT_OLD, **(_PASSPORT_OLD_VARIANT if variant else {})}
    return _transliterate(russian(text), table, {}).upper()


def _damage_names(out: Damaged, one_column: bool, fits: Fits, rng: np.random.Generator) -> None:
    n = len(out.last)
    cyrillic = np.array([_is_cyrillic(v) for v in out.last], bool)
    script = np.where(cyrillic, _pick(SCRIPT_KINDS, n, rng), -1)
    for s, spec in enumerate(SCRIPT_KINDS):
        for i in np.flatnonzero(script == s):
            variant = bool(rng.random() < 0.5)
            written = []
            for column in (out.last, out.first, out.patronymic):
                text = str(column[i]) if _is_cyrillic(column[i]) else None
                written.append(
                    None
                    if text is None
                    else latin_2018(text)
                    if spec.name == "latin_2018"
                    else latin_2021(text)
                    if spec.name == "latin_2021"
                    else passport_old(text, variant)
                )
            if all(w is None or fits(w) for w in written):
                for column, w in zip((out.last, out.first, out.patronymic), written, strict=True):
                    if w is not None:
                        column[i] = w
                out.flags[spec.name][i] = True

    draws = {k.name: rng.random(n) < k.rate for k in NAME_KINDS}
    for i in np.flatnonzero(draws["initials"]):
        if out.first[i]:
            out.first[i] = str(out.first[i])[0] + "."
            if out.patronymic[i]:
                out.patronymic[i] = str(out.patronymic[i])[0] + "."
            out.flags["initials"][i] = True
    for i in np.flatnonzero(draws["first_name_typo"] & ~out.flags["initials"]):
        typed = _mistype(str(out.first[i] or ""), rng)
        if typed != out.first[i]:
            out.first[i] = typed
            out.flags["first_name_typo"][i] = True
    for i in np.flatnonzero(draws["look_alike_letters"]):
        text = str(out.last[i] or "")
        places = [j for j, c in enumerate(text) if c in _LOOK_ALIKES]
        if _is_cyrillic(text) and places:
            for j in rng.choice(places, min(len(places), int(rng.integers(1, 3))), replace=False):
                text = text[:j] + _LOOK_ALIKES[text[j]] + text[j + 1 :]
            out.last[i] = text
            out.flags["look_alike_letters"][i] = True
    for i in np.flatnonzero(draws["capitals_and_spaces"]):
        out.last[i] = f" {str(out.last[i]).upper()} " if out.last[i] else out.last[i]
        if out.first[i]:
            out.first[i] = str(out.first[i]).upper().rstrip(".") + "."
        if out.patronymic[i]:
            out.patronymic[i] = str(out.patronymic[i]).upper() + "  "
        out.flags["capitals_and_spaces"][i] = True
    order = np.flatnonzero(draws["name_order"])
    if one_column:
        # "Иван Иванович Иванов": first name, patronymic, then surname (needs a patronymic to read)
        has = np.array([bool(out.patronymic[i]) for i in order], bool)
        out.full_name_order[order[has]] = "first_patronymic_last"
        out.flags["name_order"][order[has]] = True
    else:
        out.last[order], out.first[order] = out.first[order], out.last[order].copy()
        out.flags["name_order"][order] = True


def _mistype(name: str, rng: np.random.Generator) -> str:
    if len(name) < 4:
        return name
    i = int(rng.integers(1, len(name) - 1))
    op = int(rng.integers(0, 3))
    if op == 0:
        return name[:i] + name[i + 1 :]
    if op == 1:
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def full_names(out: Damaged) -> list[str | None]:
    """One-column names in the order each row was written."""
    joined: list[str | None] = []
    for last, first, patronymic, order in zip(out.last, out.first, out.patronymic, out.full_name_order, strict=True):
        parts = [first, patronymic, last] if order == "first_patronymic_last" else [last, first, patronymic]
        text = " ".join(str(p) for p in parts if p)
        joined.append(text or None)
    return joined


# --- dates ------------------------------------------------------------------------------------------


def _damage_dates(
    out: Damaged, birth: npt.NDArray[np.datetime64], allowed: BoolArray, rng: np.random.Generator
) -> None:
    n = len(birth)
    picked = np.where(allowed & ~np.isnat(birth), _pick(DATE_KINDS, n, rng), -1)
    cells: dict[int, Any] = {}
    for d, spec in enumerate(DATE_KINDS):
        rows = np.flatnonzero(picked == d)
        for i in rows:
            day = birth[i].astype("datetime64[D]").astype(dt.date)
            if spec.name == "day_month_swapped" and day.day == day.month:
                picked[i] = -1  # the same date either way: nothing was damaged
                continue
            if spec.name == "two_digit_year":
                cells[int(i)] = f"{day:%d.%m.%y}"
            elif spec.name == "year_suffix":
                cells[int(i)] = f"{day:%d.%m.%Y}" + (" г." if rng.random() < 0.7 else "г.")
            elif spec.name == "excel_serial":
                cells[int(i)] = int((birth[i].astype("datetime64[D]") - EXCEL_EPOCH).astype(int))
            else:
                cells[int(i)] = f"{day:%m.%d.%Y}"
        out.flags[spec.name][rows[picked[rows] == d]] = True
    for i in np.flatnonzero(out.birth_missing):
        cells[int(i)] = None
    if cells:
        out.overrides["birth_date"] = cells
