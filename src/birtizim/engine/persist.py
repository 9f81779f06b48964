"""Copy a run's finished tables from the in-memory database into ``run.duckdb``, in a thread of its own.

The copy is DuckDB's work (scanning, compressing, writing to disk), during which DuckDB releases the
GIL; the exports that run meanwhile are largely Python (the workbooks' XML streamed into zip files).
Side by side they overlap instead of adding up. The copy reads through a cursor of its own (a second
connection to the same database: DuckDB's snapshots keep its reads consistent), so the two threads
never share a connection.

The file is written as ``run.duckdb.part`` and put in place only when whole: a failure in the copy or in
the exports (or a run stopped) leaves no run.duckdb, half-written or not.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import duckdb

from birtizim.engine import export
from birtizim.tables.sql import quote_literal

# What run.duckdb keeps: the results and the agency rows they explain (with their fingerprints). Registry
# rows live on as ``statuses`` (one per person); intermediate tables stay behind in memory. The review
# band keeps its candidates with each comparison's weight, and the decisions their states. The run's
# metadata (``run_meta``) is added last, once its timings are known.
PERSISTED = (
    "statuses",
    "links",
    "review",
    "review_candidates",
    "decided",
    "merged",
    "conflicts",
    "rejects",
    "district_report",
    "source_report",
    "worklist",
    "data_quality",
    "outcome_evidence",
)
AGENCY = (
    "CREATE TABLE run_file.agency AS SELECT r.*, f.fingerprint "
    "FROM memory.records r JOIN memory.row_fingerprints f USING (record_id)"
)


class Persisting:
    """The copy into ``db`` under way: ``wait`` for it, then ``finish`` it, or ``abandon`` it.

    Start it only once every persisted table is final: the tables are read as they stand when each copy
    begins.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, db: Path) -> None:
        self._db = db
        self._part = db.with_suffix(".duckdb.part")
        self._part.unlink(missing_ok=True)
        self._cur = con.cursor()
        self._attached = False
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._cur.execute(f"ATTACH {quote_literal(str(self._part))} AS run_file")
        self._attached = True
        self._thread = threading.Thread(target=self._copy, name="persist run.duckdb", daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        try:
            for statement in (
                *(f"CREATE TABLE run_file.{table} AS SELECT * FROM memory.{table}" for table in PERSISTED),
                AGENCY,
                # the compressed blocks reach the disk here, while the exports still run, not at DETACH
                "CHECKPOINT run_file",
            ):
                if self._stop.is_set():
                    return
                self._cur.execute(statement)
        except BaseException as exc:  # a thread's exception would be lost: wait() raises it in the run's thread
            self._error = exc

    def wait(self) -> None:
        """Wait for the tables' copy; its failure, if any, is raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error

    def finish(self, meta: str) -> None:
        """Add the run's metadata (``run_meta``, its JSON) and the ``persons`` view, and put the file in place."""
        self.wait()
        self._cur.execute("CREATE TABLE run_file.run_meta AS SELECT ? AS meta", [meta])
        self._cur.execute(f"CREATE VIEW run_file.persons AS SELECT {export.PERSON_COLUMNS} FROM statuses")
        self._detach()
        self._part.replace(self._db)

    def abandon(self) -> None:
        """Stop the copy (the run failed) and remove the part-written file; safe after ``finish``."""
        self._stop.set()
        if self._thread.is_alive():
            self._cur.interrupt()
        self._thread.join()
        try:
            # the run's own failure is the one to report, not a second one from closing the file
            with contextlib.suppress(duckdb.Error):
                self._detach()
        finally:
            self._part.unlink(missing_ok=True)
            self._part.with_name(self._part.name + ".wal").unlink(missing_ok=True)

    def _detach(self) -> None:
        if self._attached:
            self._attached = False
            try:
                self._cur.execute("DETACH run_file")
            finally:
                self._cur.close()
