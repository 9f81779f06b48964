"""Generated files through the readers and the preview: no crash but the documented refusal, and every
row the file really has is counted once (rows in = accepted + rejected = the file's non-blank rows).

Fixed seed (``derandomize``), a few hundred cases, a few seconds: part of every ``make test``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import duckdb
import xlsxwriter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from birtizim.engine import preview
from birtizim.engine.sources import SourceError
from birtizim.tables import readers
from birtizim.tables.sniff import TableError


def fixed(examples: int) -> settings:
    """Fixed seed, no example database, no deadline: the same cases on every machine."""
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


ODD = "\x01\x07\x0b\x0c\x1b\x7f\u0085\u00a0\u2028\u2029\ufeff"
LETTERS = "абвгдежзийклмнопрстуфхцчшщьыэюяАБВГЕЖЗИЙКЛМНОПРabcXYZ0123456789 .-_'"
KAZAKH = "әғқңөұүһі"


@dataclass(frozen=True)
class CsvCase:
    encoding: str
    delimiter: str
    header: list[str]
    records: list[list[str] | None]  # None: a blank line
    blank_before: int
    line_end: str


def _text(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, max_size=max_size)


@st.composite
def csv_cases(draw: st.DrawFn) -> CsvCase:
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    odd = "".join(c for c in ODD if encoding != "cp1251" or c.encode("cp1251", errors="ignore"))
    plain = LETTERS + ("" if encoding == "cp1251" else KAZAKH)
    cell = _text(plain + odd + ',;\t|"\n\r', 12)
    n = draw(st.integers(1, 8))
    # Header names never hold a candidate delimiter, so the one the file uses is the one found.
    names = st.one_of(_text(LETTERS + odd, 10), st.just(""), _text("x", 300).map(lambda t: "h" + t))
    header = draw(st.lists(names, min_size=n, max_size=n))
    if not any(h.strip(ODD + " \u00a0") for h in header):
        header[0] = "ИИН"
    width = st.one_of(st.just(n), st.integers(0, n + 3), st.integers(n + 30, n + 60))
    record = st.one_of(st.none(), width.flatmap(lambda k: st.lists(cell, min_size=k, max_size=k)))
    records = draw(st.lists(record, max_size=25))
    return CsvCase(
        encoding=encoding,
        delimiter=delimiter if n > 1 else ",",
        header=header,
        records=records,
        blank_before=draw(st.integers(0, 2)),
        line_end=draw(st.sampled_from(["\n", "\r\n"])),
    )


def _record(fields: list[str], delimiter: str) -> str:
    """One record as RFC 4180 writes it: a field with the delimiter, a quote, CR or LF is quoted (Python's
    csv module leaves a lone CR unquoted when the line ends in LF), and so is a record of one empty field
    (else it would be a blank line)."""

    def one(field: str) -> str:
        if any(c in field for c in (delimiter, '"', "\r", "\n")) or fields == [""]:
            return '"' + field.replace('"', '""') + '"'
        return field

    return delimiter.join(map(one, fields))


def write_csv(case: CsvCase, path: Path) -> dict[int, bool]:
    """Write the case; return the number of every non-blank data row -> whether it has the header's width."""
    lines = [""] * case.blank_before + [_record(case.header, case.delimiter)]
    expected: dict[int, bool] = {}
    for record in case.records:
        lines.append("" if not record else _record(record, case.delimiter))
        if record:
            expected[len(lines)] = len(record) == len(case.header)
    text = case.line_end.join(lines) + case.line_end
    if case.encoding == "utf-16":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(case.encoding))
    return expected


def _fields_of(record: list[str]) -> list[str | None]:
    return [f if f != "" else None for f in record]


@fixed(200)
@given(case=csv_cases())
# A surplus empty field that DuckDB took for a trailing separator: the row was kept on the fast path.
@example(case=CsvCase("utf-8", ",", ["ИИН", ""], [["", "", ""]], 0, "\n"))
def test_generated_csv_files_lose_and_double_no_row(tmp_path: Path, case: CsvCase) -> None:
    path = tmp_path / "fuzz.csv"
    expected = write_csv(case, path)
    con = duckdb.connect()
    try:
        result = readers.read(con, path, "t")
    except TableError as exc:
        # The documented refusals: a header over the column limit, a file with nothing in it.
        assert "at most 200" in str(exc) or "the file is empty" in str(exc) or "not a text file" in str(exc), exc
        return
    accepted = dict(con.execute("SELECT _row, 1 FROM t").fetchall())
    rejected = dict(con.execute("SELECT _row, reason FROM t_parse_rejects").fetchall())
    assert result.rows_in == len(accepted) + len(rejected) == len(expected)
    assert set(accepted) | set(rejected) == set(expected) and not set(accepted) & set(rejected)
    assert {n for n, ok in expected.items() if ok} == set(accepted)
    # and the cells are the cells written (empty ones read as NULL)
    data = [r for r in case.records if r]
    good = {n: rec for n, rec in zip(sorted(expected), data, strict=True) if expected[n]}
    columns = ", ".join(f"t.{readers.quote_ident(h)}" for h in result.headers)
    for number, *cells in con.execute(f"SELECT _row, {columns} FROM t ORDER BY _row").fetchall():
        assert cells == _fields_of(good[number]), number


@st.composite
def sheets(draw: st.DrawFn) -> tuple[dict[int, list[object]], int]:
    n = draw(st.integers(1, 6))
    cell = st.one_of(
        st.none(), _text(LETTERS + KAZAKH + "\n\"';,", 10), st.integers(-(10**12), 10**12), st.floats(-1e6, 1e6)
    )
    rows: dict[int, list[object]] = {}
    at = draw(st.integers(0, 4))  # blank rows above the header
    rows[at] = ["ИИН", *(f"c{i}" for i in range(1, n))]
    for _ in range(draw(st.integers(0, 20))):
        at += draw(st.sampled_from([1, 1, 1, 2, 5]))
        rows[at] = draw(st.lists(cell, min_size=0, max_size=n + 2))
    return rows, n


@fixed(50)
@given(sheet=sheets())
def test_generated_workbooks_number_every_row_as_excel_does(
    tmp_path: Path, sheet: tuple[dict[int, list[object]], int]
) -> None:
    rows, _ = sheet
    path = tmp_path / "fuzz.xlsx"
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    ws = book.add_worksheet()
    for r, cells in rows.items():
        for c, value in enumerate(cells):
            if value is not None and value != "":
                ws.write(r, c, value)
    book.close()
    header_at = min(rows)
    expected = {r + 1 for r, cells in rows.items() if r > header_at and any(v is not None and v != "" for v in cells)}
    con = duckdb.connect()
    result = readers.read(con, path, "t")
    got = {n for (n,) in con.execute("SELECT _row FROM t").fetchall()}
    assert result.rows_in == len(got) == len(expected) and got == expected


@fixed(5)
@given(case=csv_cases())
def test_generated_files_through_the_preview(tmp_path: Path, case: CsvCase) -> None:
    case = CsvCase(case.encoding, case.delimiter, ["ИИН", "ФИО", *case.header[2:]], case.records, 0, case.line_end)
    if case.delimiter == "," and len(case.header) < 2:
        return
    path = tmp_path / "fuzz.csv"
    expected = write_csv(case, path)
    try:
        found = preview("pension", path)
    except SourceError as exc:
        assert "at most 200" in str(exc), exc
        return
    assert found.rows_in == found.accepted + found.rejected == len(expected)
