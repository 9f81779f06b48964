"""The readers against hostile files: each case here once took a process down, or lied about its rows.

1. a 5 KB workbook with cells at A1 and XFD1048576 made calamine allocate 512 GiB (the process aborted);
2. a CSV header of 4,000 columns took 54 s and 9.35 GB in the upload preview;
3. a double quote in a header went into SQL unescaped (a parser error, HTTP 500);
4. "rows in" counted parse errors: a row with 10,000 surplus fields was 10,000 rows in and 10,000
   rejected; a header holding U+0085 (which ``str.splitlines`` takes for a line break) read 0 rows.
The files are generated here, small, from the same recipe as the probe's.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from birtizim.engine import PreviewBounds, ingest, preview
from birtizim.engine.ingest import Source
from birtizim.engine.sources import SourceError
from birtizim.outreach.importer import OutreachImportError, import_events
from birtizim.projects.sheet import SheetError, read_progress_sheet
from birtizim.tables import limits, readers, workbook
from birtizim.tables.sniff import TableError
from tests.staging import staging_connection


def far_workbook(tmp_path: Path, *cells: tuple[int, int]) -> Path:
    path = tmp_path / "far.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for row, col in cells:
        sheet.write(row, col, "x")
    book.close()
    return path


@pytest.mark.parametrize("cells", [[(0, 0), (1_048_575, 16_383)], [(1_048_575, 16_383)], [(0, 0), (1_048_575, 25)]])
def test_a_workbook_too_large_to_materialise_is_refused_before_it_is_loaded(
    tmp_path: Path, cells: list[tuple[int, int]]
) -> None:
    path = far_workbook(tmp_path, *cells)
    assert path.stat().st_size < 10_000
    with pytest.raises(TableError, match=r"far\.xlsx: the first sheet (declares|uses) .*at most"):
        workbook.check(path, str(path))
    with pytest.raises(TableError, match="at most"):
        readers.read(duckdb.connect(), path, "t")
    with pytest.raises(SourceError, match="at most"):
        preview("disability", path)
    with pytest.raises(SheetError) as sheet_error:
        read_progress_sheet(path.read_bytes(), activities=("A",), as_of=dt.date(2025, 1, 1))
    assert sheet_error.value.code == "unreadable" and "at most" in sheet_error.value.params["detail"]
    with pytest.raises(OutreachImportError, match="at most"):
        import_events(path)


def test_a_sheet_declaring_a_huge_area_or_unpacking_too_far_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = far_workbook(tmp_path, (0, 0))
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'<dimension ref="A1"/>', b'<dimension ref="A1:XFD1048576"/>')
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(TableError, match="declares 16,384 columns"):
        workbook.check(lying, "lying.xlsx")
    # A sheet padded with 20 MB of spaces: a bomb when the limit is 10 MB.
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (20 << 20))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 10 << 20)
    with pytest.raises(TableError, match="unpacks to 20 MB"):
        workbook.check(bomb.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize("extra", [4_000, 10_000])
def test_a_csv_header_with_thousands_of_columns_is_refused_at_once(tmp_path: Path, extra: int) -> None:
    header = ",".join(["ИИН", "ФИО", "Район"] + [f"c{i}" for i in range(extra)])
    path = tmp_path / "wide.csv"
    path.write_text(header + "\n" + "791028302728,Ахметов Ерлан,Талгар\n" * 200, encoding="utf-8")
    with pytest.raises(TableError, match=f"wide.csv: the header has {extra + 3:,} columns; at most 200 are read"):
        readers.read(duckdb.connect(), path, "t")
    with pytest.raises(SourceError, match="at most 200"):
        preview("pension", path)


def test_quotes_and_sql_in_headers_stay_column_names(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text(
        '"ИИН ""ЖСН""";Фамилия\';Имя;"x""; DROP TABLE stage; --"\n791028302728;Ахметов;Ерлан;1\n', encoding="utf-8"
    )
    con = staging_connection()
    done = ingest.ingest_source(con, Source("pension", path), 0)
    assert done.headers == ('ИИН "ЖСН"', "Фамилия'", "Имя", 'x"; DROP TABLE stage; --')
    assert (done.rows_in, done.accepted, done.rejected) == (1, 1, 0)
    assert con.execute("SELECT iin, last_name, first_name FROM stage").fetchall() == [
        ("791028302728", "Ахметов", "Ерлан")
    ]
    found = preview("pension", path)
    assert found.accepted == 1 and found.recognised["iin"] == 'ИИН "ЖСН"'


def test_rows_in_counts_rows_not_parse_errors(tmp_path: Path) -> None:
    lines = [f"{i:012d},Иванов,Иван" for i in range(1, 201)]
    lines[49] += ",z" * 10_000  # row 51 (the header is row 1): one row, ten thousand surplus fields
    path = tmp_path / "surplus.csv"
    path.write_text("ИИН,Фамилия,Имя\n" + "\n".join(lines) + "\n", encoding="utf-8")
    con = duckdb.connect()
    result = readers.read(con, path, "t")
    assert result.rows_in == 200
    assert con.execute("SELECT * FROM t_parse_rejects").fetchall() == [(51, "too_many_fields:10003:3")]
    assert con.execute("SELECT count(*), min(_row), max(_row) FROM t").fetchone() == (199, 2, 201)
    found = preview("pension", path)
    assert (found.rows_in, found.accepted, found.rejected) == (200, 199, 1)


@pytest.mark.parametrize("odd", ["\u0085", "\u2028", "\u2029", "\x0c", "\x0b", "\x1c"])
def test_unicode_line_separators_in_a_header_or_a_cell_are_text(tmp_path: Path, odd: str) -> None:
    path = tmp_path / "odd.csv"
    rows = "".join(f"{i:012d},Ив{odd}анов,Иван\n" for i in range(1, 201))
    path.write_text(f"ИИН,Фамилия{odd},Имя\n" + rows, encoding="utf-8")
    con = duckdb.connect()
    result = readers.read(con, path, "t")
    assert result.rows_in == 200 and len(result.headers) == 3
    assert con.execute("SELECT count(*), max(_row) FROM t").fetchone() == (200, 201)
    assert readers.rows(path, name="odd.csv").rows[1] == (2, ["000000000001", f"Ив{odd}анов", "Иван"])


def test_a_preview_that_would_exceed_its_bounds_ends_in_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("ИИН,ФИО\n791028302728,Ахметов Ерлан\n", encoding="utf-8")
    assert preview("pension", path).accepted == 1
    with pytest.raises(SourceError, match="longer than 0 s"):
        preview("pension", path, bounds=PreviewBounds(seconds=0.0))
    with pytest.raises(SourceError, match="memory"):
        preview("pension", path, bounds=PreviewBounds(address_space=64 << 20))
