"""Read agency files into DuckDB tables of text, keeping every row's number.

CSV: utf-8 (with or without BOM) or cp1251, separated by ``,``, ``;`` or tab (taken from the header
line). DuckDB reads the file; a row with too few or too many fields is not dropped but stored as a
reject with its row number and DuckDB's reason. XLSX: python-calamine reads the first sheet.

Each read produces a view named as asked, with one VARCHAR column per header plus ``_row``, the
1-based data row number (header excluded) that rejects and links refer to, and a table
``<name>_parse_rejects`` (``_row``, ``reason``); ``drop()`` removes them all.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from birtizim.engine.sources import SourceError

DELIMITERS = (",", ";", "\t")
SNIFF_BYTES = 4 << 20


@dataclass(frozen=True)
class ReadResult:
    table: str
    headers: list[str]
    rows_in: int  # data rows in the file, accepted and rejected
    encoding: str
    delimiter: str | None


def read(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise SourceError(f"{path}: the file is empty")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _read_xlsx(con, path, table)
    return _read_csv(con, path, table)


def _detect_encoding(path: Path) -> str:
    """utf-8 (with or without BOM) or cp1251, judged on the first megabytes.

    Agencies' exports are one encoding throughout and Cyrillic names start on the first line, so the
    head decides; decoding a whole 350 MB registry just to ask would cost a second. A stray invalid
    byte further down is still caught: DuckDB rejects that row with its line number.
    """
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if b"\x00" in head[:65536]:
        raise SourceError(f"{path}: not a text file (it holds binary data); expected CSV or XLSX")
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1251")
        return "cp1251"
    except UnicodeDecodeError:
        raise SourceError(f"{path}: the text is neither utf-8 nor cp1251") from None


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        name = h.strip() or f"column{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    encoding = _detect_encoding(path)
    with path.open("rb") as f:
        text_head = f.read(65536).decode(encoding, errors="replace")
    first_line = text_head.splitlines()[0] if text_head.strip() else ""
    if not first_line.strip():
        raise SourceError(f"{path}: the file is empty")
    delimiter = max(DELIMITERS, key=first_line.count)
    headers = _unique(next(csv.reader(io.StringIO(first_line), delimiter=delimiter)))
    source = path
    tmp = None
    if encoding == "cp1251":
        # DuckDB reads utf-8 only without extensions; transcode once (C speed, whole file).
        tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)  # noqa: SIM115 - removed below
        tmp.write(path.read_bytes().decode("cp1251").encode("utf-8"))
        tmp.close()
        source = Path(tmp.name)
    columns = {h: "VARCHAR" for h in headers}
    try:
        # No row_number() window here: it would serialise the parallel CSV scan. A table created
        # from the scan keeps file order (insertion order is preserved), so rowid is the position.
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE "{table}_read" AS
            SELECT * FROM read_csv(?, delim=?, header=true, columns=?, auto_detect=false, quote='"', escape='"',
                                   ignore_errors=true, store_rejects=true,
                                   rejects_table='{table}_rejects_raw', rejects_scan='{table}_rejects_scan')
            """,
            [str(source), delimiter, columns],
        )
    except duckdb.Error as exc:
        raise SourceError(f"{path}: cannot be read as CSV: {str(exc).splitlines()[0]}") from None
    finally:
        if tmp is not None:
            Path(tmp.name).unlink(missing_ok=True)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE "{table}_parse_rejects" AS
        SELECT DISTINCT CAST(line - 1 AS BIGINT) AS _row, error_type || ': ' || error_message AS reason
        FROM "{table}_rejects_raw"
        """
    )
    if _count(con, f'"{table}_parse_rejects"') == 0:  # the usual case: numbers are positions, no copy
        con.execute(f'CREATE OR REPLACE TEMP VIEW "{table}" AS SELECT rowid + 1 AS _row, * FROM "{table}_read"')
    else:
        # Rows DuckDB could not parse keep their place: an accepted row's number is its position
        # among accepted rows plus the rejected rows before it. Reject i (in file order) comes
        # before the accepted rows whose position exceeds row_i - i; an ASOF join finds the count.
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE "{table}_shift" AS
            SELECT after_seq, max(shift) AS shift
            FROM (SELECT _row - row_number() OVER (ORDER BY _row) AS after_seq,
                         row_number() OVER (ORDER BY _row) AS shift
                  FROM (SELECT DISTINCT _row FROM "{table}_parse_rejects"))
            GROUP BY after_seq;
            CREATE OR REPLACE TEMP TABLE "{table}_rows" AS
            SELECT r._seq + coalesce(s.shift, 0) AS _row, r.* EXCLUDE (_seq)
            FROM (SELECT rowid + 1 AS _seq, * FROM "{table}_read") r
            ASOF LEFT JOIN "{table}_shift" s ON r._seq > s.after_seq;
            DROP TABLE "{table}_shift";
            CREATE OR REPLACE TEMP VIEW "{table}" AS SELECT * FROM "{table}_rows";
            """
        )
    rows_in = _count(con, f'"{table}"') + _count(con, f'"{table}_parse_rejects"')
    return ReadResult(table, headers, rows_in, encoding, delimiter)


def drop(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Remove everything ``read`` created for ``table``."""
    con.execute(f'DROP VIEW IF EXISTS "{table}"')
    for suffix in ("_read", "_rows", "_parse_rejects", "_rejects_raw", "_rejects_scan"):
        con.execute(f'DROP TABLE IF EXISTS "{table}{suffix}"')


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _cell(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        # Numeric cells: integral values are the digits (an IIN in a number cell has lost its zeros).
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise SourceError(f"{path}: cannot be read as a spreadsheet: {exc}") from None
    rows = [r for r in sheet]
    while rows and all(_cell(c) is None for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise SourceError(f"{path}: the spreadsheet is empty")
    headers = _unique([_cell(c) or "" for c in rows[0]])
    data = rows[1:]
    # XLSX row-by-row conversion: calamine hands Python objects; spreadsheets are the small lists.
    columns = {h: [_cell(r[i]) if i < len(r) else None for r in data] for i, h in enumerate(headers)}
    arrow = pa.table(
        {
            "_row": pa.array(range(1, len(data) + 1), pa.int64()),
            **{h: pa.array(v, pa.string()) for h, v in columns.items()},
        }
    )
    con.register(f"{table}_arrow", arrow)
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{table}_read" AS SELECT * FROM "{table}_arrow"')
    con.execute(f'CREATE OR REPLACE TEMP VIEW "{table}" AS SELECT * FROM "{table}_read"')
    con.unregister(f"{table}_arrow")
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{table}_parse_rejects" (_row BIGINT, reason VARCHAR)')
    return ReadResult(table, headers, len(data), "xlsx", None)
