"""What one uploaded file would give: recognised columns, counts, and the first rows with problems.

The web upload page shows this before a file joins a run, so an analyst sees at once that a column
was not recognised or that IINs arrived in scientific notation. It runs the engine's own reading and
cleaning (``ingest.ingest_source``) on the file in a throwaway in-memory database: what the preview
says is exactly what a run would do with the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from birtizim.engine import iin, ingest, names

# Row problems worth showing, by the IIN cleaner's status (``ok`` rows are fine).
IIN_PROBLEMS = ("empty", "malformed", "scientific_notation", "reformatted", "leading_zero_restored")


@dataclass(frozen=True)
class Preview:
    kind: str
    encoding: str
    delimiter: str | None
    headers: list[str]
    recognised: dict[str, str]  # canonical field -> column in the file
    rows_in: int
    accepted: int
    rejected: int
    invalid_iin: int  # accepted rows whose IIN fails the checksum or is missing
    first_rows: list[dict[str, Any]]
    # row_number, problem, and what was read; an IIN problem is a code (iin_empty, iin_checksum, ...)
    # for the reader's language, a rejected row keeps the reader's reason in words
    problems: list[dict[str, Any]]


def preview(kind: str, path: Path, *, rows: int = 10) -> Preview:
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        iin.install_sql(con)
        names.install_sql(con)
        ingest.install_sql(con)
        ingest.create_tables(con)
        done = ingest.ingest_source(con, ingest.Source(kind, path), 0)
        invalid = con.execute("SELECT count(*) FROM stage WHERE NOT iin_valid").fetchone()
        columns = "row_number, iin_raw, last_name, first_name, patronymic, birth_date, district_raw"
        first = con.execute(f"SELECT {columns} FROM stage ORDER BY row_number LIMIT {int(rows)}")
        first_rows = _dicts(first)
        problems = con.execute(
            f"""
            SELECT row_number, problem, iin_raw, last_name, first_name FROM (
                SELECT row_number, reason AS problem, NULL AS iin_raw, NULL AS last_name, NULL AS first_name
                FROM rejects
                UNION ALL
                SELECT row_number,
                       CASE WHEN iin_status IN {IIN_PROBLEMS} THEN 'iin_' || iin_status ELSE 'iin_checksum' END,
                       iin_raw, last_name, first_name
                FROM stage WHERE NOT iin_valid OR iin_status <> 'ok')
            ORDER BY row_number LIMIT {int(rows)}
            """
        )
        return Preview(
            kind=kind,
            encoding=done.encoding,
            delimiter=done.delimiter,
            headers=list(done.headers),
            recognised=done.columns,
            rows_in=done.rows_in,
            accepted=done.accepted,
            rejected=done.rejected,
            invalid_iin=int(invalid[0]) if invalid else 0,
            first_rows=first_rows,
            problems=_dicts(problems),
        )
    finally:
        con.close()


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names_ = [d[0] for d in cursor.description or []]
    return [dict(zip(names_, r, strict=True)) for r in cursor.fetchall()]
