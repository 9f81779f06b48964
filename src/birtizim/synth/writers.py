"""Write an agency list to disk in its own format: CSV in the agency's encoding and delimiter, or
XLSX with IINs in numeric cells where the agency's spreadsheet turned them into numbers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import xlsxwriter

from birtizim.synth.agencies import Rows

DATE_FORMAT = "%d.%m.%Y"  # how Kazakhstani agencies write dates


def write(rows: Rows, directory: Path) -> Path:
    path = directory / rows.spec.filename
    if rows.spec.fmt == "xlsx":
        _write_xlsx(rows, path)
    else:
        _write_csv(rows, path)
    return path


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


def _write_csv(rows: Rows, path: Path) -> None:
    spec = rows.spec
    buf = io.BytesIO()
    options = pacsv.WriteOptions(delimiter=spec.delimiter, quoting_style="needed")
    pacsv.write_csv(_text_columns(rows), buf, options)
    data = buf.getvalue()
    if spec.encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    elif spec.encoding != "utf-8":
        data = data.decode("utf-8").encode(spec.encoding)  # strict: a letter the encoding lacks is a bug
    path.write_bytes(data)


def _write_xlsx(rows: Rows, path: Path) -> None:
    spec = rows.spec
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "default_date_format": "dd.mm.yyyy"})
    sheet = workbook.add_worksheet("Лист1")
    headers = [spec.headers[c] for c in rows.columns]
    sheet.write_row(0, 0, headers)
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
    for r, row in enumerate(zip(*columns, strict=True), start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day))
            else:
                sheet.write(r, c, value)
    workbook.close()
