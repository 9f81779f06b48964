"""A DuckDB connection ready to read agency files into, as a run's is: the engine's SQL functions and its
staging tables."""

from __future__ import annotations

import duckdb

from birtizim.engine import iin, ingest, names


def staging_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    iin.install_sql(con)
    names.install_sql(con)
    ingest.install_sql(con)
    ingest.create_tables(con)
    return con
