"""The web's runs: a run's folder under DATA_DIR, read through the engine's run reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings

from birtizim import engine


def run_path(folder: str) -> Path:
    return Path(settings.DATA_DIR) / folder


def cursor(folder: str) -> duckdb.DuckDBPyConnection:
    return engine.run_cursor(run_path(folder))


def rows(folder: str, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return engine.run_rows(run_path(folder), sql, params)


def value(folder: str, sql: str, params: list[Any] | None = None) -> Any:
    return engine.run_value(run_path(folder), sql, params)


def close_all() -> None:
    """Tests and the worker release files before they are removed."""
    engine.close_runs()


def has_table(folder: str, table: str) -> bool:
    """Whether the run has ``table`` (runs made before a table existed lack it)."""
    found = value(folder, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table])
    return bool(found)
