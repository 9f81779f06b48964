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
    """One pass over utf-8 bytes, at C speed per line (``bytes.split``/``count``, no Python per row)."""
    sep = delimiter.encode()
    widest = 0
    blank_inside = blank_any = False
    pending = False  # blank lines seen with nothing after them yet
    carry = b""
    for chunk in itertools.chain(chunks, [b"\n"]):
        lines = (carry + chunk).split(b"\n")
        carry = lines.pop()
        if not lines:
            continue
        widest = max(widest, max(map(bytes.count, lines, itertools.repeat(sep))))
        trailing = 0
        while lines and lines[-1] in (b"", b"\r"):
            lines.pop()
            trailing += 1
        if lines:
            blank_inside = blank_inside or pending or b"" in lines or b"\r" in lines
            pending = False
        pending = pending or trailing > 0
        blank_any = blank_any or pending or blank_inside
    return LineScan(widest, blank_inside, blank_any)


def byte_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            yield chunk
