"""Opening .xlsx workbooks safely: checked before calamine loads them, read row by row.

calamine materialises a sheet as a dense block from its first used cell to its last, and
``to_python(skip_empty_area=False)`` from A1: a 13 KB file with one cell in A1 and one at
XFD1048576 asks for 512 GiB and the process aborts (a Rust allocation failure cannot be caught).
So ``check`` reads the zip's directory and streams the first sheet's XML (regular expressions over
chunks, nothing parsed into a tree) before anything is loaded, and refuses, with a sentence, a
workbook whose declared or actual area exceeds ``limits.MAX_COLUMNS`` columns or
``limits.MAX_CELLS`` cells, or whose parts uncompress beyond ``limits.MAX_UNCOMPRESSED_BYTES`` (or
``limits.MAX_COMPRESSION_RATIO`` times the file). ``sheet_rows`` then yields rows numbered as Excel
shows them, without ever building the block from A1.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from birtizim.tables import limits
from birtizim.tables.sniff import OLE2_MAGIC, XLSX_MAGIC, TableError

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (<x:row ...>)
# A row's or a cell's start tag with its reference, empty when it has none: one pass over the sheet
# finds both the tags and their references (each pass costs a scan of the whole sheet).
_ROW = re.compile(rb"<" + _P + rb"row(?=[\s/>])(?:\s[^>]*?\br=\"(\d+)\")?")
_CELL = re.compile(rb"<" + _P + rb"c(?=[\s/>])(?:\s[^>]*?\br=\"([A-Z]{1,3})(\d+)\")?")
_DIMENSION = re.compile(rb"<" + _P + rb"dimension\s[^>]*?\bref=\"([A-Z0-9:$]+)\"")
CHUNK = 1 << 20


def column_number(letters: str) -> int:
    """A = 1, Z = 26, AA = 27, XFD = 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@dataclass(frozen=True)
class Extent:
    """The largest area calamine could materialise: rows and columns counted from A1 (upper bounds)."""

    rows: int
    columns: int


def _open_zip(source: Path | bytes, name: str) -> zipfile.ZipFile:
    handle: IO[bytes] | Path = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TableError(f"{name}: cannot be read as a spreadsheet: {exc}") from None


def _first_sheet_part(z: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first sheet (the one calamine's index 0 reads), or None."""
    try:
        workbook = z.read("xl/workbook.xml")[: 1 << 20]
        rels = z.read("xl/_rels/workbook.xml.rels")[: 1 << 20]
    except KeyError:
        return None
    sheet = re.search(rb"<" + _P + rb"sheet\s[^>]*?\b(?:r:)?id=\"([^\"]+)\"", workbook)
    if sheet is None:
        return None
    for tag in re.findall(rb"<" + _P + rb"Relationship\s[^>]*>", rels):
        ident = re.search(rb"\bId=\"([^\"]+)\"", tag)
        target = re.search(rb"\bTarget=\"([^\"]+)\"", tag)
        if ident and target and ident.group(1) == sheet.group(1):
            path = target.group(1).decode("utf-8", "replace")
            return path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join("xl", path))
    return None


def _scan_sheet(z: zipfile.ZipFile, part: str, name: str) -> Extent:
    declared: Extent | None = None
    max_row = max_col = row_tags = row_refs = cell_tags = cell_refs = 0
    carry = b""
    with z.open(part) as f:
        while True:
            chunk = f.read(CHUNK)
            data = carry + chunk
            cut = data.rfind(b">") + 1 if chunk else len(data)
            body, carry = data[:cut], data[cut:]
            if declared is None and (dim := _DIMENSION.search(body)):
                last = dim.group(1).decode().replace("$", "").split(":")[-1]
                letters = re.match(r"[A-Z]*", last)
                digits = re.search(r"[0-9]+$", last)
                declared = Extent(
                    int(digits.group()) if digits else 0,
                    column_number(letters.group()) if letters and letters.group() else 0,
                )
            row_found = _ROW.findall(body)
            cell_found = _CELL.findall(body)
            row_tags += len(row_found)
            cell_tags += len(cell_found)
            rows = set(row_found) - {b""}
            cells = set(cell_found) - {(b"", b"")}
            row_refs += len(row_found) - row_found.count(b"")
            cell_refs += len(cell_found) - cell_found.count((b"", b""))
            if rows:
                max_row = max(max_row, max(map(int, rows)))
            if cells:
                letters_seen = {c for c, _ in cells}
                max_col = max(max_col, max(map(column_number, (c.decode() for c in letters_seen))))
                max_row = max(max_row, max(map(int, {r for _, r in cells})))
            if not chunk:
                break
    # Rows and cells without a reference follow the previous one: count them as if all came last.
    extent = Extent(max_row + (row_tags - row_refs), max_col + (cell_tags - cell_refs))
    for what, found in (("declares", declared), ("uses", extent)):
        if found is None:
            continue
        if found.columns > limits.MAX_COLUMNS:
            raise TableError(
                f"{name}: the first sheet {what} {found.columns:,} columns; at most {limits.MAX_COLUMNS} are read"
            )
        if found.rows * found.columns > limits.MAX_CELLS:
            raise TableError(
                f"{name}: the first sheet {what} {found.rows:,} rows by {found.columns:,} columns; "
                f"at most {limits.MAX_CELLS:,} cells are read"
            )
    return extent


def check(source: Path | bytes, name: str) -> Extent:
    """Refuse, before loading, a workbook that would take more memory than ``limits`` allow."""
    head = source[:8] if isinstance(source, bytes) else source.open("rb").read(8)
    if head.startswith(OLE2_MAGIC):
        raise TableError(f"{name}: an old Excel workbook (.xls); save it as .xlsx")
    if not head.startswith(XLSX_MAGIC):
        raise TableError(f"{name}: cannot be read as a spreadsheet: not an .xlsx workbook inside")
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    with _open_zip(source, name) as z:
        infos = z.infolist()
        total = sum(i.file_size for i in infos)
        if total > limits.MAX_UNCOMPRESSED_BYTES or total > max(size, 1 << 20) * limits.MAX_COMPRESSION_RATIO:
            raise TableError(
                f"{name}: the workbook unpacks to {total / 2**20:,.0f} MB from {size / 2**20:,.1f} MB; "
                f"at most {limits.MAX_UNCOMPRESSED_BYTES >> 20:,} MB and {limits.MAX_COMPRESSION_RATIO} times the "
                "file are read"
            )
        part = _first_sheet_part(z)
        names = {i.filename for i in infos}
        parts = [part] if part in names else sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n))
        if not parts:
            raise TableError(f"{name}: cannot be read as a spreadsheet: the workbook has no sheet")
        try:
            extents = [_scan_sheet(z, p, name) for p in parts]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
            if isinstance(exc, TableError):
                raise
            raise TableError(f"{name}: cannot be read as a spreadsheet: {exc}") from None
    return max(extents, key=lambda e: e.rows * e.columns)


def open_first_sheet(source: Path | bytes, name: str) -> Any:
    """The checked workbook's first sheet as calamine loads it (a ``CalamineSheet``)."""
    check(source, name)
    from python_calamine import CalamineWorkbook

    try:
        book = (
            CalamineWorkbook.from_filelike(io.BytesIO(source))
            if isinstance(source, bytes)
            else CalamineWorkbook.from_path(str(source))
        )
        return book.get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise TableError(f"{name}: cannot be read as a spreadsheet: {str(exc)[:200]}") from None


def _is_blank(cells: list[Any]) -> bool:
    return all(c is None or c == "" for c in cells)


def sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """The used rows with their numbers as Excel shows them (blank rows between them included, as lists
    of empty cells; blank rows above the first used one left out); cells as calamine gives them.

    Whether calamine's ``iter_rows`` starts at row 1 (python-calamine 0.9) or at the first used row,
    ``sheet.start``, differs between versions. Starting at row 1, every row above ``sheet.start`` is
    blank; so a row with a value found above it means the iteration started at ``sheet.start``.
    """
    start = sheet.start
    if start is None:
        return
    first_used = int(start[0])
    offset: int | None = None
    for i, row in enumerate(sheet.iter_rows()):
        cells = list(row)
        if offset is None:
            if _is_blank(cells):
                continue
            offset = first_used if i < first_used else 0
        yield i + offset + 1, cells
