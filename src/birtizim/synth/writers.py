"""Write an agency list to disk in its own format: CSV in the agency's encoding and delimiter, or
XLSX with IINs in numeric cells where the agency's spreadsheet turned them into numbers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from birtizim.synth.agencies import Rows, SourceSpec

DATE_FORMAT = "%d.%m.%Y"  # how Kazakhstani agencies write dates


class SourceFile:
    """One agency file, written chunk by chunk: a country's districts are drawn a chunk at a time and
    each chunk's rows are appended, so the file grows while only one chunk is in memory. One chunk
    writes exactly the file a single ``write`` of its rows would."""

    def __init__(self, spec: SourceSpec, directory: Path) -> None:
        self.spec = spec
        self.path = directory / spec.filename
        self.rows = 0  # data rows written so far (the header is file row 1)
        self._csv: BinaryIO | None = None
        self._workbook: xlsxwriter.Workbook | None = None
        self._sheet: Worksheet | None = None
        if spec.fmt == "xlsx":
            # constant_memory: each row goes to disk once written, so rows must come in order
            self._workbook = xlsxwriter.Workbook(
                str(self.path), {"constant_memory": True, "default_date_format": "dd.mm.yyyy"}
            )
            self._sheet = self._workbook.add_worksheet("Лист1")
            self._sheet.write_row(0, 0, list(spec.headers.values()))
        else:
            self._csv = self.path.open("wb")

    def append(self, rows: Rows) -> None:
        if self._sheet is not None:
            _append_xlsx(rows, self._sheet, first_row=self.rows + 1)
        elif self._csv is not None:
            self._csv.write(_csv_bytes(rows, header=self._csv.tell() == 0))
        self.rows += rows.truth.num_rows

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = self._sheet = None
        if self._csv is not None:
            self._csv.close()
            self._csv = None


def write(rows: Rows, directory: Path) -> Path:
    """Write a whole list at once (one chunk)."""
    out = SourceFile(rows.spec, directory)
    try:
        out.append(rows)
    finally:
        out.close()
    return out.path


def _text_columns(rows: Rows) -> pa.Table:
    cols = {}
    for canon, arr in rows.columns.items():
        if pa.types.is_date(arr.type):
            arr = pc.strftime(arr.cast(pa.timestamp("s")), DATE_FORMAT)
        if canon in rows.overrides:
            values = arr.to_pylist()
            for i, cell in rows.overrides[canon].items():
                values[i] = None if cell is None else str(cell)
            arr = pa.array(values, pa.string())
        cols[rows.spec.headers[canon]] = arr
    return pa.table(cols)


def _csv_bytes(rows: Rows, *, header: bool) -> bytes:
    """The rows as the agency's CSV bytes; the header (after a byte-order mark where the encoding has
    one) only at the start of the file."""
    spec = rows.spec
    buf = io.BytesIO()
    options = pacsv.WriteOptions(include_header=header, delimiter=spec.delimiter, quoting_style="needed")
    pacsv.write_csv(_text_columns(rows), buf, options)
    data = buf.getvalue()
    if spec.encoding == "utf-8-sig":
        data = (b"\xef\xbb\xbf" if header else b"") + data
    elif spec.encoding != "utf-8":
        data = data.decode("utf-8").encode(spec.encoding)  # strict: a letter the encoding lacks is a bug
    return data


def _append_xlsx(rows: Rows, sheet: Worksheet, *, first_row: int) -> None:
    columns = []
    for canon, arr in rows.columns.items():
        values = arr.to_pylist()
        if canon == "iin":
            # A numeric cell: the IIN becomes a number, and leading zeros are gone.
            values = [
                int(v) if num and v and v.isdigit() else v
                for v, num in zip(values, rows.iin_numeric.tolist(), strict=True)
            ]
        for i, cell in rows.overrides.get(canon, {}).items():
            values[i] = cell  # a number stays a number cell (an Excel serial), text stays text
        columns.append(values)
    for r, row in enumerate(zip(*columns, strict=True), start=first_row):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day))
            else:
                sheet.write(r, c, value)
