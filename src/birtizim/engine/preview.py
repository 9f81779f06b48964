"""What one uploaded file would give: recognised columns, counts, and the first rows with problems.

The web upload page shows this before a file joins a run, so an analyst sees at once that a column
was not recognised or that IINs arrived in scientific notation. It runs the engine's own reading and
cleaning (``ingest.ingest_source``) on the file in a throwaway in-memory database: what the preview
says is exactly what a run would do with the file.

A preview runs inside a web request on a file anybody with an upload right sent, so it runs in a
child process (started from a clean fork server, not from the request's threads) with a bounded
address space (``RLIMIT_AS``), a DuckDB of a small memory limit and one thread, and a time limit:
whatever the file does, the caller gets a ``Preview`` or a ``SourceError`` with a sentence, never a
dead process.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import resource
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import duckdb

from birtizim.engine import iin, ingest, names
from birtizim.engine.sources import SourceError
from birtizim.tables import limits

# Row problems worth showing, by the IIN cleaner's status (``ok`` rows are fine).
IIN_PROBLEMS = (
    "empty",
    "malformed",
    "scientific_notation",
    "reformatted",
    "letters_for_digits",
    "leading_zero_restored",
)


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


@dataclass(frozen=True)
class Bounds:
    """What one preview may use."""

    memory: str = limits.PREVIEW_DUCKDB_MEMORY  # DuckDB's own limit
    address_space: int = limits.PREVIEW_ADDRESS_SPACE_BYTES  # the whole child process
    seconds: float = limits.PREVIEW_SECONDS


def preview(kind: str, path: Path, *, rows: int = 10, bounds: Bounds | None = None) -> Preview:
    """The preview of one file, computed in a bounded child process."""
    bounds = bounds or Bounds()
    ctx = multiprocessing.get_context("forkserver")
    # The fork server imports the readers once; each preview forks from it already warm (a no-op once
    # the server runs).
    ctx.set_forkserver_preload([__name__])
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, kind, str(path), rows, bounds), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(bounds.seconds):
            raise SourceError(f"{path}: reading the file took longer than {bounds.seconds:.0f} s; it was stopped")
        try:
            outcome, value = receive.recv()
        except EOFError:
            child.join(5)
            raise SourceError(
                f"{path}: the file needs more memory than a preview may use "
                f"({bounds.address_space >> 20:,} MB; the reader stopped with code {child.exitcode})"
            ) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome == "error":
        raise SourceError(str(value))
    assert isinstance(value, Preview)
    return value


def _child(send: Connection, kind: str, path: str, rows: int, bounds: Bounds) -> None:
    """The child's work: set the limits, compute, send ("ok", Preview) or ("error", sentence)."""
    resource.setrlimit(resource.RLIMIT_AS, (bounds.address_space, bounds.address_space))
    try:
        result: tuple[str, object] = ("ok", compute(kind, Path(path), rows=rows, memory=bounds.memory))
    except SourceError as exc:
        result = ("error", str(exc))
    except (MemoryError, duckdb.OutOfMemoryException):
        result = ("error", f"{path}: the file needs more memory than a preview may use ({bounds.memory} for DuckDB)")
    except duckdb.Error as exc:
        result = ("error", f"{path}: cannot be read: {str(exc).splitlines()[0][:300]}")
    except Exception as exc:  # a reader's bug must still end as a sentence, not a silent death
        result = ("error", f"{path}: cannot be read ({type(exc).__name__})")
    send.send(result)
    send.close()


def compute(kind: str, path: Path, *, rows: int = 10, memory: str = limits.PREVIEW_DUCKDB_MEMORY) -> Preview:
    """The preview itself, in this process (``preview`` runs it in a bounded child)."""
    con = duckdb.connect(config={"memory_limit": memory, "threads": 1})
    try:
        con.execute("SET enable_progress_bar = false")
        iin.install_sql(con)
        names.install_sql(con)
        ingest.install_sql(con)
        ingest.create_tables(con)
        done = ingest.ingest_source(con, ingest.Source(kind, path), 0)
        ingest.settle_centuries(con, dt.date.today())
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
