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
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 4 << 20
CHUNK_BYTES = 8 << 20


class TableError(ValueError):
    """A file cannot be read as a table; the message names the file and says what is wrong."""


def is_spreadsheet(path: Path, head: bytes | None = None) -> bool:
    """A workbook by its content, whatever its name says: an .xlsx (a zip file), or an old .xls that the
    workbook reader refuses with a sentence saying so."""
    if head is None:
        with path.open("rb") as f:
            head = f.read(len(XLSX_MAGIC))
    return head.startswith((XLSX_MAGIC, OLE2_MAGIC))


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
    widest_unquoted: int  # the most outside quotes on one line if the quoting is plain (scan_lines), else widest
    blank_inside: bool  # a blank line with data below it (blank lines only at the end do not count)
    blank_any: bool  # a blank line anywhere (DuckDB reads one as a row of a one-column file)


LF, CR, QUOTE = 10, 13, 34
# A line longer than this where a chunk ends within it (a file of one endless line) is not looked at for
# its quotes: its delimiters are counted all, quoted or not. (The scan holds no line in memory, so this
# no longer saves any; it stays so that every file is judged as it was.)
QUOTED_LINE_BYTES = 64 << 20
# The scan takes a chunk a block at a time: NumPy's temporaries for a block are small enough that the
# allocator keeps their memory, where those for 8 MB were handed back to the system and faulted in
# again for the next chunk (a third of the scan's time).
SCAN_BLOCK_BYTES = 1 << 20


def scan_lines(chunks: Iterator[bytes], delimiter: str) -> LineScan:
    """One pass over utf-8 bytes, vectorised: NumPy finds a block's line ends, delimiters and quotes at
    once, and no Python runs per line. The bytes are read as if a line feed followed the last one.

    Delimiters inside quotes are counted apart (``widest_unquoted``) when every quoted cell opens and
    closes on its own line as RFC 4180 writes it (a quote opens a cell, a doubled quote is a quote, a
    closing quote ends the cell). When any line is not so (a quote left open, a quote inside an
    unquoted cell, a lone CR around a quote) every delimiter counts, as for ``widest``.

    Why apart: a registry whose addresses are quoted ("Талгар, ул. Абая, 12") has more delimiters on a
    line than its header has columns, yet no row wider than the header; counting the quoted ones would
    send every such file the slow, careful way. Why in the same pass: the registry is large, and its
    quotes are most of what there is to find in it.
    """
    scan = _Scan(ord(delimiter))
    for chunk in itertools.chain(chunks, [b"\n"]):
        view = memoryview(chunk)
        for start in range(0, len(view), SCAN_BLOCK_BYTES):
            scan.feed(view[start : start + SCAN_BLOCK_BYTES])
        if scan.length > QUOTED_LINE_BYTES:  # judged where a chunk ends
            scan.plain = False
    return LineScan(scan.widest, scan.widest_unquoted if scan.plain else scan.widest, scan.blank_inside, scan.blank_any)


class _Scan:
    """The state of ``scan_lines`` between blocks: what is known of the line the bytes so far end in."""

    def __init__(self, sep: int) -> None:
        self.sep = sep
        self.widest = self.widest_unquoted = 0
        self.blank_inside = self.blank_any = False
        self.pending_blank = False  # a blank line with nothing after it yet
        # the line the bytes so far end in: its delimiters, its length, its first byte
        self.delims = self.length = 0
        self.first = -1
        # the quoting, followed while it is plain: the line's delimiters inside quotes, whether it is
        # inside a quoted cell (an odd number of quotes so far), the byte before the block (a line feed
        # before the first: a line starts there), and the bytes after a closing quote that ended the
        # last block, if its cell is not judged closed yet (None: no quote waits)
        self.plain = True
        self.inside = 0
        self.odd = 0
        self.last = LF
        self.after_closing: bytes | None = None

    def feed(self, block: memoryview) -> None:
        import numpy as np

        a = np.frombuffer(block, np.uint8)
        if not len(a):
            return
        # The block's marks (line feeds, delimiters, quotes) in order: the rest is counted on these (a
        # sixth of a registry's bytes) rather than on every byte.
        marked = a == LF
        marked |= a == self.sep
        marked |= a == QUOTE
        at = np.flatnonzero(marked)
        kind = a[at]
        is_quote = kind == QUOTE
        # the quotes up to each mark, itself in (int32 is the fastest, and a block below 2 GB fits it)
        quotes_to: Any = np.cumsum(is_quote, dtype=np.int32 if len(a) < 1 << 31 else np.int64)
        ends_at = np.flatnonzero(kind == LF)  # the line ends among the marks
        seps = len(at) - (int(quotes_to[-1]) if len(at) else 0) - len(ends_at)
        delims = None  # on each line that ends in the block
        if len(ends_at):
            # the delimiters before a line end are the marks before it that are neither quotes nor ends
            seps_before = ends_at - quotes_to[ends_at] - np.arange(len(ends_at))
            delims = np.diff(seps_before, prepend=0)
            delims[0] += self.delims
        if self.plain:
            self.plain = self._quotes(block, a, at, is_quote, quotes_to, ends_at, delims)
        if delims is None:
            self.first = self.first if self.length else int(a[0])
            self.delims += seps
            self.length += len(a)
        else:
            self._lines(a, at[ends_at], delims)
            self.delims = seps - int(seps_before[-1])

    def _lines(self, a: Any, ends: Any, delims: Any) -> None:
        """The lines that end in the block: the widest, the blank ones."""
        import numpy as np

        starts = np.concatenate(([0], ends[:-1] + 1))
        lengths = ends - starts
        lengths[0] += self.length
        first = a[starts].astype(np.int64)
        if self.length:
            first[0] = self.first
        self._seen(delims, (lengths == 0) | ((lengths == 1) & (first == CR)))
        self.length = len(a) - int(ends[-1]) - 1
        self.first = int(a[ends[-1] + 1]) if self.length else -1

    def _seen(self, delims: Any, blank: Any) -> None:
        import numpy as np

        self.widest = max(self.widest, int(delims.max()))
        if not blank.any():
            self.blank_inside = self.blank_inside or self.pending_blank
            self.pending_blank = False
            return
        self.blank_any = True
        filled = np.flatnonzero(~blank)
        if len(filled):
            self.blank_inside = self.blank_inside or self.pending_blank or int(np.argmax(blank)) < int(filled[-1])
            self.pending_blank = bool(blank[filled[-1] + 1 :].any())
        else:
            self.pending_blank = True

    def _quotes(
        self, block: memoryview, a: Any, at: Any, is_quote: Any, quotes_to: Any, ends_at: Any, delims: Any | None
    ) -> bool:
        """Follow the quoting through a block (its marks and the delimiters of each line that ends in it,
        as ``feed`` found them): False when some line is not quoted plainly."""
        import numpy as np

        sep, n, odd = self.sep, len(a), self.odd
        if self.after_closing is not None:  # a closing quote ended the last block: its next bytes came
            following = self.after_closing + bytes(block[:2])
            closes = _closes_a_cell(following, sep)
            if closes is False:
                return False
            self.after_closing = None if closes else following
        # every line holds an even number of quotes: no quoted cell spans a line end
        if len(ends_at) and ((quotes_to[ends_at] & 1) != odd).any():
            return False
        # so a quote's place among the line's quotes says what it is: even opens a cell, odd closes it
        quote_at = np.flatnonzero(is_quote)  # the quotes' places among the marks
        quotes = at[quote_at]
        opening, closing = (quotes[1::2], quotes[0::2]) if odd else (quotes[0::2], quotes[1::2])
        if len(opening):
            before = a[np.maximum(opening - 1, 0)]
            if opening[0] == 0:
                before[0] = self.last
            if not ((before == sep) | (before == LF) | (before == QUOTE)).all():
                return False
        if len(closing) and closing[-1] >= n - 2:  # its cell is judged on bytes the next block may hold
            c = int(closing[-1])
            following = bytes(block[c + 1 : c + 3])
            closes = _closes_a_cell(following, sep)
            if closes is False:
                return False
            if closes is None:
                self.after_closing = following
            closing = closing[:-1]
        if len(closing):
            after, after2 = a[closing + 1], a[closing + 2]
            if not ((after == sep) | (after == LF) | (after == QUOTE) | ((after == CR) & (after2 == LF))).all():
                return False
        # A quoted cell holds no line end, so the marks between its quotes are delimiters inside quotes:
        # those of the cell the last block left open (up to its closing quote), of each cell in the
        # block, and of a cell left open for the next block.
        head = (int(quote_at[0]) if len(quote_at) else len(at)) if odd else 0
        rest = quote_at[odd:]
        open_tail = len(rest) & 1
        tail = len(at) - int(rest[-1]) - 1 if open_tail else 0
        pairs = rest[: len(rest) - open_tail]
        inside_to = np.zeros(len(pairs) // 2 + 1, np.int64)  # inside the cells before each cell
        np.cumsum(pairs[1::2] - pairs[0::2] - 1, out=inside_to[1:])
        inside = head + int(inside_to[-1]) + tail
        if delims is not None:
            inside_before = head + inside_to[(quotes_to[ends_at] - odd) >> 1]  # before each line end
            per_line = np.diff(inside_before, prepend=0)
            per_line[0] += self.inside
            self.widest_unquoted = max(self.widest_unquoted, int((delims - per_line).max()))
            self.inside = inside - int(inside_before[-1])
        else:
            self.inside += inside
        self.odd = (odd + len(quotes)) & 1
        self.last = int(a[-1])
        return True


def _closes_a_cell(after: bytes, sep: int) -> bool | None:
    """Whether the bytes after a closing quote end its cell (a delimiter, a line end or a doubled quote
    follows); None when it cannot be told yet (no byte, or a CR with nothing after it)."""
    if not after or after == b"\r":
        return None
    if after[0] == CR:
        return after[1] == LF
    return after[0] in (sep, LF, QUOTE)


def byte_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            yield chunk
