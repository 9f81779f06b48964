"""Read-only access to a run's DuckDB file, where the single list lives.

A finished run's file never changes, so one read-only connection per run is opened once per
process and shared; each query takes its own cursor (DuckDB cursors are safe across threads).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings

_connections: dict[Path, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


def run_path(folder: str) -> Path:
    return Path(settings.DATA_DIR) / folder


def cursor(folder: str) -> duckdb.DuckDBPyConnection:
    path = run_path(folder) / "run.duckdb"
    with _lock:
        con = _connections.get(path)
        if con is None:
            con = duckdb.connect(str(path), read_only=True, config={"memory_limit": "1GB"})
            con.execute("SET enable_progress_bar = false")
            _connections[path] = con
    return con.cursor()


def close_all() -> None:
    """Tests and the worker release files before they are removed."""
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()


def rows(folder: str, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = cursor(folder)
    try:
        cur.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        cur.close()


def value(folder: str, sql: str, params: list[Any] | None = None) -> Any:
    found = rows(folder, sql, params)
    return next(iter(found[0].values())) if found else None
