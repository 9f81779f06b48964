"""The cell rules: what each accepts, and that Python and the DuckDB macros give the same answers."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pytest

from birtizim.tables import cells

D = dt.date


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    cells.install_sql(c)
    return c


DATES = [
    ("28.10.1979", D(1979, 10, 28)),
    ("1979-10-28", D(1979, 10, 28)),
    ("1979.10.28", D(1979, 10, 28)),
    ("28/10/1979", D(1979, 10, 28)),
    ("28-10-1979", D(1979, 10, 28)),
    ("1.2.1979", D(1979, 2, 1)),
    ("28.10.1979 г.", D(1979, 10, 28)),
    ("28.10.1979г", D(1979, 10, 28)),
    ("28.10.1979 ж.", D(1979, 10, 28)),
    ("28.10.1979 года", D(1979, 10, 28)),
    ("28.10.1979 г.р.", D(1979, 10, 28)),
    ("29156", D(1979, 10, 28)),  # Excel's serial day
    ("29156.75", D(1979, 10, 28)),  # and a time of day
    ("19791028", D(1979, 10, 28)),
    ("28101979", D(1979, 10, 28)),
    ("1979-10-28 00:00:00", D(1979, 10, 28)),
    ("1979-10-28T10:15:00Z", D(1979, 10, 28)),
    ("28.10.1979 0:00", D(1979, 10, 28)),
    (" \u00a028.10.1979\u2028", D(1979, 10, 28)),
    ("31.02.1979", None),
    ("1979", None),  # a year alone is not a serial day
    ("3.5", None),
    ("28.10.1979 extra", None),
    ("", None),
    ("вчера", None),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates_in_every_format_agencies_write(con: duckdb.DuckDBPyConnection, text: str, expected: D | None) -> None:
    assert cells.parse_date(text) == expected
    assert con.execute("SELECT cell_date(?)", [text]).fetchone() == (expected,)


def test_two_digit_years_take_the_century_of_the_pivot(con: duckdb.DuckDBPyConnection) -> None:
    cases = [
        ("28.10.79", 2020, D(1979, 10, 28)),
        ("28/10/05", 2020, D(2005, 10, 28)),
        ("01.01.21", 2020, D(1921, 1, 1)),
    ]
    cases += [("01.01.20", 2020, D(2020, 1, 1)), ("29.02.00", 2020, D(2000, 2, 29)), ("29.02.01", 2020, None)]
    for text, pivot, expected in cases:
        assert cells.parse_date(text, pivot_year=pivot) == expected, text
        assert con.execute("SELECT cell_date(?, ?)", [text, pivot]).fetchone() == (expected,), text
        assert cells.two_digit_year(text)
        assert con.execute("SELECT cell_date_yy(?)", [text]).fetchone() == (True,)
    # Read without a pivot the engine stages 20yy, and the flag says the century is still open.
    assert con.execute("SELECT cell_date('28.10.79'), cell_date_yy('28.10.1979')").fetchone() == (
        D(2079, 10, 28),
        False,
    )
    assert cells.parse_date(dt.datetime(2025, 6, 20, 9, 30)) == D(2025, 6, 20)
    assert cells.parse_date(45828) == D(2025, 6, 20) and cells.parse_date(True) is None


MONTHS = [
    ("10.2019", D(2019, 10, 1)),
    ("2019-10", D(2019, 10, 1)),
    ("10/2019", D(2019, 10, 1)),
    ("окт 2019", D(2019, 10, 1)),
    ("Октябрь 2019 г.", D(2019, 10, 1)),
    ("қазан 2019", D(2019, 10, 1)),
    ("Oct-2019", D(2019, 10, 1)),
    ("28.10.2019", D(2019, 10, 1)),
    ("13.2019", None),
    ("xyz 2019", None),
]


@pytest.mark.parametrize(("text", "expected"), MONTHS)
def test_months(con: duckdb.DuckDBPyConnection, text: str, expected: D | None) -> None:
    assert cells.parse_month(text) == expected
    assert con.execute("SELECT cell_month(?)", [text]).fetchone() == (expected,)


NUMBERS = [
    ("48 000", 48000.0),
    ("48\u00a0000", 48000.0),
    ("48\u202f000", 48000.0),
    ("48,000", 48000.0),  # the documented answer: a comma and three digits group thousands
    ("1,234,567", 1234567.0),
    ("48 000,5", 48000.5),
    ("48,5", 48.5),
    ("0,500", 0.5),
    ("48.000", 48.0),  # a single point is always decimal
    ("1.234.567", 1234567.0),
    ("1.234,5", 1234.5),
    ("1,234.5", 1234.5),
    ("75%", 75.0),
    ("\u22125", -5.0),
    ("1e5", 100000.0),
    ("nan", None),
    ("inf", None),
    ("1,2,3", None),
    ("12 kg", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_numbers(con: duckdb.DuckDBPyConnection, text: str, expected: float | None) -> None:
    assert cells.parse_number(text) == expected
    assert con.execute("SELECT cell_number(?)", [text]).fetchone() == (expected,)


def test_whole_numbers_and_sex(con: duckdb.DuckDBPyConnection) -> None:
    for text, expected in [("48,000", 48000), ("48,5", None), ("12", 12), ("x", None)]:
        assert cells.parse_whole(text) == expected
        assert con.execute("SELECT cell_whole(?)", [text]).fetchone() == (expected,)
    for text, expected in [("М", "M"), ("ж.", "F"), (" Еркек ", "M"), ("әйел адам", "F"), ("2", "F"), ("x", None)]:
        assert cells.parse_sex(text) == expected
        assert con.execute("SELECT cell_sex(?)", [text]).fetchone() == (expected,)
    assert cells.clean_text("\u00a0 Ахметов \u2028") == "Ахметов" and cells.clean_text(" \t") is None
    assert con.execute("SELECT cell_text(?), cell_text(' \t')", ["\u00a0 Ахметов \u2028"]).fetchone() == (
        "Ахметов",
        None,
    )


# Text shaped like cells: digits and the separators, suffixes and words the rules look at.
_WORDS = "1 2 9 0 12 28 10 79 1979 2019 29156 . , / - г. ж окт Oct % e + \u2212 : T z м Ж ' nan мая"
_PIECES = [*_WORDS.split(), " ", "\u00a0", "\u2028"]


def test_python_and_sql_agree_on_thousands_of_cells(con: duckdb.DuckDBPyConnection) -> None:
    rng = random.Random(20240601)
    texts = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8))) for _ in range(2000)]
    # and dates and numbers as people type them, valid or not (day 0-32, month 0-13, 2- and 4-digit years)
    for _ in range(1500):
        sep = rng.choice("./-")
        day, month, year = (
            rng.randint(0, 32),
            rng.randint(0, 13),
            rng.choice([rng.randint(0, 99), rng.randint(1890, 2110)]),
        )
        texts.append(
            rng.choice(["", " "])
            + f"{day:0{rng.randint(1, 2)}d}{sep}{month:02d}{sep}{year}"
            + rng.choice(["", " г.", "ж", " 10:00"])
        )
        texts.append(f"{year:04d}{month:02d}{day:02d}" if rng.random() < 0.5 else str(rng.randint(0, 80000)))
        whole, frac = rng.randint(0, 10**7), rng.randint(0, 999)
        texts.append(
            rng.choice([f"{whole:,}", f"{whole:,}".replace(",", " "), f"{whole},{frac}", f"{whole}.{frac:03d}"])
        )
    texts += [text for text, _ in DATES + MONTHS + NUMBERS]
    got = con.execute(
        """SELECT cell_date(x, 2020), cell_date_yy(x), cell_month(x), cell_number(x), cell_sex(x), cell_text(x)
           FROM (SELECT unnest(?) AS x, generate_subscripts(?, 1) AS i) ORDER BY i""",
        [texts, texts],
    ).fetchall()
    for text, row in zip(texts, got, strict=True):
        expected = (
            cells.parse_date(text, pivot_year=2020),
            cells.two_digit_year(text),
            cells.parse_month(text),
            cells.parse_number(text),
            cells.parse_sex(text),
            cells.clean_text(text),
        )
        assert row == expected, text
    # the sample reaches the rules, not only their refusals
    assert sum(r[0] is not None for r in got) > 100 and sum(r[3] is not None for r in got) > 500
