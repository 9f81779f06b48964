"""What a cell means: dates, months, numbers, sex and trimmed text, in Python and as DuckDB macros.

One set of rules for every importer. Each rule is written once as data (regular expressions in the
common subset of Python's ``re`` and DuckDB's RE2, with ``[0-9]`` rather than ``\\d`` because RE2's
``\\d`` is ASCII and Python's is not) and run by both sides; tests check that Python and SQL agree on
the same inputs. docs/tables.md lists what each rule accepts.

Dates (day before month, as Kazakhstan writes them):
  2019-10-28, 2019.10.28, 2019/10/28; 28.10.2019, 28/10/2019, 28-10-2019 (one-digit day or month too);
  28.10.19 (a two-digit year, see below); 19791028 and 28101979 (dates kept as numbers); an Excel serial
  day number between 1910 and 2100 (29156 = 1979-10-28, a fraction is the time of day); any of these with
  a time after it ("28.10.2019 0:00:00", "2019-10-28T10:00:00Z") or a suffix "г.", "г", "ж.", "года",
  "жылы", "г.р.".
A two-digit year takes the century of the pivot: a ``yy`` greater than the pivot year's last two digits
is 19yy, otherwise 20yy (pivot 2020: 79 -> 1979, 05 -> 2005). The engine then prefers the century of the
row's own IIN when the IIN's YYMMDD is the date as written (``cell_date_yy`` tells it which rows).

Months: 10.2019, 10/2019, 2019-10, "окт 2019", "қазан 2019", "Oct 2019", or any date (its month).

Numbers: spaces (also no-break and thin) group thousands; a decimal comma or point; "1.234,5" and
"1,234.5" (the last separator is the decimal one, the others must group by three); a trailing "%"
is ignored. A comma followed by exactly three digits in groups ("48,000", "1,234,567") groups
thousands: 48000 - nobody writes three decimal places that end in zeros, while English-language Excel
shows 48000 that way; "48,5", "48,50" and "0,500" are decimals. A single point is always decimal
("48.000" is 48). NaN and infinity are not numbers.

Sex: м/m/муж/мужской/мужчина/е/ер/еркек/male/1 and ж/f/жен/женский/женщина/ә/әйел/female/2.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING

from birtizim.tables import rules
from birtizim.tables.sql import quote_literal

if TYPE_CHECKING:
    import duckdb

# Every kind of space a spreadsheet or a web form leaves around a value.
SPACES = (
    "\t\n\v\f\r \u00a0\u0085\u1680" + "".join(map(chr, range(0x2000, 0x200C))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_S = f"[{SPACES}]"

# A regular expression: DuckDB's trim(x, characters) with these 23 characters costs five times more.
TRIM: tuple[rules.Rule, ...] = (("regex", f"^{_S}+|{_S}+$", ""),)

# ---- dates -------------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug is before this range)
SERIAL_MIN = (dt.date(1910, 1, 1) - EXCEL_EPOCH).days  # a year alone (1979) is never read as a day
SERIAL_MAX = (dt.date(2100, 12, 31) - EXCEL_EPOCH).days

DATE_TEXT: tuple[rules.Rule, ...] = (
    *TRIM,
    ("lower", "", ""),
    ("regex", f"{_S}*(г\\.?{_S}*р|года|год|жылы|жыл|г|ж)\\.?$", ""),
    ("regex", f"({_S}+|t)[0-9]{{1,2}}:[0-9]{{2}}(:[0-9]{{2}}([.,][0-9]+)?)?{_S}*(z|[+-][0-9]{{2}}:?[0-9]{{2}})?$", ""),
    ("regex", f"{_S}*(г\\.?{_S}*р|года|год|жылы|жыл|г|ж)\\.?$", ""),
)
# (pattern, replacement giving "year-month-day"); the first full match wins. The year may be two digits.
DATE_FORMATS: tuple[tuple[str, str], ...] = (
    ("([0-9]{4})[-./]([0-9]{1,2})[-./]([0-9]{1,2})", "\\1-\\2-\\3"),
    ("([0-9]{1,2})[-./]([0-9]{1,2})[-./]([0-9]{4}|[0-9]{2})", "\\3-\\2-\\1"),
    # Eight digits: yyyymmdd when the middle pair is a month, else ddmmyyyy (never both: a ddmmyyyy
    # year puts 19, 20 or 21 where yyyymmdd wants the month).
    ("((19|20|21)[0-9]{2})(0[1-9]|1[0-2])([0-9]{2})", "\\1-\\3-\\4"),
    ("([0-9]{2})([0-9]{2})([0-9]{4})", "\\3-\\2-\\1"),
)
SERIAL = "([0-9]{4,5})([.][0-9]+)?"


def _ymd(text: str) -> str | None:
    """The date as "y-m-d" text (year of 2 or 4 digits), or None: the Python twin of ``cell_date_ymd``."""
    t = rules.apply(DATE_TEXT, text)
    for pattern, replacement in DATE_FORMATS:
        if re.fullmatch(pattern, t):
            return re.sub(f"^{pattern}$", replacement, t)
    if re.fullmatch(SERIAL, t):
        day = int(t.split(".")[0])
        if SERIAL_MIN <= day <= SERIAL_MAX:
            return (EXCEL_EPOCH + dt.timedelta(days=day)).isoformat()
    return None


def century(yy: int, pivot_year: int) -> int:
    """The full year of a two-digit ``yy``: 19yy when it is after the pivot year's yy, else 20yy."""
    return (1900 if yy > pivot_year % 100 else 2000) + yy


def parse_date(value: object, *, pivot_year: int | None = None) -> dt.date | None:
    """A date cell: a date or datetime, an Excel serial number, or text in one of the formats above.

    ``pivot_year`` decides two-digit years (default: this year).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        value = repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
    ymd = _ymd(str(value))
    if ymd is None:
        return None
    y, m, d = (int(p) for p in ymd.split("-"))
    if len(ymd.split("-")[0]) == 2:
        y = century(y, pivot_year if pivot_year is not None else dt.date.today().year)
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def two_digit_year(value: object) -> bool:
    """Whether a date cell was written with a two-digit year (the Python twin of ``cell_date_yy``)."""
    if not isinstance(value, str):
        return False
    ymd = _ymd(value)
    return ymd is not None and len(ymd.split("-")[0]) == 2


# ---- months ------------------------------------------------------------------------------------

# The first three letters of a month's name in Russian, Kazakh (also typed without Kazakh letters) and English.
MONTH_NAMES: dict[str, int] = {
    **dict.fromkeys(("янв", "қаң", "кан", "jan"), 1),
    **dict.fromkeys(("фев", "ақп", "акп", "feb"), 2),
    **dict.fromkeys(("мар", "нау", "mar"), 3),
    **dict.fromkeys(("апр", "сәу", "сау", "apr"), 4),
    **dict.fromkeys(("май", "мая", "мам", "may"), 5),
    **dict.fromkeys(("июн", "мау", "jun"), 6),
    **dict.fromkeys(("июл", "шіл", "шил", "jul"), 7),
    **dict.fromkeys(("авг", "там", "aug"), 8),
    **dict.fromkeys(("сен", "қыр", "кыр", "sep"), 9),
    **dict.fromkeys(("окт", "қаз", "каз", "oct"), 10),
    **dict.fromkeys(("ноя", "қар", "кар", "nov"), 11),
    **dict.fromkeys(("дек", "жел", "dec"), 12),
}
MONTH_FORMATS: tuple[tuple[str, str], ...] = (
    ("([0-9]{1,2})[-./]([0-9]{4})", "\\2-\\1"),
    ("([0-9]{4})[-./]([0-9]{1,2})", "\\1-\\2"),
)
MONTH_NAMED = f"([^0-9{SPACES}.,]{{3}})[^0-9{SPACES}]*{_S}*([0-9]{{4}})"


def parse_month(value: object) -> dt.date | None:
    """The first day of the month a cell names, or None."""
    if isinstance(value, str):
        t = rules.apply(DATE_TEXT, value)
        for pattern, replacement in MONTH_FORMATS:
            if re.fullmatch(pattern, t):
                y, m = (int(p) for p in re.sub(f"^{pattern}$", replacement, t).split("-"))
                return dt.date(y, m, 1) if 1 <= m <= 12 else None
        named = re.fullmatch(MONTH_NAMED, t)
        if named:
            month = MONTH_NAMES.get(named.group(1))
            return dt.date(int(named.group(2)), month, 1) if month else None
    day = parse_date(value, pivot_year=2099)  # a month is never written with a two-digit year here
    return day.replace(day=1) if day else None


# ---- numbers -----------------------------------------------------------------------------------

NUMBER_TEXT: tuple[rules.Rule, ...] = (
    ("regex", f"{_S}|'", ""),
    ("replace", "\u2212", "-"),  # the typographic minus
    ("regex", "%$", ""),
)
# (pattern, separators to drop, separator that becomes the decimal point); the first full match wins.
NUMBER_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?", "", ""),
    ("[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+", ",", ""),
    ("[+-]?[0-9]*,[0-9]+", "", ","),
    ("[+-]?[1-9][0-9]{0,2}([.][0-9]{3}){2,}", ".", ""),
    ("[+-]?[1-9][0-9]{0,2}([.][0-9]{3})+,[0-9]+", ".", ","),
    ("[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+[.][0-9]+", ",", ""),
)


def parse_number(value: object) -> float | None:
    """A number cell (int or float as a spreadsheet gives it, or text in the formats above), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) else None
    t = rules.apply(NUMBER_TEXT, str(value))
    for pattern, drop, decimal in NUMBER_FORMATS:
        if re.fullmatch(pattern, t):
            if drop:
                t = t.replace(drop, "")
            if decimal:
                t = t.replace(decimal, ".")
            number = float(t)
            return number if math.isfinite(number) else None
    return None


def parse_whole(value: object) -> int | None:
    """A whole number (48 000, "48,000", 48.0), or None when the cell is no number or has a fraction."""
    number = parse_number(value)
    return int(number) if number is not None and number.is_integer() and abs(number) < 2**53 else None


# ---- sex and text ------------------------------------------------------------------------------

SEX_WORDS: dict[str, tuple[str, ...]] = {
    "M": ("м", "m", "муж", "мужской", "мужчина", "male", "man", "е", "e", "ер", "еркек", "ер адам", "1"),
    "F": ("ж", "f", "жен", "женский", "женщина", "female", "woman", "ә", "әйел", "әйел адам", "2"),
}
SEX_TEXT: tuple[rules.Rule, ...] = (*TRIM, ("lower", "", ""), ("regex", "[.]$", ""), ("regex", f"{_S}+", " "))


def parse_sex(value: object) -> str | None:
    """'M', 'F' or None."""
    if value is None:
        return None
    t = rules.apply(SEX_TEXT, str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
    return next((code for code, words in SEX_WORDS.items() if t in words), None)


def clean_text(value: object) -> str | None:
    """Text with every kind of space trimmed at both ends; None when nothing is left."""
    if value is None:
        return None
    return rules.apply(TRIM, str(value)) or None


# ---- DuckDB ------------------------------------------------------------------------------------


# Each macro binds its input once (a one-element list and a lambda): written as plain nested macros,
# every mention of a parameter repeats the whole expression beneath it, and the date rule took a
# second to plan and many regular expressions a row.
def _bind(value: str, name: str, body: str) -> str:
    return f"list_transform([{value}], {name} -> {body})[1]"


# The common cases cost one cheap test on the cell as it is, then a direct conversion that gives what
# the full rules give (the agreement tests hold them to it): dd.mm.yyyy and ISO dates, mm.yyyy months,
# plain integers, one-word sexes.
_PLAIN_DATE = "[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4}"
_PLAIN_YY_DATE = "[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{2}"
_ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_PLAIN_MONTH = "[0-9]{1,2}[.][0-9]{4}"
_PLAIN_NUMBER = "-?[0-9]{1,15}"


def _date_sql() -> str:
    t = rules.to_sql(DATE_TEXT, "CAST(x AS VARCHAR)")
    whens = " ".join(
        f"WHEN regexp_full_match(t, {quote_literal(p)}) THEN regexp_replace(t, {quote_literal('^' + p + '$')}, "
        f"{quote_literal(r)})"
        for p, r in DATE_FORMATS
    )
    serial = (
        f"WHEN regexp_full_match(t, {quote_literal(SERIAL)}) "
        f"AND TRY_CAST(split_part(t, '.', 1) AS INTEGER) BETWEEN {SERIAL_MIN} AND {SERIAL_MAX} "
        f"THEN strftime(DATE '{EXCEL_EPOCH.isoformat()}' + CAST(split_part(t, '.', 1) AS INTEGER), '%Y-%m-%d')"
    )
    parts = "TRY_CAST(split_part(v, '-', 1) AS INTEGER)"
    full_year = (
        f"CASE WHEN length(split_part(v, '-', 1)) = 2 "
        f"THEN CASE WHEN {parts} > pivot_year % 100 THEN 1900 ELSE 2000 END + {parts} ELSE {parts} END"
    )
    make = (
        f"try(make_date({full_year}, TRY_CAST(split_part(v, '-', 2) AS INTEGER), "
        "TRY_CAST(split_part(v, '-', 3) AS INTEGER)))"
    )
    return f"""
CREATE OR REPLACE MACRO cell_date_text(x) AS {t};
CREATE OR REPLACE MACRO cell_date_ymd(x) AS {_bind("cell_date_text(x)", "t", f"CASE {whens} {serial} END")};
CREATE OR REPLACE MACRO cell_date_of(ymd, pivot_year) AS {_bind("ymd", "v", make)};
-- pivot_year: the year two-digit years are read against (2099 reads every yy as 20yy).
CREATE OR REPLACE MACRO cell_date(x, pivot_year := 2099) AS CASE
    WHEN regexp_full_match(CAST(x AS VARCHAR), '{_PLAIN_DATE}')
        THEN CAST(try_strptime(CAST(x AS VARCHAR), '%d.%m.%Y') AS DATE)
    WHEN regexp_full_match(CAST(x AS VARCHAR), '{_ISO_DATE}') THEN TRY_CAST(CAST(x AS VARCHAR) AS DATE)
    WHEN regexp_full_match(CAST(x AS VARCHAR), '{_PLAIN_YY_DATE}') THEN try(make_date(
        CASE WHEN CAST(split_part(CAST(x AS VARCHAR), '.', 3) AS INTEGER) > pivot_year % 100 THEN 1900 ELSE 2000 END
            + CAST(split_part(CAST(x AS VARCHAR), '.', 3) AS INTEGER),
        CAST(split_part(CAST(x AS VARCHAR), '.', 2) AS INTEGER),
        CAST(split_part(CAST(x AS VARCHAR), '.', 1) AS INTEGER)))
    ELSE cell_date_of(cell_date_ymd(x), pivot_year) END;
CREATE OR REPLACE MACRO cell_date_yy(x) AS CASE
    WHEN x IS NULL OR regexp_full_match(CAST(x AS VARCHAR), '{_PLAIN_DATE}|{_ISO_DATE}') THEN false
    WHEN regexp_full_match(CAST(x AS VARCHAR), '{_PLAIN_YY_DATE}') THEN true
    ELSE coalesce(length(split_part(cell_date_ymd(x), '-', 1)) = 2, false) END;
"""


def _month_sql() -> str:
    whens = " ".join(
        f"WHEN regexp_full_match(t, {quote_literal(p)}) THEN regexp_replace(t, {quote_literal('^' + p + '$')}, "
        f"{quote_literal(r)})"
        for p, r in MONTH_FORMATS
    )
    names = " ".join(f"WHEN {quote_literal(k)} THEN {v}" for k, v in MONTH_NAMES.items())
    named = quote_literal(MONTH_NAMED)
    ym = (
        f"CASE {whens} WHEN regexp_full_match(t, {named}) THEN "
        f"regexp_extract(t, {named}, 2) || '-' || (CASE regexp_extract(t, {named}, 1) {names} END) END"
    )
    make = "try(make_date(TRY_CAST(split_part(m, '-', 1) AS INTEGER), TRY_CAST(split_part(m, '-', 2) AS INTEGER), 1))"
    return f"""
CREATE OR REPLACE MACRO cell_month_ym(x) AS {_bind("cell_date_text(x)", "t", ym)};
CREATE OR REPLACE MACRO cell_month(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN regexp_full_match(CAST(x AS VARCHAR), '{_PLAIN_MONTH}')
        THEN try(make_date(CAST(split_part(CAST(x AS VARCHAR), '.', 2) AS INTEGER),
                           CAST(split_part(CAST(x AS VARCHAR), '.', 1) AS INTEGER), 1))
    ELSE {
        _bind(
            "cell_month_ym(x)",
            "m",
            f"CASE WHEN m IS NOT NULL THEN {make} ELSE date_trunc('month', cell_date(x))::DATE END",
        )
    } END;
"""


def _number_sql() -> str:
    t = rules.to_sql(NUMBER_TEXT, "CAST(x AS VARCHAR)")
    whens = []
    for pattern, drop, decimal in NUMBER_FORMATS:
        expr = "t"
        if drop:
            expr = f"replace({expr}, {quote_literal(drop)}, '')"
        if decimal:
            expr = f"replace({expr}, {quote_literal(decimal)}, '.')"
        whens.append(f"WHEN regexp_full_match(t, {quote_literal(pattern)}) THEN TRY_CAST({expr} AS DOUBLE)")
    number = _bind(t, "t", f"CASE {' '.join(whens)} END")
    return f"""
CREATE OR REPLACE MACRO cell_number(x) AS CASE
    WHEN regexp_full_match(CAST(x AS VARCHAR), '{_PLAIN_NUMBER}') THEN CAST(CAST(x AS VARCHAR) AS DOUBLE)
    ELSE {_bind(number, "n", "CASE WHEN isfinite(n) THEN n END")} END;
CREATE OR REPLACE MACRO cell_whole(x) AS {
        _bind("cell_number(x)", "n", "CASE WHEN n = floor(n) AND abs(n) < 9007199254740992 THEN CAST(n AS BIGINT) END")
    };
"""


def _sex_sql() -> str:
    t = rules.to_sql(SEX_TEXT, "CAST(x AS VARCHAR)")
    whens = " ".join(
        f"WHEN t IN ({', '.join(quote_literal(w) for w in words)}) THEN {quote_literal(code)}"
        for code, words in SEX_WORDS.items()
    )
    quick = " ".join(
        f"WHEN CAST(x AS VARCHAR) IN ({', '.join(quote_literal(w) for w in words + tuple(w.upper() for w in words))}) "
        f"THEN {quote_literal(code)}"
        for code, words in SEX_WORDS.items()
    )
    return f"""
CREATE OR REPLACE MACRO cell_sex(x) AS CASE WHEN x IS NULL THEN NULL {quick}
    ELSE {_bind(t, "t", f"CASE {whens} END")} END;
"""


def install_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Macros cell_text, cell_date(x[, pivot]), cell_date_yy, cell_month, cell_number, cell_whole, cell_sex."""
    con.execute(
        f"CREATE OR REPLACE MACRO cell_text(x) AS nullif({rules.to_sql(TRIM, 'CAST(x AS VARCHAR)')}, '');\n"
        + _date_sql()
        + _month_sql()
        + _number_sql()
        + _sex_sql()
    )
