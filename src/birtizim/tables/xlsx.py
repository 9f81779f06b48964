"""Write XLSX workbooks straight from DuckDB queries.

A general-purpose writer (xlsxwriter) takes every cell through Python: about 100 µs per row, half a
minute for the work lists of a full region. Here DuckDB renders each row's sheet XML in one
set-based query and Python only streams the result, batch by batch, into the zip file.

Cells are typed by the query's column types: numbers are numbers, dates are Excel dates shown as
dd.mm.yyyy, columns whose name starts with ``actualisation`` (or that a sheet lists in ``percent``) are
percentages, everything else is an
inline string. Inline strings are never evaluated, so a name beginning with ``=`` stays text
(formula injection is impossible by construction). Header row bold, frozen, with an autofilter.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

import duckdb

from birtizim.tables.sql import quote_ident

MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
BATCH_ROWS = 50_000

# Style indexes into STYLES' cellXfs: 0 default, 1 date, 2 percent, 3 header.
DATE, PERCENT, HEADER = 1, 2, 3
NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
FLOATING = ("FLOAT", "DOUBLE", "REAL")


@dataclass(frozen=True)
class Sheet:
    title: str
    query: str  # any SELECT; its column names become the header row
    percent: tuple[str, ...] = ()  # columns holding shares (0-1) to show as percentages, whatever their name


def text_safe_workbook(target: str | IO[bytes]) -> Any:
    """An xlsxwriter workbook for cell-by-cell writing that keeps text as text.

    For the small, formatted workbooks (templates, portfolios) that are not a query's result: text
    never becomes a formula, a link or a number, whatever it starts with. A file-like target is
    written in memory.
    """
    import xlsxwriter

    options: dict[str, bool] = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    if not isinstance(target, str):
        options["in_memory"] = True
    return xlsxwriter.Workbook(target, options)


def headed(columns: Iterable[tuple[str, str]]) -> str:
    """A SELECT list giving each SQL expression its header: ``expr AS "Header"``, quotes doubled.

    Headers are words in the reader's language (any text): the writer takes them from column names.
    """
    return ", ".join(f"{sql} AS {quote_ident(header)}" for sql, header in columns)


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(expr: str) -> str:
    """SQL turning a text expression into an inline-string cell (or nothing when NULL)."""
    # XML 1.0 forbids most control characters; agencies' files do contain them.
    cleaned = f"regexp_replace({expr}, '[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]', '', 'g')"
    escaped = f"replace(replace(replace({cleaned}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    return f"""coalesce('<c t="inlineStr"><is><t xml:space="preserve">' || {escaped} || '</t></is></c>', '<c/>')"""


def _cell_sql(name: str, type_: str, percent: bool) -> str:
    col = quote_ident(name)
    base = type_.split("(")[0]
    if base == "DATE" or base.startswith("TIMESTAMP"):
        # Excel's day 0 is 1899-12-30 (its 1900 leap-year bug keeps later serials right).
        serial = f"date_diff('day', DATE '1899-12-30', {col}::DATE)"
        return f"""coalesce('<c s="{DATE}"><v>' || {serial} || '</v></c>', '<c/>')"""
    if base in NUMERIC or base in FLOATING or base == "DECIMAL":
        style = f' s="{PERCENT}"' if percent else ""
        return f"coalesce('<c{style}><v>' || {col} || '</v></c>', '<c/>')"
    if base == "BOOLEAN":
        return f"""coalesce('<c t="b"><v>' || CASE WHEN {col} THEN 1 ELSE 0 END || '</v></c>', '<c/>')"""
    if type_.endswith("[]"):
        return _text(f"array_to_string({col}, ', ')")
    return _text(f"CAST({col} AS VARCHAR)")


def _width_sql(name: str, type_: str) -> str:
    col = quote_ident(name)
    if type_.endswith("[]"):
        return f"max(length(array_to_string({col}, ', ')))"
    return f"max(length(CAST({col} AS VARCHAR)))"


def _end_to_end(column: Any) -> bytes | memoryview:
    """A batch's rows (an Arrow string column) as one run of UTF-8 bytes.

    Arrow keeps a string column's values back to back in one buffer, so without NULLs (every row's
    XML is a whole string) the rows are a slice of it: no Python string per row (at 2,059,200 residents
    about half a second of the work lists' ten). Anything else takes the long way, to the same bytes.
    """
    kind = str(column.type)
    if kind not in ("string", "large_string") or column.null_count or not len(column):
        return "".join(column.to_pylist()).encode()
    _validity, offsets, data = column.buffers()  # offsets: where each value starts, and the last one ends
    ends = memoryview(offsets).cast("q") if kind == "large_string" else memoryview(offsets).cast("i")
    return memoryview(data)[ends[column.offset] : ends[column.offset + len(column)]]


def _sheet_xml(con: duckdb.DuckDBPyConnection, sheet: Sheet, out: zipfile.ZipFile, member: str) -> tuple[int, str]:
    """Stream one sheet into ``member``; returns its data rows and the header-to-last-cell range."""
    query = sheet.query
    columns = con.execute(f"DESCRIBE SELECT * FROM ({query})").fetchall()
    names = [str(c[0]) for c in columns]
    types = [str(c[1]) for c in columns]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _xlsx_rows AS SELECT * FROM ({query}) LIMIT {MAX_ROWS}")
    widths_row = con.execute(
        "SELECT count(*), "
        + ", ".join(_width_sql(n, t) for n, t in zip(names, types, strict=True))
        + " FROM _xlsx_rows"
    ).fetchone()
    assert widths_row is not None
    rows = int(widths_row[0])
    widths = [max(8, min(60, max(len(n), int(w or 0))) + 2) for n, w in zip(names, widths_row[1:], strict=True)]
    last = f"{_col_letter(len(names) - 1)}{rows + 1}"
    cols_xml = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
    header = "".join(f'<c s="{HEADER}" t="inlineStr"><is><t>{escape(n)}</t></is></c>' for n in names)
    cells = " || ".join(
        _cell_sql(n, t, n.startswith("actualisation") or n in sheet.percent) for n, t in zip(names, types, strict=True)
    )
    with out.open(member, "w") as f:
        f.write(
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<dimension ref="A1:{last}"/>'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
                ' state="frozen"/></sheetView></sheetViews>'
                f"<cols>{cols_xml}</cols><sheetData><row>{header}</row>"
            ).encode()
        )
        # Rows stream in Arrow batches: memory stays flat however long the list is.
        reader = con.execute(f"SELECT '<row>' || {cells} || '</row>' FROM _xlsx_rows").to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            f.write(_end_to_end(batch.column(0)))
        f.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())
    con.execute("DROP TABLE _xlsx_rows")
    return rows, f"$A$1:${_col_letter(len(names) - 1)}${rows + 1}"


def write(con: duckdb.DuckDBPyConnection, path: Path, sheets: list[Sheet]) -> dict[str, int]:
    """Write ``sheets`` to ``path``; returns rows written per sheet (capped at Excel's limit)."""
    counts: dict[str, int] = {}
    ranges: list[str] = []
    titles = [s.title[:31] for s in sheets]
    tmp = path.with_suffix(path.suffix + ".part")
    # Level 1 deflate: sheet XML is very repetitive, so it still shrinks ~10x, at a fraction of the time.
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _content_types(len(sheets)))
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        z.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(sheets, start=1):
            counts[titles[i - 1]], ref = _sheet_xml(con, sheet, z, f"xl/worksheets/sheet{i}.xml")
            ranges.append(ref)
        # Last, because Excel wants each autofilter's range named in the workbook too.
        z.writestr("xl/workbook.xml", _workbook(titles, ranges))
    tmp.replace(path)  # a reader never sees half a workbook
    return counts


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def _workbook(titles: list[str], ranges: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(titles, start=1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{escape(t.replace(chr(39), chr(39) * 2))}'!{ref}</definedName>"
        for i, (t, ref) in enumerate(zip(titles, ranges, strict=True))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets>"
        f"<definedNames>{filters}</definedNames></workbook>"
    )


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{rels}<Relationship Id="rId{n + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    )


STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/>'
    '<numFmt numFmtId="165" formatCode="0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border>'
    "</borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"'
    ' applyAlignment="1"><alignment wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
