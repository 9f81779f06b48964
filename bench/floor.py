"""The floor: the least work any tool must do, DuckDB reading every input file into memory.

CSV goes through DuckDB's reader (all text, header, the file's delimiter). DuckDB reads only UTF-8
and Latin-1 without downloading extensions, so a cp1251 file is transcoded first, as the engine
does; XLSX goes through calamine, as in the engine (DuckDB's own Excel reader is a download).
``python -m bench.floor REGION`` prints the rows read.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from bench.machine import memory_config


def read_all(region: Path) -> int:
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect(config=memory_config(Path(tempfile.gettempdir()) / "bench-floor-spill"))
    con.execute("SET enable_progress_bar = false")
    rows = 0
    for i, s in enumerate(manifest["sources"]):
        path = region / s["path"]
        if s["fmt"] == "xlsx":
            from python_calamine import CalamineWorkbook

            header, *data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            table = pa.table({f"c{j}": pa.array([str(r[j]) for r in data]) for j in range(len(header))})
            con.register("sheet", table)
            con.execute(f"CREATE TABLE t{i} AS SELECT * FROM sheet")
            con.unregister("sheet")
        else:
            source = path
            if s["encoding"] == "cp1251":
                with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as tmp:
                    tmp.write(path.read_bytes().decode("cp1251").encode("utf-8"))
                source = Path(tmp.name)
            con.execute(
                f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, delim=?, header=true, all_varchar=true)",
                [str(source), s["delimiter"]],
            )
            if source != path:
                source.unlink()
        count = con.execute(f"SELECT count(*) FROM t{i}").fetchone()
        rows += int(count[0]) if count else 0
    return rows


if __name__ == "__main__":
    print(read_all(Path(sys.argv[1])))
