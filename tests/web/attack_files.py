"""The probe's hostile uploads, kept as files beside the tests (``tests/web/attacks/``), and the recipe
that made them: ``python tests/web/attack_files.py`` writes them again, byte for byte.

Each once broke the upload: a 5 KB workbook whose two cells span the whole sheet (the reader allocated
512 GiB and the process died), a workbook that unpacks 1,000 times its size, a header of 4,003
columns (54 s and 9 GB), quotes and SQL in headers (a parser error, HTTP 500), one row with 10,000
surplus fields (counted as 10,000 rows), and U+0085 in a header and cells (read as a line break).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

FOLDER = Path(__file__).parent / "attacks"
WHEN = dt.datetime(2026, 1, 1)


def _book(*cells: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"created": WHEN})  # the same bytes every time
    sheet = book.add_worksheet()
    for row, col in cells:
        sheet.write(row, col, "x")
    book.close()
    return out.getvalue()


def far() -> bytes:
    return _book((0, 0), (1_048_575, 16_383))


def bomb() -> bytes:
    """A one-cell workbook whose sheet is padded with 256 MB of spaces: a quarter of a megabyte that
    unpacks 1,000 times over."""
    with zipfile.ZipFile(io.BytesIO(_book((0, 0)))) as z:
        parts = [(info, z.read(info.filename)) for info in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (256 << 20))
            z.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def wide() -> bytes:
    header = ",".join(["ИИН", "ФИО", "Район", *(f"c{i}" for i in range(4_000))])
    return (header + "\n" + "791028302728,Ахметов Ерлан,Талгар\n" * 200).encode()


def quotes() -> bytes:
    return '"ИИН ""ЖСН""";Фамилия\';Имя;"x""; DROP TABLE stage; --"\n791028302728;Ахметов;Ерлан;1\n'.encode()


def surplus() -> bytes:
    lines = [f"{i:012d},Иванов,Иван" for i in range(1, 201)]
    lines[49] += ",z" * 10_000  # row 51 of the file (the header is row 1)
    return ("ИИН,Фамилия,Имя\n" + "\n".join(lines) + "\n").encode()


def u0085() -> bytes:
    rows = "".join(f"{i:012d},Ив\u0085анов,Иван\n" for i in range(1, 201))
    return ("ИИН,Фамилия\u0085,Имя\n" + rows).encode()


ATTACKS: dict[str, Callable[[], bytes]] = {
    "far.xlsx": far,
    "bomb.xlsx": bomb,
    "wide.csv": wide,
    "quotes.csv": quotes,
    "surplus.csv": surplus,
    "u0085.csv": u0085,
}


def write_all(folder: Path = FOLDER) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in ATTACKS.items():
        (folder / name).write_bytes(make())


if __name__ == "__main__":
    write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
