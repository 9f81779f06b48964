"""Reading a finished run: its DuckDB file, where the single list lives, and the figure every page of
the product quotes from it: actualisation.

A finished run's file never changes, so one read-only connection per file is opened once per process
and shared; each query takes its own cursor (DuckDB cursors are safe across threads).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

_connections: dict[Path, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


def actualisation(residents: int, undetermined: int) -> float | None:
    """The share of residents whose OSMS status is determined, to four places (None without residents).

    The one definition: the run's district_report, the dashboards' totals and the outreach checks all
    quote this number, so it is written once (the same arithmetic as the report's SQL).
    """
    return round(1 - undetermined / residents, 4) if residents else None


def run_cursor(folder: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on the run in ``folder`` (its ``run.duckdb``), read-only."""
    path = folder / "run.duckdb"
    with _lock:
        con = _connections.get(path)
        if con is None:
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no run database here; make one with `birtizim reconcile`")
            con = duckdb.connect(str(path), read_only=True, config={"memory_limit": "1GB"})
            con.execute("SET enable_progress_bar = false")
            _connections[path] = con
    return con.cursor()


def close_runs() -> None:
    """Release every run file (tests and workers, before the files are removed)."""
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()


def run_rows(folder: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = run_cursor(folder)
    try:
        cur.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        cur.close()


def run_value(folder: Path, sql: str, params: list[Any] | None = None) -> Any:
    found = run_rows(folder, sql, params)
    return next(iter(found[0].values())) if found else None
