"""Kazakhstan individual identification numbers (IIN, ИИН / ЖСН).

Layout of the 12 digits: d1-d6 birth date YYMMDD; d7 century and sex (1/2 = 1800s male/female,
3/4 = 1900s, 5/6 = 2000s); d8-d11 serial; d12 check digit. The check digit is computed in two passes
(see ``check_digit``); a number whose second pass also gives 10 is never issued.

Three layers, each usable on its own:

* scalar Python (``parse``, ``is_valid``, ``clean``, ``repair_candidates``) for single values and tests;
* vectorised NumPy (``valid_mask``) for arrays, used by the synthetic generator;
* DuckDB SQL macros (``install_sql``) so the engine validates, cleans and repairs millions of rows
  set-based, never in a Python loop. Tests check that the layers agree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from birtizim.tables.check_digit import WEIGHTS_1, WEIGHTS_2, check_digit

if TYPE_CHECKING:
    import duckdb


# digit 7 -> (first year of the century, sex)
CENTURY_SEX: dict[int, tuple[int, str]] = {
    1: (1800, "M"),
    2: (1800, "F"),
    3: (1900, "M"),
    4: (1900, "F"),
    5: (2000, "M"),
    6: (2000, "F"),
}


class InvalidIIN(ValueError):
    """Raised by ``parse`` with the reason the number is not a valid IIN."""


@dataclass(frozen=True, slots=True)
class IIN:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def parse(value: str) -> IIN:
    """Parse a clean 12-digit IIN; raise ``InvalidIIN`` saying what is wrong."""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise InvalidIIN(f"an IIN has 12 digits, got {len(value)} characters")
    century_sex = CENTURY_SEX.get(int(value[6]))
    if century_sex is None:
        raise InvalidIIN(f"digit 7 must be 1-6 (century and sex), got {value[6]}")
    century, sex = century_sex
    try:
        birth = dt.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError as exc:
        raise InvalidIIN(f"digits 1-6 are not a date: {exc}") from None
    expected = check_digit(value[:11])
    if expected is None:
        raise InvalidIIN("the check digit cannot be computed: such a number is never issued")
    if expected != int(value[11]):
        raise InvalidIIN("check digit does not match")
    return IIN(value=value, birth_date=birth, sex=sex)


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except InvalidIIN:
        return False
    return True


def make(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Build the IIN for a birth date, sex and 4-digit serial; None if that serial gives no check digit."""
    century = (birth_date.year // 100) * 100
    digit7 = next(d for d, (c, s) in CENTURY_SEX.items() if c == century and s == sex)
    first11 = f"{birth_date:%y%m%d}{digit7}{serial:04d}"
    c = check_digit(first11)
    return None if c is None else first11 + str(c)


# --------------------------------------------------------------------------------------------
# Cleaning what agencies' spreadsheets do to IINs
# --------------------------------------------------------------------------------------------


class CleanStatus(StrEnum):
    OK = "ok"  # 12 digits as received
    REFORMATTED = "reformatted"  # spaces, dashes, apostrophes, quotes or a trailing ".0" removed
    LOOKALIKE = "letters_for_digits"  # the letter O/О typed for 0, l/I/І for 1
    LEADING_ZERO = "leading_zero_restored"  # 9-11 digits: Excel stored a number and dropped zeros
    SCIENTIFIC = "scientific_notation"  # 9.91028E+11: the digits that survived give a range, not an IIN
    EMPTY = "empty"
    MALFORMED = "malformed"  # other letters, wrong length, anything else


@dataclass(frozen=True, slots=True)
class Cleaned:
    iin: str | None  # 12 digits (checksum not yet verified) or None when unrecoverable
    status: CleanStatus


# Characters spreadsheets and clerks put around or between digits, one class for Python and SQL so
# both clean alike: every space (also non-breaking, thin, narrow, zero-width and the BOM), every dash
# (hyphen, non-breaking hyphen, figure, en and em dash, minus sign) and apostrophes and quotes (the
# Excel text prefix and its typographic look-alikes). RE2 and Python read the same literal ranges.
_SPACES = " \t\r\n\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff"
_DASHES = "\\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
_QUOTES = "'\"`\u00b4\u02b9\u02bc\u2018-\u201f\u00ab\u00bb"
_DECORATION = f"[{_SPACES}{_DASHES}{_QUOTES}]"
_EDGE_SPACE = f"^[{_SPACES}]+|[{_SPACES}]+$"
# Letters typed for digits: Latin and Cyrillic O/o for 0; Latin l and I, Cyrillic І/і for 1. Only a
# value that is all digits once they are read as digits is taken (a name in the IIN column is not).
LOOKALIKE_FROM = "OoОоlIІі"
LOOKALIKE_TO = "00001111"
_SCIENTIFIC = r"([0-9])(?:[.,]([0-9]+))?[eE]\+?([0-9]+)"
# An IIN is at most 12 digits (a 99... IIN rounded to one digit shows as 1E+12); the smallest (born
# January 2000) has 9 once its zeros are dropped.
_SCIENTIFIC_EXPONENTS = (8, 12)
_LARGEST = 10**12 - 1


def scientific_range(raw: str | None) -> tuple[int, int] | None:
    """The IINs a number in scientific notation can stand for, as an inclusive range.

    Excel shows 791028302728 as 7.91028E+11: the mantissa is rounded, so the IIN lies within half a
    unit of its last digit (791027500000..791028500000). With every digit kept (7.91028302728E+11)
    the range is one number. None when the text is not scientific notation of a 9-12 digit number.
    """
    if raw is None:
        return None
    m = re.fullmatch(_SCIENTIFIC, re.sub(_EDGE_SPACE, "", str(raw)).replace(" ", ""))
    if m is None:
        return None
    fraction = m[2] or ""
    exponent = int(m[3])
    if not _SCIENTIFIC_EXPONENTS[0] <= exponent <= _SCIENTIFIC_EXPONENTS[1] or len(fraction) > _MAX_FRACTION:
        return None
    # value = mantissa digits x 10^scale; half a unit of the last digit either side (exact integers)
    scale = exponent - len(fraction)
    mantissa = int(m[1] + fraction)
    if scale >= 0:
        value, half = mantissa * 10**scale, 10**scale // 2 if scale else 0
        return (value - half, min(value + half, _LARGEST)) if value - half <= _LARGEST else None
    # More digits than the exponent needs: an integer only if the extra ones are zeros.
    value_exact, rest = divmod(mantissa, 10**-scale)
    return (value_exact, value_exact) if rest == 0 else None


def clean(raw: str | int | float | None) -> Cleaned:
    """Recover the 12 digits an agency meant to write, or say why that cannot be done.

    Scientific notation is never expanded into an IIN unless every digit survived: 9.91028E+11 stands
    for a million IINs and picking one would invent a person. ``scientific_range`` gives the range the
    engine matches, together with names and birth date.
    """
    if raw is None:
        return Cleaned(None, CleanStatus.EMPTY)
    if isinstance(raw, float):
        # A numeric spreadsheet cell: integral floats are the digits, others are damage.
        raw = str(int(raw)) if raw.is_integer() and raw < 1e12 else repr(raw)
    text = re.sub(_EDGE_SPACE, "", str(raw))
    if not text:
        return Cleaned(None, CleanStatus.EMPTY)
    if re.fullmatch(_SCIENTIFIC, text.replace(" ", "")):
        span = scientific_range(text)
        exact = span is not None and span[0] == span[1]
        return Cleaned(f"{span[0]:012d}" if exact and span else None, CleanStatus.SCIENTIFIC)
    stripped = re.sub(r"\.0$", "", re.sub(_DECORATION, "", text))
    status = CleanStatus.OK if stripped == text else CleanStatus.REFORMATTED
    if not (stripped.isascii() and stripped.isdigit()):
        as_digits = stripped.translate(str.maketrans(LOOKALIKE_FROM, LOOKALIKE_TO))
        if not stripped or not (as_digits.isascii() and as_digits.isdigit()) or as_digits == stripped:
            return Cleaned(None, CleanStatus.MALFORMED if stripped else CleanStatus.EMPTY)
        stripped, status = as_digits, CleanStatus.LOOKALIKE
    if len(stripped) == 12:
        return Cleaned(stripped, status)
    if 9 <= len(stripped) <= 11:
        # People born in 2000-2009 have IINs starting with 0 (born Jan-Sep 2000: 000), which a
        # numeric cell drops. A digit lost to a typo also lands here; the checksum tells them apart.
        return Cleaned(stripped.zfill(12), CleanStatus.LEADING_ZERO)
    return Cleaned(None, CleanStatus.MALFORMED)


# --------------------------------------------------------------------------------------------
# Repair candidates: every valid IIN one substitution or one adjacent swap away
# --------------------------------------------------------------------------------------------


def neighbours(value: str) -> set[str]:
    """All 12-digit strings one digit substitution or one adjacent transposition away."""
    out: set[str] = set()
    for i in range(12):
        for d in "0123456789":
            if d != value[i]:
                out.add(value[:i] + d + value[i + 1 :])
    for i in range(11):
        if value[i] != value[i + 1]:
            out.add(value[:i] + value[i + 1] + value[i] + value[i + 2 :])
    return out


def repair_candidates(value: str) -> list[str]:
    """Valid IINs one typing error away from ``value`` (sorted). Reference implementation of the SQL."""
    return sorted(c for c in neighbours(value) if is_valid(c))


# --------------------------------------------------------------------------------------------
# Vectorised validation (NumPy)
# --------------------------------------------------------------------------------------------

_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def digits_matrix(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """(n, 12) matrix of the decimal digits of 12-digit numbers held as int64."""
    powers = 10 ** np.arange(11, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % 10


def check_digits(first11: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Check digits for an (n, 11) digit matrix; -1 where both passes give 10."""
    c1 = (first11 @ np.array(WEIGHTS_1)) % 11
    c2 = (first11 @ np.array(WEIGHTS_2)) % 11
    c = np.where(c1 == 10, c2, c1)
    return np.where(c == 10, -1, c)


def valid_mask(values: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Vectorised ``is_valid`` over 12-digit numbers held as int64 (leading zeros implicit)."""
    d = digits_matrix(values)
    yy = d[:, 0] * 10 + d[:, 1]
    mm = d[:, 2] * 10 + d[:, 3]
    dd = d[:, 4] * 10 + d[:, 5]
    c7 = d[:, 6]
    century = np.select([c7 <= 2, c7 <= 4], [1800, 1900], 2000)
    year = century + yy
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_ok = (mm >= 1) & (mm <= 12)
    max_day = np.where(month_ok, _DAYS_IN_MONTH[np.clip(mm, 0, 12)], 0) - ((mm == 2) & ~leap)
    date_ok = month_ok & (dd >= 1) & (dd <= max_day)
    check = check_digits(d[:, :11])
    valid: npt.NDArray[np.bool_] = (
        (values >= 0) & (values < 10**12) & (c7 >= 1) & (c7 <= 6) & date_ok & (check == d[:, 11])
    )
    return valid


# --------------------------------------------------------------------------------------------
# DuckDB SQL
# --------------------------------------------------------------------------------------------


def _sql_str(pattern: str) -> str:
    """A Python regex source as the body of a SQL string literal."""
    return pattern.replace("'", "''")


def _digit_sql(n: str, position: int) -> str:
    """Digit at 1-based ``position`` of a 12-digit number held as BIGINT (integer maths beats substr)."""
    return f"(({n} // {10 ** (12 - position)}) % 10)"


def _weighted_sum_sql(n: str, weights: tuple[int, ...]) -> str:
    return " + ".join(f"{w} * {_digit_sql(n, i + 1)}" for i, w in enumerate(weights))


_MAX_FRACTION = 20  # mantissa digits after the point worth reading; more is not a number from a spreadsheet
_POWERS = "[" + ", ".join(f"CAST({10**i} AS HUGEINT)" for i in range(_MAX_FRACTION + 2)) + "]"


# The macros work on the IIN as a BIGINT: the engine validates and repairs millions of values, and
# integer arithmetic is several times faster than slicing strings. `iin_is_valid(s)` takes text.
# A macro's argument is pasted wherever it is named, so on big tables cast the text to BIGINT once
# into a column and call the *_n macros on that column.
def _prefix_sum_sql(n: str, coefficient: tuple[int, int]) -> str:
    """SQL: sum over k = 1..10 of (a·k + b) · (n // 10^(k+1)), the number's first 11 - k digits."""
    a, b = coefficient
    return " + ".join(f"{a * k + b} * ({n} // {10 ** (k + 1)})" for k in range(1, 11))


# The weighted sums without reading the digits one by one (half the arithmetic on millions of rows).
# With T_k = n // 10^(k+1), the number made of the first 11 - k digits, a digit d_i (i = 1..11) is
# T_(11-i) - 10·T_(12-i), so sum(i·d_i) = 11·T_0 + sum((9k - 109)·T_k) ≡ sum((9k + 1)·T_k) (mod 11).
# The second pass's weights are the first's plus 2 (mod 11), so its sum adds twice the digit sum,
# m - 9·sum(T_k) with m = n // 10: sum((9k + 5)·T_k) + 2m (mod 11). Tests hold both to the weights.
FIRST_PASS, SECOND_PASS = (9, 1), (9, 5)

SQL_MACROS = f"""
-- Each sum appears once (nullif/coalesce rather than CASE, which would repeat it), and the second
-- pass is only computed where the first gives 10.
CREATE OR REPLACE MACRO iin_check_digit_n(n) AS (
    coalesce(nullif(({_prefix_sum_sql("n", FIRST_PASS)}) % 11, 10),
             nullif(({_prefix_sum_sql("n", SECOND_PASS)} + 2 * (n // 10)) % 11, 10))
);
CREATE OR REPLACE MACRO iin_year_n(n) AS (
    CASE WHEN {_digit_sql("n", 7)} <= 2 THEN 1800 WHEN {_digit_sql("n", 7)} <= 4 THEN 1900 ELSE 2000 END
    + n // 10000000000
);
CREATE OR REPLACE MACRO iin_date_ok_n(n) AS (
    {_digit_sql("n", 7)} BETWEEN 1 AND 6
    AND (n // 100000000) % 100 BETWEEN 1 AND 12
    AND (n // 1000000) % 100 BETWEEN 1 AND CASE
        WHEN (n // 100000000) % 100 IN (4, 6, 9, 11) THEN 30
        WHEN (n // 100000000) % 100 <> 2 THEN 31
        WHEN iin_year_n(n) % 4 = 0 AND (iin_year_n(n) % 100 <> 0 OR iin_year_n(n) % 400 = 0) THEN 29
        ELSE 28 END
);
CREATE OR REPLACE MACRO iin_is_valid_n(n) AS (
    coalesce(n BETWEEN 0 AND 999999999999 AND iin_date_ok_n(n) AND iin_check_digit_n(n) = n % 10, false)
);
CREATE OR REPLACE MACRO iin_is_valid(s) AS (
    coalesce(regexp_full_match(s, '[0-9]{{12}}') AND iin_is_valid_n(TRY_CAST(s AS BIGINT)), false)
);
CREATE OR REPLACE MACRO iin_check_digit(s) AS (iin_check_digit_n(TRY_CAST(substr(s, 1, 11) AS BIGINT) * 10));
CREATE OR REPLACE MACRO iin_birth_date_n(n) AS (
    CASE WHEN iin_date_ok_n(n) THEN
        make_date(CAST(iin_year_n(n) AS INTEGER), CAST((n // 100000000) % 100 AS INTEGER),
                  CAST((n // 1000000) % 100 AS INTEGER))
    END
);
CREATE OR REPLACE MACRO iin_birth_date(s) AS (
    CASE WHEN regexp_full_match(s, '[0-9]{{12}}') THEN iin_birth_date_n(TRY_CAST(s AS BIGINT)) END
);
CREATE OR REPLACE MACRO iin_sex(s) AS (
    CASE WHEN substr(s, 7, 1) IN ('1', '3', '5') THEN 'M'
         WHEN substr(s, 7, 1) IN ('2', '4', '6') THEN 'F' END
);
-- Mirrors iin.scientific_range(): a struct (lo, hi), the IINs a number in scientific notation can stand for.
CREATE OR REPLACE MACRO iin_trim(raw) AS (regexp_replace(CAST(raw AS VARCHAR), '{_sql_str(_EDGE_SPACE)}', '', 'g'));
CREATE OR REPLACE MACRO iin_sci_parts(t) AS (
    regexp_extract(t, '^{_SCIENTIFIC}$', ['int', 'fraction', 'exponent'])
);
CREATE OR REPLACE MACRO iin_sci_span(mantissa, scale) AS (
    list_transform([{{'m': mantissa, 's': scale}}], _iin_x -> list_transform([{_POWERS}[abs(_iin_x.s) + 1]], _iin_w ->
        CASE WHEN _iin_x.s >= 0 THEN {{'lo': _iin_x.m * _iin_w - _iin_w // 2, 'hi': _iin_x.m * _iin_w + _iin_w // 2}}
             WHEN _iin_x.m % _iin_w = 0 THEN {{'lo': _iin_x.m // _iin_w, 'hi': _iin_x.m // _iin_w}}
        END)[1])[1]
);
CREATE OR REPLACE MACRO iin_sci_range_parts(p) AS (
    list_transform([p], _iin_p ->
        CASE WHEN _iin_p.int <> '' AND length(_iin_p.fraction) <= {_MAX_FRACTION}
                  AND TRY_CAST(_iin_p.exponent AS INTEGER)
                      BETWEEN {_SCIENTIFIC_EXPONENTS[0]} AND {_SCIENTIFIC_EXPONENTS[1]} THEN
            iin_sci_span(CAST(_iin_p.int || _iin_p.fraction AS HUGEINT),
                         CAST(_iin_p.exponent AS INTEGER) - length(_iin_p.fraction))
        END)[1]
);
CREATE OR REPLACE MACRO iin_sci_clip(span) AS (
    list_transform([span], _iin_r ->
        CASE WHEN _iin_r.lo <= {_LARGEST} THEN {{'lo': _iin_r.lo, 'hi': least(_iin_r.hi, {_LARGEST})}} END)[1]
);
CREATE OR REPLACE MACRO iin_sci_range(raw) AS (
    CAST(iin_sci_clip(iin_sci_range_parts(iin_sci_parts(replace(iin_trim(raw), ' ', ''))))
         AS STRUCT(lo BIGINT, hi BIGINT))
);
-- Mirrors iin.clean(): a struct (iin, status); CleanStatus lists the statuses.
CREATE OR REPLACE MACRO iin_strip(raw) AS (
    regexp_replace(regexp_replace(iin_trim(raw), '{_sql_str(_DECORATION)}', '', 'g'), '\\.0$', '')
);
CREATE OR REPLACE MACRO iin_lookalike(s) AS (translate(s, '{LOOKALIKE_FROM}', '{LOOKALIKE_TO}'));
CREATE OR REPLACE MACRO iin_clean_digits(digits, status) AS (
    CASE WHEN length(digits) = 12 THEN {{'iin': digits, 'status': status}}
         WHEN length(digits) BETWEEN 9 AND 11 THEN {{'iin': lpad(digits, 12, '0'), 'status': 'leading_zero_restored'}}
         ELSE {{'iin': NULL::VARCHAR, 'status': 'malformed'}} END
);
-- A value that is not twelve plain digits, trimmed (t): each intermediate value is bound once (a
-- lambda over a one-element list), so the expression stays small however often a step reads it.
CREATE OR REPLACE MACRO iin_clean_trimmed(t) AS (
    CASE
        WHEN t = '' THEN {{'iin': NULL::VARCHAR, 'status': 'empty'}}
        WHEN regexp_full_match(replace(t, ' ', ''), '{_SCIENTIFIC}')
            THEN list_transform([iin_sci_range(t)], _iin_s ->
                {{'iin': CASE WHEN _iin_s.lo = _iin_s.hi THEN lpad(CAST(_iin_s.lo AS VARCHAR), 12, '0') END,
                  'status': 'scientific_notation'}})[1]
        ELSE list_transform([iin_strip(t)], _iin_d ->
            CASE WHEN _iin_d = '' THEN {{'iin': NULL::VARCHAR, 'status': 'empty'}}
                 WHEN regexp_full_match(_iin_d, '[0-9]+')
                     THEN iin_clean_digits(_iin_d, CASE WHEN _iin_d = t THEN 'ok' ELSE 'reformatted' END)
                 WHEN regexp_full_match(iin_lookalike(_iin_d), '[0-9]+')
                     THEN iin_clean_digits(iin_lookalike(_iin_d), 'letters_for_digits')
                 ELSE {{'iin': NULL::VARCHAR, 'status': 'malformed'}} END)[1]
    END
);
CREATE OR REPLACE MACRO iin_clean(raw) AS (
    CASE
        -- most values are already 12 clean digits: one cheap test instead of the regexes below
        WHEN regexp_full_match(CAST(raw AS VARCHAR), '[0-9]{{12}}') THEN {{'iin': CAST(raw AS VARCHAR), 'status': 'ok'}}
        WHEN raw IS NULL THEN {{'iin': NULL::VARCHAR, 'status': 'empty'}}
        ELSE list_transform([iin_trim(raw)], _iin_t -> iin_clean_trimmed(_iin_t))[1]
    END
);
"""

# Table macro: every valid IIN one substitution or adjacent swap away from each row of a table.
# `tbl` must have columns (id, iin); returns (id, iin, candidate, error) with error 'substitution'
# or 'transposition'. One set-based query over the whole table, 108 substitutions and 11 swaps per
# row. An edit changes the number by a known amount and each weighted sum by a known amount, so a
# candidate's checksum takes a few additions rather than re-reading twelve digits; only the ~1 in
# 11 candidates whose checksum fits have their date checked.
_POSITIONS = ", ".join(
    f"({p}, {10 ** (12 - p)}, {WEIGHTS_1[p - 1] if p < 12 else 0}, {WEIGHTS_2[p - 1] if p < 12 else 0})"
    for p in range(1, 13)
)
SQL_REPAIR_MACRO = f"""
CREATE OR REPLACE MACRO iin_repair_candidates(tbl) AS TABLE
WITH src AS (
    SELECT id, iin, n, n % 10 AS check_digit,
           ({_weighted_sum_sql("n", WEIGHTS_1)}) AS s1, ({_weighted_sum_sql("n", WEIGHTS_2)}) AS s2
    FROM (SELECT id, iin, CAST(iin AS BIGINT) AS n
          FROM query_table(tbl) WHERE regexp_full_match(iin, '[0-9]{{12}}'))
),
pos AS (SELECT * FROM (VALUES {_POSITIONS}) AS t(p, p10, w1, w2)),
edits AS (
    -- digit at position p becomes d: k = d - old digit
    SELECT id, iin, n + k * p10 AS c, s1 + k * w1 AS s1c, s2 + k * w2 AS s2c,
           CASE WHEN p = 12 THEN d ELSE check_digit END AS chk, 'substitution' AS error
    FROM (SELECT src.*, pos.*, d, d - (n // p10) % 10 AS k FROM src, pos, range(0, 10) AS dig(d))
    WHERE k <> 0
    UNION ALL
    -- digits at positions p-1 and p swap: k = digit(p) - digit(p-1) moves between the two places
    SELECT id, iin, n + k * prev.p10 - k * pos.p10 AS c,
           s1 + k * (prev.w1 - pos.w1), s2 + k * (prev.w2 - pos.w2),
           CASE WHEN pos.p = 12 THEN (n // prev.p10) % 10 ELSE check_digit END, 'transposition'
    FROM (SELECT src.*, pos.p, pos.p10, pos.w1, pos.w2, (n // pos.p10) % 10 - (n // (pos.p10 * 10)) % 10 AS k
          FROM src, pos WHERE pos.p >= 2) AS pos
    JOIN (SELECT * FROM (VALUES {_POSITIONS}) AS t(p, p10, w1, w2)) AS prev ON prev.p = pos.p - 1
    WHERE k <> 0
)
SELECT DISTINCT ON (id, c) id, iin, lpad(CAST(c AS VARCHAR), 12, '0') AS candidate, error
FROM edits
WHERE CASE WHEN s1c % 11 <> 10 THEN s1c % 11 WHEN s2c % 11 <> 10 THEN s2c % 11 END = chk
  AND iin_date_ok_n(c)
ORDER BY id, c, error
"""


def install_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Create the IIN macros on a DuckDB connection: iin_is_valid, iin_check_digit, iin_birth_date,
    iin_sex, iin_clean, the table macro iin_repair_candidates, and the *_n forms over BIGINT."""
    con.execute(SQL_MACROS)
    con.execute(SQL_REPAIR_MACRO)
