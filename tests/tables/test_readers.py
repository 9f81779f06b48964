"""The readers: row numbers as Excel shows them, every row accounted for, every encoding agencies use."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from birtizim.tables import limits, readers, sniff
from birtizim.tables.sniff import TableError
from tests.sheets import workbook


def read(path: Path) -> tuple[readers.ReadResult, list[tuple[object, ...]], list[tuple[object, ...]]]:
    con = duckdb.connect()
    result = readers.read(con, path, "t")
    rows = con.execute("SELECT * FROM t ORDER BY _row").fetchall()
    rejects = con.execute("SELECT * FROM t_parse_rejects ORDER BY _row").fetchall()
    assert result.rows_in == len(rows) + len(rejects)  # the invariant every report relies on
    return result, rows, rejects


def test_a_csv_row_is_numbered_as_excel_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('ИИН,Адрес\n1,"ул. Абая,\n5"\n2,ok\n3,a,b\n4,c\n', encoding="utf-8")
    result, rows, rejects = read(path)
    assert rows == [(2, "1", "ул. Абая,\n5"), (3, "2", "ok"), (5, "4", "c")]  # a quoted line break stays in its row
    assert rejects == [(4, "too_many_fields:3:2")]
    assert (result.encoding, result.delimiter, result.headers) == ("utf-8", ",", ["ИИН", "Адрес"])


@pytest.mark.parametrize(
    "text",
    [
        "\n\nИИН;ФИО\n1;a\n\n2;b\n\n\n",  # blank lines above the header, between rows and at the end
        "\n\nИИН;ФИО\r\n1;a\r\n\r\n2;b\n",  # and line endings that change within the file
    ],
)
def test_blank_lines_keep_their_numbers_but_are_not_rows(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(text.encode("utf-8"))
    result, rows, rejects = read(path)
    assert rows == [(4, "1", "a"), (6, "2", "b")] and rejects == [] and result.rows_in == 2


def test_a_file_with_too_many_parse_errors_is_read_the_careful_way_to_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n1,2\n1,2,3,4,5\n7,8,9\n1\n", encoding="utf-8")
    fast = read(path)
    monkeypatch.setattr(limits, "MAX_PARSE_ERRORS", 2)  # DuckDB's errors now overflow: the careful way
    careful = read(path)
    assert (
        fast[1:]
        == careful[1:]
        == (
            [(2, "1", "2", "3"), (5, "7", "8", "9")],
            [
                (3, "too_few_fields:2:3"),
                (4, "too_many_fields:5:3"),
                (6, "too_few_fields:1:3"),
            ],
        )
    )


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("cp1251", "ИИН;Фамилия\n791028302728;Ахметов\n".encode("cp1251")),
        ("utf-8-sig", "\ufeffИИН;Фамилия\n791028302728;Ахметов\n".encode()),
        ("utf-16", codecs.BOM_UTF16_LE + "ИИН\tФамилия\r\n791028302728\tАхметов\r\n".encode("utf-16-le")),
    ],
)
def test_every_encoding_agencies_send(tmp_path: Path, encoding: str, data: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    result, rows, _ = read(path)
    assert result.encoding == encoding and result.headers == ["ИИН", "Фамилия"]
    assert rows == [(2, "791028302728", "Ахметов")]


def test_a_spreadsheet_row_is_the_sheet_row(tmp_path: Path) -> None:
    content = workbook(
        {
            0: ["Список получателей"],  # a title; row 2 left empty
            2: ["ЖСН", "Тегі", "Туған күні"],
            3: [61211600012, "Оспанова", dt.date(2006, 12, 11)],  # an IIN that lost its leading zero
            5: ["791028302728", "Ахметов", "28.10.79"],  # row 5 blank
        }
    )
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    con = duckdb.connect()
    result = readers.read(con, path, "t")  # the title row has the most text: the header is its first row
    assert result.headers[0] == "Список получателей" and result.rows_in == 3
    numbers = con.execute("SELECT _row FROM t ORDER BY _row").fetchall()
    assert numbers == [(3,), (4,), (6,)]
    table = readers.rows(content, name="x.xlsx").rows
    assert [n for n, _ in table] == [1, 2, 3, 4, 5, 6] and table[3][1][0] == 61211600012.0
    assert (
        readers.cell_text(61211600012.0) == "61211600012" and readers.cell_text(dt.date(2006, 12, 11)) == "2006-12-11"
    )


def test_python_rows_of_a_csv_file_are_numbered_like_the_duckdb_ones(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('a;b\n\n"1\n2";x\n\u0085;\u2028\fz\nж;ы\n', encoding="utf-8")  # U+0085, U+2028: no breaks
    got = readers.rows(path, name="x.csv")
    assert got.encoding == "utf-8" and got.delimiter == ";"
    assert got.rows == [(1, ["a", "b"]), (2, []), (3, ["1\n2", "x"]), (4, ["\u0085", "\u2028\fz"]), (5, ["ж", "ы"])]
    _, rows, _ = read(path)
    assert [r[0] for r in rows] == [3, 4, 5]


def test_what_is_not_a_table_is_refused_with_a_sentence(tmp_path: Path) -> None:
    cases = {
        "empty.csv": b"",
        "blank.csv": b"\n \n",
        "nul.csv": b"a,b\n\x00\x01\x02",
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
        "fake.xlsx": b"PK\x03\x04 not a zip",
    }
    messages = ["the file is empty", "the file is empty", "not a text file", "an old Excel workbook", "cannot be read"]
    for (name, data), message in zip(cases.items(), messages, strict=True):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(TableError, match=f"{name}: .*{message}"):
            readers.read(duckdb.connect(), path, "t")


# A line quoted plainly, as RFC 4180 writes it: cells bare (no quote) or quoted (a doubled quote inside).
_CELL = rb'(?:[^",\n]*|"(?:[^"]|"")*")'
_PLAIN_LINE = re.compile(_CELL + rb"(?:," + _CELL + rb")*\r?")


def _lines_one_by_one(data: bytes) -> tuple[int, int, bool, bool]:
    """What ``sniff.scan_lines`` must find, line by line (the bytes read as if a line feed followed
    them): the most commas on a line; the most outside quotes, as Python's csv module splits each line,
    when every line is quoted plainly (else every comma counts); a blank line with a filled one after
    it; any blank line."""
    lines = (data + b"\n").split(b"\n")[:-1]
    blank = [line in (b"", b"\r") for line in lines]
    filled = [i for i, b in enumerate(blank) if not b]
    inside = any(b and filled and i < filled[-1] for i, b in enumerate(blank))
    widest = max(line.count(b",") for line in lines)
    unquoted = widest
    if all(_PLAIN_LINE.fullmatch(line) for line in lines):
        fields = (next(csv.reader([line.replace(b"\r", b"").decode()]), []) for line in lines)
        unquoted = max(max(len(f) - 1, 0) for f in fields)
    return widest, unquoted, inside, any(blank)


def _cut(draw: st.DrawFn, data: bytes) -> tuple[bytes, list[bytes]]:
    """The bytes and the same bytes cut into up to five chunks, as a file is read."""
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=4)))
    return data, [data[i:j] for i, j in zip([0, *cuts], [*cuts, len(data)], strict=True)]


@st.composite
def chunked(draw: st.DrawFn, alphabet: bytes) -> tuple[bytes, list[bytes]]:
    """Bytes of ``alphabet``, cut into chunks."""
    return _cut(draw, bytes(alphabet[x % len(alphabet)] for x in draw(st.binary(max_size=60))))


@st.composite
def quoted_lines(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    """Lines of bare and quoted cells (commas, doubled quotes and CRs inside), now and then a cell that
    is neither, cut into chunks: the quoting is mostly plain, as random bytes' seldom is."""
    quoted = st.text('a,"\r', max_size=4).map(lambda text: '"' + text.replace('"', '""') + '"')
    bare, stray = st.text("a \r", max_size=3), st.text('a,"\r\n', min_size=1, max_size=3)
    cell = st.one_of(bare, quoted, bare, quoted, quoted, quoted, stray)
    line = st.tuples(st.lists(cell, max_size=4), st.sampled_from(["", "\r"])).map(lambda c: ",".join(c[0]) + c[1])
    end = draw(st.sampled_from(["", "\n"]))
    return _cut(draw, ("\n".join(draw(st.lists(line, max_size=5))) + end).encode())


@settings(max_examples=2000, deadline=None)
@given(chunked(b"a,\n\r;"))
def test_the_vectorised_line_scan_reads_lines_as_one_by_one(case: tuple[bytes, list[bytes]]) -> None:
    data, chunks = case
    scan = sniff.scan_lines(iter(chunks), ",")
    assert (scan.widest, scan.widest_unquoted, scan.blank_inside, scan.blank_any) == _lines_one_by_one(data)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(chunked(b'a,"\n\r '), quoted_lines()))
def test_delimiters_inside_quotes_are_not_counted_when_the_quoting_is_plain(case: tuple[bytes, list[bytes]]) -> None:
    data, chunks = case
    scan = sniff.scan_lines(iter(chunks), ",")
    assert (scan.widest, scan.widest_unquoted, scan.blank_inside, scan.blank_any) == _lines_one_by_one(data)


def test_quoted_lines_are_recognised_as_plain_in_the_shapes_agencies_write(monkeypatch: pytest.MonkeyPatch) -> None:
    def cut_in_three(data: bytes) -> Iterator[list[bytes]]:  # wherever two chunks end
        for i in range(len(data) + 1):
            for j in range(i, len(data) + 1):
                yield [data[:i], data[i:j], data[j:]]

    for block in (sniff.SCAN_BLOCK_BYTES, 3):  # and wherever the scan's blocks end within a chunk
        monkeypatch.setattr(sniff, "SCAN_BLOCK_BYTES", block)
        for chunks in cut_in_three(b'iin,address\r\n1,"a, b"\r\n2,"say ""hi"", ok"\n3,""\n'):
            scan = sniff.scan_lines(iter(chunks), ",")
            assert (scan.widest, scan.widest_unquoted) == (2, 1)
        # left open, inside a cell, text after it, a lone CR after it: every delimiter counts
        for broken in (b'1,"a, b\n', b'1,a"b,c"\n', b'1,"a"b,c\n', b'1,"a,"\rb\n'):
            for chunks in cut_in_three(broken):
                scan = sniff.scan_lines(iter(chunks), ",")
                assert scan.widest_unquoted == scan.widest == 2
    # a line still running past QUOTED_LINE_BYTES where a chunk (not a block) ends is not looked at
    # for its quotes
    monkeypatch.setattr(sniff, "QUOTED_LINE_BYTES", 4)
    assert sniff.scan_lines(iter([b'1,"a,', b'b"\n']), ",").widest_unquoted == 2
    assert sniff.scan_lines(iter([b'1,"a,b"\n']), ",").widest_unquoted == 1


def test_a_csv_file_is_scanned_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The registry is the largest file and its addresses are quoted: one pass finds the widest line
    # both with and without the quoted delimiters.
    path = tmp_path / "registry.csv"
    path.write_text('ИИН,Адрес\n1,"Талгар, ул. Абая, 5"\n2,"Есик, 7"\n', encoding="utf-8")
    passes: list[Path] = []
    byte_chunks = sniff.byte_chunks

    def counted(source: Path) -> Iterator[bytes]:
        passes.append(source)
        return byte_chunks(source)

    monkeypatch.setattr(sniff, "byte_chunks", counted)
    _, rows, rejects = read(path)
    assert passes == [path] and rejects == []
    assert rows == [(2, "1", "Талгар, ул. Абая, 5"), (3, "2", "Есик, 7")]


def test_a_file_of_quoted_addresses_is_read_by_duckdb_not_the_careful_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A registry's addresses hold commas: more delimiters on every line than the header has columns.
    path = tmp_path / "registry.csv"
    path.write_text('ИИН,Адрес\n1,"Талгар, ул. Абая, 5"\n2,"Есик, ""Достык"", 7"\n3,a\n', encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(readers, "_duckdb_csv", lambda *_args: False)  # DuckDB gives up: the careful way reads it
        careful = read(path)

    def refuse(*_args: object) -> None:
        raise AssertionError("the careful way was taken")

    monkeypatch.setattr(readers, "_careful_csv", refuse)
    result, rows, rejects = read(path)
    assert rows == [(2, "1", "Талгар, ул. Абая, 5"), (3, "2", 'Есик, "Достык", 7'), (4, "3", "a")]
    assert rejects == [] and (result, rows, rejects) == careful
