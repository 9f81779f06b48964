"""Reading tables people send: CSV into DuckDB, XLSX into DuckDB, and small sheets as Python rows.

``read(con, path, table)`` makes a view ``table`` with one VARCHAR column per header plus ``_row``,
and a table ``<table>_parse_rejects`` (``_row``, ``reason``) of the rows that could not be split into
the header's fields; ``drop`` removes all of it. The file's type is judged by its content: a zip is
an .xlsx workbook, anything else is text.

``_row`` is the row number a person sees when the file is open in Excel: for a spreadsheet the
sheet's own row number (the header is usually row 1, rows above it count); for a CSV file the
record's number counting from the file's first line, a quoted cell that spans lines staying in its
row. Blank rows (a blank line, a spreadsheet row with no value) keep their number but are not rows:
``rows_in`` counts the data rows below the header that hold anything, each of them either in the
view or among the parse rejects (rows in = accepted + rejected). A row with more fields than the
header is one rejected row; only CR and LF end a line (U+0085, U+2028 and form feeds are text).

CSV is read by DuckDB straight from the file (a cp1251 or utf-16 file is transcoded to utf-8 first,
in chunks). Some files are read "the careful way" instead, by Python's csv module writing a clean
copy that DuckDB then loads: files with blank lines between rows or above the header (DuckDB skips
them without a trace, so numbers after them could not be known; in a file of one column it reads them
as rows of an empty cell), files with a line wider than the header (DuckDB would keep a row with
one surplus empty field; delimiters inside plainly quoted cells do not count), files where DuckDB
would have to record too many parse errors (a row with thousands of surplus fields costs DuckDB time quadratic in
them), and files DuckDB's parser gives up on (line endings that change within the file). The
careful way is slower (a Python loop per row) but only such files take it.

``rows(source, name)`` gives small sheets (projects, outreach) as Python rows: ``(row number, cells)``
with the same numbering, spreadsheet cells as calamine types them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from birtizim.tables import headers as header_rules
from birtizim.tables import limits, sniff, workbook
from birtizim.tables.sniff import TableError
from birtizim.tables.sql import quote_ident, quote_literal

if TYPE_CHECKING:
    import pyarrow as pa

ROW = "_row"
BATCH_ROWS = 50_000
csv.field_size_limit(max(csv.field_size_limit(), limits.MAX_FIELD_CHARS))


@dataclass(frozen=True)
class ReadResult:
    table: str
    headers: list[str]
    rows_in: int  # data rows in the file that hold anything, accepted and rejected
    encoding: str
    delimiter: str | None


def read(con: duckdb.DuckDBPyConnection, path: Path, table: str, parsed: ParsedSheet | None = None) -> ReadResult:
    """``path`` into DuckDB as ``table``; a workbook already parsed (``parse_xlsx``) is given as ``parsed``."""
    sniff.check_file(path)
    if parsed is not None or sniff.is_spreadsheet(path):
        return _read_xlsx(con, path, table, parsed)
    return _read_csv(con, path, table)


def drop(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Remove everything ``read`` created for ``table``."""
    con.execute(f"DROP VIEW IF EXISTS {quote_ident(table)}")
    for suffix in ("_read", "_rows", "_parse_rejects", "_rejects_raw", "_rejects_scan", "_shift"):
        con.execute(f"DROP TABLE IF EXISTS {quote_ident(table + suffix)}")


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()
    return int(row[0]) if row else 0


# ---- CSV -----------------------------------------------------------------------------------------


def _utf8_copy(path: Path, encoding: str) -> Path:
    """The file transcoded to utf-8 in chunks (DuckDB reads utf-8 only); the caller removes it."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    fd, name = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "wb") as out:
        for chunk in sniff.byte_chunks(path):
            out.write(decoder.decode(chunk).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(name)


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    encoding = sniff.detect_encoding(path)
    header = sniff.read_header(path, encoding)
    names = header_rules.clean(header.fields, reserved=(ROW,))
    source = path if encoding in ("utf-8", "utf-8-sig") else _utf8_copy(path, encoding)
    try:
        scan = sniff.scan_lines(sniff.byte_chunks(source), header.delimiter)
        # A line wider than the header goes the careful way: DuckDB takes one surplus empty field for a
        # trailing separator and keeps the row, where the careful reader rejects it. Delimiters inside
        # quoted cells (addresses) do not make a line wider, when the quoting is plain.
        plain = (
            header.records_before == 0
            and not scan.blank_inside
            and not (len(names) == 1 and scan.blank_any)
            and scan.widest_unquoted <= len(names) - 1
        )
        if not (plain and _duckdb_csv(con, source, path, table, names, header.delimiter)):
            _careful_csv(con, source, path, table, names, header)
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    rows_in = _count(con, table + "_read") + _count(con, table + "_parse_rejects")
    return ReadResult(table, names, rows_in, encoding, header.delimiter)


def _columns(types: dict[str, str]) -> str:
    """read_csv's ``columns`` as a SQL literal: any Python parameter makes DuckDB import pandas (half a
    second), and the readers run in processes that need nothing else of it (the preview, eval)."""
    return "{" + ", ".join(f"{quote_literal(name)}: {quote_literal(t)}" for name, t in types.items()) + "}"


# Why a line could not be read, as a code with its figures (``too_many_fields:5:3``), so that the web can
# say it in the reader's language: too_many_fields:FOUND:EXPECTED, too_few_fields:FOUND:EXPECTED,
# not_utf8, unclosed_quote, line_too_long, unreadable_line.
def _reason_sql(n: int) -> str:
    found = "TRY_CAST(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)"
    return f"""CASE
        WHEN bool_or(error_type = 'TOO MANY COLUMNS') THEN 'too_many_fields:' || max({found}) || ':{n}'
        WHEN bool_or(error_type = 'MISSING COLUMNS') THEN 'too_few_fields:' || min({found}) || ':{n}'
        WHEN bool_or(error_type IN ('INVALID ENCODING', 'INVALID UNICODE')) THEN 'not_utf8'
        WHEN bool_or(error_type = 'UNQUOTED VALUE') THEN 'unclosed_quote'
        WHEN bool_or(error_type = 'LINE SIZE OVER MAXIMUM') THEN 'line_too_long'
        ELSE 'unreadable_line' END"""


def _duckdb_csv(
    con: duckdb.DuckDBPyConnection, source: Path, path: Path, table: str, names: list[str], delimiter: str
) -> bool:
    """DuckDB reads the file; False when it met so many parse errors that the careful way must read it."""
    raw, scan_table = table + "_rejects_raw", table + "_rejects_scan"
    try:
        # No row_number() window here: it would serialise the parallel CSV scan. A table created
        # from the scan keeps file order (insertion order is preserved), so rowid is the position.
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {quote_ident(table + "_read")} AS
            SELECT * FROM read_csv({quote_literal(str(source))}, delim={quote_literal(delimiter)}, header=true,
                                   columns={_columns({h: "VARCHAR" for h in names})},
                                   auto_detect=false, quote='"', escape='"',
                                   ignore_errors=true, store_rejects=true, rejects_limit={limits.MAX_PARSE_ERRORS},
                                   rejects_table={quote_literal(raw)}, rejects_scan={quote_literal(scan_table)})
            """
        )
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the caller's memory bound (the preview's) says what happened
    except duckdb.Error:
        # DuckDB gives up on some files Python's csv module reads (line endings that change from
        # LF to CRLF within the file, for one): those are read the careful way.
        drop(con, table)
        return False
    if _count(con, raw) >= limits.MAX_PARSE_ERRORS:
        drop(con, table)
        return False
    # DuckDB's line numbers count records from the header (line 1): they are already the row numbers.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {quote_ident(table + "_parse_rejects")} AS
        SELECT CAST(line AS BIGINT) AS {ROW}, {_reason_sql(len(names))} AS reason
        FROM {quote_ident(raw)} GROUP BY line
        """
    )
    read_table, view = quote_ident(table + "_read"), quote_ident(table)
    rejects = quote_ident(table + "_parse_rejects")
    if _count(con, table + "_parse_rejects") == 0:  # the usual case: numbers are positions, no copy
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT rowid + 2 AS {ROW}, * FROM {read_table}")
        return True
    # Rows DuckDB could not parse keep their place: an accepted row's number is its position among
    # accepted rows plus the rejected rows before it, plus the header. Reject i (in file order) comes
    # before the accepted rows whose position exceeds (its data row - i); an ASOF join finds the count.
    shift, rows = quote_ident(table + "_shift"), quote_ident(table + "_rows")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {shift} AS
        SELECT after_seq, max(shift) AS shift
        FROM (SELECT ({ROW} - 1) - row_number() OVER (ORDER BY {ROW}) AS after_seq,
                     row_number() OVER (ORDER BY {ROW}) AS shift
              FROM (SELECT DISTINCT {ROW} FROM {rejects}))
        GROUP BY after_seq;
        CREATE OR REPLACE TEMP TABLE {rows} AS
        SELECT r._seq + coalesce(s.shift, 0) + 1 AS {ROW}, r.* EXCLUDE (_seq)
        FROM (SELECT rowid + 1 AS _seq, * FROM {read_table}) r
        ASOF LEFT JOIN {shift} s ON r._seq > s.after_seq;
        DROP TABLE {shift};
        CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {rows};
        """
    )
    return True


def _records(source: Path, path: Path, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Every record of a utf-8 file with its number (blank lines are numbered records of no field)."""
    with sniff.text_stream(source, "utf-8-sig", errors="replace") as f:
        reader = csv.reader(f, delimiter=delimiter, strict=False)
        number = 0
        try:
            for number, fields in enumerate(reader, start=1):
                yield number, fields
        except csv.Error as exc:
            raise TableError(f"{path}: row {number + 1} cannot be read as CSV: {exc}") from None


def _careful_csv(
    con: duckdb.DuckDBPyConnection, source: Path, path: Path, table: str, names: list[str], header: sniff.Header
) -> None:
    """Python's csv module splits the records; DuckDB loads the clean copy it writes (numbered rows)."""
    n = len(names)
    fd_rows, rows_name = tempfile.mkstemp(suffix=".csv")
    fd_rejects, rejects_name = tempfile.mkstemp(suffix=".csv")
    try:
        with (
            os.fdopen(fd_rows, "w", encoding="utf-8", newline="") as rows_out,
            os.fdopen(fd_rejects, "w", encoding="utf-8", newline="") as rejects_out,
        ):
            # Every field quoted: QUOTE_MINIMAL would leave a lone CR unquoted (only the line terminator's
            # characters count), and DuckDB would end the row there.
            good = csv.writer(rows_out, lineterminator="\n", quoting=csv.QUOTE_ALL)
            bad = csv.writer(rejects_out, lineterminator="\n", quoting=csv.QUOTE_ALL)
            header_row = header.records_before + 1
            for number, fields in _records(source, path, header.delimiter):
                if number <= header_row or not fields:
                    continue
                if len(fields) == n:
                    good.writerow([number, *(f.replace("\x00", "") for f in fields)])
                else:
                    word = "many" if len(fields) > n else "few"
                    bad.writerow([number, f"too_{word}_fields:{len(fields)}:{n}"])
        # new_line given: DuckDB would otherwise guess it, and a quoted CR in a cell can mislead the guess.
        load = (
            "SELECT * FROM read_csv({}, delim=',', header=false, columns={}, auto_detect=false, quote='\"', "
            "escape='\"', new_line='\\n')"
        )
        loads = (
            (table + "_read", rows_name, {ROW: "BIGINT", **{h: "VARCHAR" for h in names}}),
            (table + "_parse_rejects", rejects_name, {ROW: "BIGINT", "reason": "VARCHAR"}),
        )
        for target, name, types in loads:
            query = load.format(quote_literal(name), _columns(types))
            con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(target)} AS {query}")
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error as exc:
        raise TableError(f"{path}: cannot be read as CSV: {str(exc).splitlines()[0]}") from None
    finally:
        Path(rows_name).unlink(missing_ok=True)
        Path(rejects_name).unlink(missing_ok=True)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(table)} AS SELECT * FROM {quote_ident(table + '_read')}")


# ---- XLSX ----------------------------------------------------------------------------------------


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text the engine's cell rules read (None when empty).

    Integral numbers are their digits (an IIN in a number cell has lost its zeros, not gained ".0");
    dates are ISO dates.
    """
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _blank(cells: list[Any]) -> bool:
    return all(c is None or c == "" for c in cells)


@dataclass(frozen=True)
class ParsedSheet:
    """A workbook's first sheet parsed by Python, not yet in DuckDB: ``read`` loads it as it would the file."""

    headers: list[str]
    batches: list[pa.Table]  # ``_row`` and one string column per header


def parse_xlsx(path: Path) -> ParsedSheet:
    """The whole first sheet of ``path``, parsed without DuckDB (so another thread can do it while
    DuckDB works: engine.ingest reads the lists' spreadsheets so, beside the registry)."""
    headers, batches = _xlsx_batches(path)
    return ParsedSheet(headers, list(batches))


def _xlsx_batches(path: Path) -> tuple[list[str], Iterator[pa.Table]]:
    """The first sheet's headers, and its rows below the header as Arrow tables of ``BATCH_ROWS``
    (blank rows left out, each row keeping its number): parsed as they are asked for."""
    import pyarrow as pa

    rows = workbook.sheet_rows(workbook.open_first_sheet(path, str(path)))
    header: list[Any] | None = None
    for _, cells in rows:
        if not _blank(cells):
            header = cells
            break
    if header is None:
        raise TableError(f"{path}: the spreadsheet is empty")
    names = header_rules.clean([cell_text(c) or "" for c in header], reserved=(ROW,))
    schema = pa.schema([(ROW, pa.int64()), *((h, pa.string()) for h in names)])
    width = len(names)

    def table(batch: list[tuple[int, list[Any]]]) -> pa.Table:
        # A column at a time, and text cells (most of them) taken as they are.
        numbers, rows_ = zip(*batch, strict=True)
        padded = [c if len(c) >= width else [*c, *([None] * (width - len(c)))] for c in rows_]
        columns = [pa.array(numbers, pa.int64())]
        columns += [
            pa.array([(v or None) if type(v) is str else cell_text(v) for v in column], pa.string())
            for column in itertools.islice(zip(*padded, strict=False), width)
        ]
        return pa.Table.from_arrays(columns, schema=schema)

    def batches() -> Iterator[pa.Table]:
        batch: list[tuple[int, list[Any]]] = []
        for number, cells in rows:
            if _blank(cells):
                continue
            batch.append((number, cells))
            if len(batch) >= BATCH_ROWS:
                yield table(batch)
                batch = []
        if batch:
            yield table(batch)

    return names, batches()


def _read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, table: str, parsed: ParsedSheet | None = None) -> ReadResult:
    # Read here, spreadsheets go to DuckDB batch by batch (memory stays flat); parsed beforehand
    # (parse_xlsx), they are loaded whole.
    names, batches = (parsed.headers, iter(parsed.batches)) if parsed else _xlsx_batches(path)
    read_table = quote_ident(table + "_read")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {read_table} ("
        + ", ".join([f"{ROW} BIGINT", *(f"{quote_ident(h)} VARCHAR" for h in names)])
        + ")"
    )
    rows_in = 0
    arrow_name = table + "_arrow"
    for batch in batches:
        con.register(arrow_name, batch)
        try:
            con.execute(f"INSERT INTO {read_table} SELECT * FROM {quote_ident(arrow_name)}")
        finally:
            con.unregister(arrow_name)
        rows_in += batch.num_rows
    con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(table)} AS SELECT * FROM {read_table}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(table + '_parse_rejects')} ({ROW} BIGINT, reason VARCHAR)")
    return ReadResult(table, names, rows_in, "xlsx", None)


# ---- small sheets as Python rows ------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    rows: list[tuple[int, list[Any]]]  # (row number as Excel shows it, cells); blank rows included
    encoding: str  # "xlsx" for a workbook
    delimiter: str | None


def rows(source: Path | bytes, *, name: str) -> Rows:
    """Every row of a small table: a workbook's first sheet or a CSV file (a path; bytes must be .xlsx).

    Cells of a CSV file are text; a spreadsheet's cells are what calamine gives ("" when empty, a
    float for a number, a date for a date). At most ``MAX_COLUMNS`` cells of a row are kept.
    """
    if isinstance(source, Path):
        sniff.check_file(source)
        with source.open("rb") as f:
            head = f.read(8)
    else:
        head = source[:8]
        if not source:
            raise TableError(f"{name}: the file is empty")
    if isinstance(source, bytes) or sniff.is_spreadsheet(source, head):
        sheet = workbook.open_first_sheet(source, name)
        return Rows([(n, cells[: limits.MAX_COLUMNS]) for n, cells in workbook.sheet_rows(sheet)], "xlsx", None)
    encoding = sniff.detect_encoding(source)
    header = sniff.read_header(source, encoding)
    utf8 = source if encoding in ("utf-8", "utf-8-sig") else _utf8_copy(source, encoding)
    try:
        found: list[tuple[int, list[Any]]] = [
            (n, list(fields[: limits.MAX_COLUMNS])) for n, fields in _records(utf8, source, header.delimiter)
        ]
    finally:
        if utf8 != source:
            utf8.unlink(missing_ok=True)
    return Rows(found, encoding, header.delimiter)
