"""The xlsx writer's rows, batch after batch: what Excel reads back is what the query said."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from python_calamine import CalamineWorkbook

from birtizim.tables import xlsx


@pytest.mark.parametrize(
    "column",
    [
        pa.array(["<row>a</row>", "<row>жұт</row>", "", "<row>x</row>"]),
        pa.array(["<row>a</row>", "<row>жұт</row>", "", "<row>x</row>"]).slice(1, 2),
        pa.array(["<row>a</row>", "<row>b</row>"], type=pa.large_string()).slice(1),
        pa.array([], type=pa.string()),
    ],
)
def test_a_batch_is_its_rows_end_to_end(column: pa.Array) -> None:
    assert bytes(xlsx._end_to_end(column)) == "".join(column.to_pylist()).encode()


def test_rows_in_many_batches_read_back_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "BATCH_ROWS", 3)  # ten rows: four batches, the last one short
    con = duckdb.connect()
    query = "SELECT range AS n, 'Әлия ' || range || ' & <co>' AS name FROM range(10) ORDER BY n"
    path = tmp_path / "book.xlsx"
    assert xlsx.write(con, path, [xlsx.Sheet("rows", query)]) == {"rows": 10}
    header, *rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert header == ["n", "name"]
    assert rows == [[float(i), f"Әлия {i} & <co>"] for i in range(10)]
