"""Stable identities: a resident keeps one ``person_id`` across runs, whatever the order or content of
the registry file.

A run used to number residents by their registry row, so the same number named someone else after the
next upload. Now every person has a key, and a table of identities (``key -> person_id``) carried from
run to run gives each key its surrogate id:

* ``iin:<IIN>`` for a registry resident, and for a person outside the registry whose valid IIN no
  resident carries;
* ``row:<fingerprint>`` for a person made of an agency row without such an IIN (``fingerprints``: the
  source kind and the row's normalised identifying content, so the row's place in its file plays no
  part).

Keys the table does not know get new ids above its largest, numbered in the order of the keys (not of
the files), so two runs of the same files give the same ids even without a table. The table is read
from a Parquet file (``person_id BIGINT, key VARCHAR``) and written, with the new keys, as
``RUN/identities.parquet``; the next run takes that file (``birtizim reconcile --identities``, or the
web's store). Ids are never reused: a key that leaves the registry keeps its id for when it returns.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from birtizim.engine.sources import SourceError
from birtizim.tables.sql import quote_literal

FILE = "identities.parquet"


def load(con: duckdb.DuckDBPyConnection, path: Path | None) -> int:
    """``identities(person_id, key)`` from ``path`` (or empty); returns how many were read.

    A file that is not such a table, or that gives one key two ids or one id two keys, is refused with a
    one-line ``SourceError``: ids handed out from a broken table would name two people with one number.
    """
    con.execute("CREATE OR REPLACE TABLE identities (person_id BIGINT, key VARCHAR)")
    if path is None:
        return 0
    if not path.is_file():
        raise SourceError(f"{path}: no identities file here (it is a run's {FILE})")
    try:
        con.execute(
            f"INSERT INTO identities SELECT CAST(person_id AS BIGINT), CAST(key AS VARCHAR) "
            f"FROM read_parquet({quote_literal(str(path))})"
        )
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        raise SourceError(f"{path}: not an identities table (person_id, key): {first}") from None
    row = con.execute(
        "SELECT count(*), count(DISTINCT person_id), count(DISTINCT key), count(*) FILTER (person_id IS NULL OR "
        "key IS NULL) FROM identities"
    ).fetchone()
    n, ids, keys, empty = row if row else (0, 0, 0, 0)
    if empty or ids != n or keys != n:
        raise SourceError(f"{path}: an identities table gives every key one id and every id one key; this one does not")
    return int(n)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """An empty identity table when no run loaded one (linkers used on their own, the benchmarks)."""
    con.execute("CREATE TABLE IF NOT EXISTS identities (person_id BIGINT, key VARCHAR)")


def assign(con: duckdb.DuckDBPyConnection, keys: str) -> int:
    """Give every key of the relation ``keys`` (a column ``key``) that has no id a new one; returns how many.

    New ids follow the largest ever given, in the keys' own order: the same keys get the same ids whatever
    order the files list them in.
    """
    before = con.execute("SELECT count(*) FROM identities").fetchone()
    con.execute(
        f"""
        INSERT INTO identities
        SELECT (SELECT coalesce(max(person_id), 0) FROM identities) + row_number() OVER (ORDER BY key), key
        FROM (SELECT DISTINCT key FROM {keys} WHERE key IS NOT NULL
              AND key NOT IN (SELECT key FROM identities))
        """
    )
    after = con.execute("SELECT count(*) FROM identities").fetchone()
    return int(after[0] if after else 0) - int(before[0] if before else 0)


def write(con: duckdb.DuckDBPyConnection, folder: Path) -> Path:
    """Every identity known after the run (the ones read and the new ones) as ``folder/identities.parquet``."""
    path = folder / FILE
    con.execute(f"COPY (SELECT person_id, key FROM identities ORDER BY person_id) TO {quote_literal(str(path))}")
    return path
