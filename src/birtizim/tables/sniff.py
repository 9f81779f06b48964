"""What a file is before it is read: its type by content, its text encoding, its delimiter.

Also ``TableError``, the one error every reader raises: its message is a sentence that names the
file and says what is wrong (importers may translate it for the reader).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from birtizim.tables import limits

XLSX_MAGIC = b"PK\x03\x04"  # every .xlsx is a zip file
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 4 << 20
CHUNK_BYTES = 8 << 20


class TableError(ValueError):
    """A file cannot be read as a table; the message names the file and says what is wrong."""


def is_spreadsheet(path: Path, head: bytes | None = None) -> bool:
    """An .xlsx by its content (a zip file), whatever its name says."""
    if head is None:
        with path.open("rb") as f:
            head = f.read(len(XLSX_MAGIC))
    return head.startswith(XLSX_MAGIC)


def is_binary(head: bytes) -> bool:
    """Bytes no text table starts with: a NUL byte outside utf-16 text, or a zip (a workbook)."""
    if head.startswith(XLSX_MAGIC):
        return True
    return b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def check_file(path: Path) -> None:
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise TableError(f"{path}: the file is empty")


def detect_encoding(path: Path) -> str:
    """utf-8 (with or without BOM), utf-16 (with BOM: Excel's "Unicode text") or cp1251, judged on the head.

    Agencies' exports are one encoding throughout and Cyrillic names start on the first line, so the
    first megabytes decide; a stray invalid byte further down is caught by the reader, which rejects
    that row.
    """
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:65536]:
        raise TableError(f"{path}: not a text file (it holds binary data); expected CSV or XLSX")
    if head.startswith(codecs.BOM_UTF8):
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
        raise TableError(f"{path}: the text is neither utf-8 nor cp1251") from None


def text_stream(path: Path, encoding: str, errors: str = "strict") -> io.TextIOWrapper:
    """The file as text; ``newline=""`` so that only CR and LF end a line (never U+0085 or U+2028)."""
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors=errors, newline="")


@dataclass(frozen=True)
class Header:
    fields: list[str]
    delimiter: str
    records_before: int  # blank (or whitespace-only) records above the header


def read_header(path: Path, encoding: str) -> Header:
    """The first record of a CSV file that holds anything but spaces, and the file's delimiter.

    The delimiter is the candidate that occurs most often in the header's line (a file of one column
    has none: ``,``). The header is split as a CSV record, so a quoted header may hold the delimiter.
    """
    with text_stream(path, encoding, errors="replace") as f:
        head = f.read(limits.MAX_HEADER_BYTES)
    text = head.removeprefix("\ufeff")
    lines = re.split(r"\r\n|\r|\n", text)
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise TableError(f"{path}: the file is empty")
    if first is lines[-1] and len(head) >= limits.MAX_HEADER_BYTES:
        raise TableError(f"{path}: the first line is longer than {limits.MAX_HEADER_BYTES >> 20} MB; is it a table?")
    delimiter = max(DELIMITERS, key=first.count)
    if first.count(delimiter) >= limits.MAX_COLUMNS:
        raise TableError(
            f"{path}: the header has {first.count(delimiter) + 1:,} columns; at most {limits.MAX_COLUMNS} are read"
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for before, fields in enumerate(reader):  # noqa: B007 - ``before`` is used after the loop
            if any(f.strip() for f in fields):
                break
        else:  # pragma: no cover - ``first`` above holds something
            raise TableError(f"{path}: the file is empty")
    except csv.Error as exc:
        raise TableError(f"{path}: the header cannot be read: {exc}") from None
    if len(fields) > limits.MAX_COLUMNS:
        raise TableError(f"{path}: the header has {len(fields):,} columns; at most {limits.MAX_COLUMNS} are read")
    return Header(fields, delimiter, before)


@dataclass(frozen=True)
class LineScan:
    """What the fast reader needs to know about a CSV file's physical lines."""

    widest: int  # the most delimiters on one physical line (quoted ones included)
    blank_inside: bool  # a blank line with data below it (blank lines only at the end do not count)
    blank_any: bool  # a blank line anywhere (DuckDB reads one as a row of a one-column file)


def scan_lines(chunks: Iterator[bytes], delimiter: str) -> LineScan:
    """One pass over utf-8 bytes, vectorised (NumPy finds the line ends and the delimiters of a chunk
    at once; no Python runs per line). The bytes are read as if a line feed followed the last one."""
    import numpy as np

    sep = ord(delimiter)
    widest = 0
    blank_inside = blank_any = pending = False  # pending: a blank line with nothing after it yet
    # the line the chunk so far ends in: its delimiters, its length, its first byte
    carry_delims = carry_length = 0
    carry_first = -1

    def seen(delims: Any, blank: Any) -> None:
        nonlocal widest, blank_inside, blank_any, pending
        widest = max(widest, int(delims.max()))
        if not blank.any():
            blank_inside = blank_inside or pending
            pending = False
            return
        blank_any = True
        filled = np.flatnonzero(~blank)
        if len(filled):
            blank_inside = blank_inside or pending or int(np.argmax(blank)) < int(filled[-1])
            pending = bool(blank[filled[-1] + 1 :].any())
        else:
            pending = True

    for chunk in chunks:
        a = np.frombuffer(chunk, np.uint8)
        if not len(a):
            continue
        ends = np.flatnonzero(a == 10)
        seps = np.flatnonzero(a == sep)
        if not len(ends):
            carry_first = carry_first if carry_length else int(a[0])
            carry_delims += len(seps)
            carry_length += len(a)
            continue
        before = np.searchsorted(seps, ends)  # delimiters before each line end
        delims = np.diff(before, prepend=0)
        delims[0] += carry_delims
        starts = np.concatenate(([0], ends[:-1] + 1))
        lengths = ends - starts
        lengths[0] += carry_length
        first = a[starts].astype(np.int64)
        if carry_length:
            first[0] = carry_first
        seen(delims, (lengths == 0) | ((lengths == 1) & (first == 13)))
        carry_delims = len(seps) - int(before[-1])
        carry_length = len(a) - int(ends[-1]) - 1
        carry_first = int(a[ends[-1] + 1]) if carry_length else -1
    seen(np.array([carry_delims]), np.array([carry_length == 0 or (carry_length == 1 and carry_first == 13)]))
    return LineScan(widest, blank_inside, blank_any)


# A line longer than this (a file of one endless line) is not worth scanning for its quotes: its
# delimiters are counted all, quoted or not (see ``widest_unquoted``).
QUOTED_LINE_BYTES = 64 << 20


def widest_unquoted(chunks: Iterator[bytes], delimiter: str) -> int | None:
    """The most delimiters outside quotes on one physical line, when every quoted cell opens and closes
    on its own line as RFC 4180 writes it (a quote opens a cell, a doubled quote is a quote, a closing
    quote ends the cell); None when any line is not so (a quote left open, a quote inside an unquoted
    cell, a lone CR around a quote), and then the caller counts every delimiter as ``scan_lines`` does.

    Why: a registry whose addresses are quoted ("Талгар, ул. Абая, 12") has more delimiters on a line
    than its header has columns, yet no row wider than the header; counting the quoted ones would send
    every such file the slow, careful way. Vectorised like ``scan_lines``: the bytes are cut at line
    ends, so each block starts a line, and NumPy finds the quotes and delimiters of a block at once.
    """
    import numpy as np

    sep, quote, lf, cr = ord(delimiter), 34, 10, 13
    widest = 0
    rest = b""
    for chunk in itertools.chain(chunks, [b"\n"]):  # as if a line feed followed the last byte
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        rest = data[cut:]
        if len(rest) > QUOTED_LINE_BYTES:
            return None
        if not cut:
            continue
        a = np.frombuffer(data, np.uint8, count=cut)
        ends = np.flatnonzero(a == lf)
        quotes = np.flatnonzero(a == quote)
        seps = np.flatnonzero(a == sep)
        # every line holds an even number of quotes: no quoted cell spans a line end
        if (np.diff(np.searchsorted(quotes, ends), prepend=0) % 2).any():
            return None
        # so a quote's place among the block's quotes says what it is: even opens a cell, odd closes it
        opening, closing = quotes[0::2], quotes[1::2]
        before = a[np.maximum(opening - 1, 0)]
        opens_a_cell = (opening == 0) | (before == sep) | (before == lf) | (before == quote)
        after = a[closing + 1]  # a line feed follows every line, so there is a byte after a closing quote
        after2 = a[np.minimum(closing + 2, cut - 1)]
        closes_a_cell = (after == sep) | (after == lf) | (after == quote) | ((after == cr) & (after2 == lf))
        if not (opens_a_cell.all() and closes_a_cell.all()):
            return None
        outside = seps[np.searchsorted(quotes, seps) % 2 == 0]
        per_line = np.diff(np.searchsorted(outside, ends), prepend=0)
        widest = max(widest, int(per_line.max()))
    return widest


def byte_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            yield chunk
