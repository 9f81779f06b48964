"""Workbooks for tests: rows written as an agency's spreadsheet would hold them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

import xlsxwriter


def workbook(rows: Sequence[Sequence[object]] | Mapping[int, Sequence[object]]) -> bytes:
    """An .xlsx of one sheet: ``rows`` in order from the first row, or by row index (0-based) where
    rows are left empty; a date becomes a date cell shown dd.mm.yyyy, None an empty cell."""
    numbered = rows.items() if isinstance(rows, Mapping) else enumerate(rows)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    for r, cells in numbered:
        for c, value in enumerate(cells):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), day)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()
