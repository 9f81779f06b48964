"""Reading the files people send (CSV or XLSX) for the fare importers: the one place that does it.

The project's reading rules (encodings, delimiters, header folding, Excel row numbers) are being
gathered into ``birtizim.tables``; until that package lands, this module borrows the outreach
importer's readers, so there is still one way to read a file. When ``birtizim.tables`` is merged,
only this module changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from birtizim.outreach.importer import OutreachImportError, _read, _recognise, _text

HEADER_SEARCH_ROWS = 10


class FaresImportError(ValueError):
    """The file cannot be imported at all (missing, unreadable, no recognisable header); names the file."""


Row = tuple[int, list[object]]  # (the row number the sender sees, the cells)


def read_rows(path: Path) -> list[Row]:
    try:
        return _read(path)
    except OutreachImportError as exc:
        raise FaresImportError(str(exc)) from None


def find_header(
    rows: Sequence[Row], synonyms: dict[str, tuple[str, ...]], required: Sequence[Sequence[str]], path: Path
) -> tuple[int, dict[str, int]]:
    """The first row among the first few whose headers satisfy ``required`` (each item: one of these fields)."""
    for pos, (_line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found, _ignored = _recognise([text(c) for c in cells], synonyms)
        if all(any(f in found for f in options) for options in required):
            return pos, found
    wanted = "; ".join(" or ".join(options) for options in required)
    raise FaresImportError(f"{path}: no header row with the columns {wanted} among the first {HEADER_SEARCH_ROWS} rows")


def text(value: object) -> str:
    return _text(value)
