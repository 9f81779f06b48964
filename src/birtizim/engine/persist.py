"""Copy a run's finished tables from the in-memory database into ``run.duckdb``.

The file is written as ``run.duckdb.part`` and put in place only when whole: a failure in the copy (or
anything after it, before the run's metadata is in) leaves no run.duckdb, half-written or not.

The copy runs after the exports, not beside them: both are DuckDB's work on every core (the work
lists' XML is rendered by DuckDB, Python only streams it), so on two cores a copy in a thread of its
own made the exports slower by about what it saved (docs/engine.md, section 4).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb

from birtizim.engine import export
from birtizim.tables.sql import quote_literal

# What run.duckdb keeps: the results and the agency rows they explain (with their fingerprints). Registry
# rows live on as ``statuses`` (one per person); intermediate tables stay behind in memory. The review
# band keeps its candidates with each comparison's weight, and the decisions their states. The run's
# metadata (``run_meta``) is added last, once the copy's time is known.
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


class RunFile:
    """``run.duckdb`` being written: ``copy`` the tables, then ``finish`` it, or ``abandon`` it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, db: Path) -> None:
        self._con = con
        self._db = db
        self._part = db.with_suffix(".duckdb.part")
        self._attached = False

    def copy(self) -> None:
        """Every persisted table and the agency rows, into ``run.duckdb.part``."""
        self._part.unlink(missing_ok=True)
        self._con.execute(f"ATTACH {quote_literal(str(self._part))} AS run_file")
        self._attached = True
        for table in PERSISTED:
            self._con.execute(f"CREATE TABLE run_file.{table} AS SELECT * FROM memory.{table}")
        self._con.execute(AGENCY)
        # the blocks reach the disk now, inside the copy's time, rather than at DETACH after it is taken
        self._con.execute("CHECKPOINT run_file")

    def finish(self, meta: str) -> None:
        """Add the run's metadata (``run_meta``, its JSON) and the ``persons`` view; put the file in place."""
        self._con.execute("CREATE TABLE run_file.run_meta AS SELECT ? AS meta", [meta])
        self._con.execute(f"CREATE VIEW run_file.persons AS SELECT {export.PERSON_COLUMNS} FROM statuses")
        self._detach()
        self._part.replace(self._db)

    def abandon(self) -> None:
        """Remove the part-written file (the run failed); safe after ``finish``."""
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
            self._con.execute("DETACH run_file")
