"""The frame every alternative linker runs in: Birtizim's reading and OSMS rules, another linker.

Each contender reads the same files with the engine's readers (so every contender links the same
cleaned columns), fills the engine's ``links`` table its own way, and then the engine's own steps
make people of what is left, decide statuses and write ``links.parquet`` and ``persons.parquet``.
Link and status accuracy then differ only because of the linking.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.machine import memory_config
from birtizim.engine import export, iin, ingest, link, names, status


def sources(region: Path) -> list[ingest.Source]:
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    return [ingest.Source(s["kind"], region / s["path"]) for s in manifest["sources"]]


def main(linker: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """``python -m bench.<contender> REGION OUT``."""
    region, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config=memory_config(out / ".spill"))
    con.execute("SET enable_progress_bar = false")
    iin.install_sql(con)
    names.install_sql(con)
    t0 = time.perf_counter()
    found, _ = ingest.ingest(con, sources(region))
    t1 = time.perf_counter()
    link.build_persons(con)
    linker(con)
    link.link_new(con)
    t2 = time.perf_counter()
    status.decide(con, found.default_as_of)
    export.write_parquet(con, out)
    # The same step names as Birtizim's run.json, so the link step can be compared on its own.
    timings = {"read": t1 - t0, "link": t2 - t1, "status_and_write": time.perf_counter() - t2}
    (out / "run.json").write_text(json.dumps({"timings": {k: round(v, 2) for k, v in timings.items()}}))
