"""Reading the files people send (CSV or XLSX) for the fare importers, through ``birtizim.tables``.

The project's reading rules (encodings, delimiters, header folding, Excel row numbers, limits) live
in ``birtizim.tables``; this module gives the fare importers their rows and finds the header row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from birtizim.tables import cells, headers, readers
from birtizim.tables.sniff import TableError

HEADER_SEARCH_ROWS = 10


class FaresImportError(TableError):
    """The file cannot be imported at all (missing, unreadable, no recognisable header); names the file."""


Row = tuple[int, list[object]]  # (the row number the sender sees, the cells)


def read_rows(path: Path) -> list[Row]:
    try:
        return list(readers.rows(path, name=str(path)).rows)
    except TableError as exc:
        raise FaresImportError(str(exc)) from None


def find_header(
    rows: Sequence[Row], synonyms: dict[str, tuple[str, ...]], required: Sequence[Sequence[str]], path: Path
) -> tuple[int, dict[str, int]]:
    """The first row among the first few whose headers satisfy ``required`` (each item: one of these fields)."""
    for pos, (_line, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found, _ignored = headers.match([text(c) for c in row], synonyms)
        if all(any(f in found for f in options) for options in required):
            return pos, found
    wanted = "; ".join(" or ".join(options) for options in required)
    raise FaresImportError(f"{path}: no header row with the columns {wanted} among the first {HEADER_SEARCH_ROWS} rows")


def text(value: object) -> str:
    """A cell as trimmed text ("" when empty; an integral number without ".0"; a date as ISO)."""
    return cells.clean_text(readers.cell_text(value)) or ""
