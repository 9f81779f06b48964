"""Tables people hand to a run beside the agencies' lists — the review's decisions, the officers'
outcomes — read the same way: Parquet, or CSV with every column as text (the loaders cast what they
need), refused with one sentence when the file is missing or unreadable."""

from __future__ import annotations

from pathlib import Path

import duckdb

from birtizim.engine.sources import SourceError
from birtizim.tables.sql import quote_literal


def open_side_table(con: duckdb.DuckDBPyConnection, path: Path, what: str) -> tuple[str, set[str]]:
    """The SQL that reads ``path`` (a table function to select from) and its column names; ``what``
    names the table in the refusal ("decisions table", "outcomes")."""
    if not path.is_file():
        raise SourceError(f"{path}: the {what} file is not found")
    reader = (
        f"read_parquet({quote_literal(str(path))})"
        if path.suffix.lower() == ".parquet"
        else f"read_csv({quote_literal(str(path))}, header = true, all_varchar = true)"
    )
    try:
        described = con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM {reader})").fetchall()
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        raise SourceError(f"{path}: cannot be read as {what}: {first}") from None
    return reader, {str(c) for (c,) in described}
