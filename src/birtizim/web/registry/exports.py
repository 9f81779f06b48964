"""Excel exports of work lists, written by the engine's SQL-driven XLSX writer.

Every text cell is an inline string, which Excel shows as text and never evaluates: a name such as
``=HYPERLINK(...)`` arrives as those characters, not as a formula (tests/web check the XML).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa

from birtizim.engine import export, xlsx
from birtizim.web.accounts.scope import Scope, require
from birtizim.web.registry import runstore, selectors
from birtizim.web.registry.models import Run


def worklist_export(
    *, scope: Scope, run: Run, district: str, query: str = "", full_iin: bool = False
) -> tuple[Path, int]:
    """The district's work list (or the search's part of it) with the latest outcomes; returns (path, rows)."""
    selectors.district_check(scope=scope, run=run, district=district)
    if full_iin:
        require(scope.may_reveal_iin)
    where, params = selectors.search_sql(query)
    latest = selectors.latest_outcomes(district)
    table = pa.table(
        {
            "iin": pa.array(list(latest), pa.string()),
            "outcome": pa.array([str(o.get_result_display()) for o in latest.values()], pa.string()),
            "outcome_comment": pa.array([o.comment for o in latest.values()], pa.string()),
            "outcome_at": pa.array([o.recorded_at.date() for o in latest.values()], pa.date32()),
        }
    )
    cur = runstore.cursor(run.folder)
    path = Path(tempfile.mkstemp(prefix="worklist-", suffix=".xlsx")[1])
    try:
        cur.register("latest_outcomes", table)
        # The writer takes a query without parameters: the filtered rows are bound here first.
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE export_rows AS SELECT * FROM worklist WHERE district = ?{where}",
            [district, *params],
        )
        query_sql = f"""
            SELECT {export.iin_sql("w.iin", full_iin)} AS iin, w.last_name, w.first_name, w.patronymic,
                   w.birth_date, w.age, w.status, w.category, w.conflicts, w.details,
                   o.outcome, o.outcome_comment, o.outcome_at
            FROM export_rows w LEFT JOIN latest_outcomes o USING (iin)
            ORDER BY w.status, w.last_name, w.first_name, w.patronymic, w.birth_date, w.iin"""
        counts = xlsx.write(cur, path, [xlsx.Sheet("Work list", query_sql)])
    finally:
        cur.close()
    return path, next(iter(counts.values()), 0)
