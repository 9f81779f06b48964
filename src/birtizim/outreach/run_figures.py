"""The single list's district figures, read from a reconcile run.

The engine writes them to ``RUN/run.duckdb`` as ``district_report`` (one row per district with
residents, undetermined and actualisation). The database is opened read-only: the web app may be
showing the same run while flags are computed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from birtizim import engine
from birtizim.outreach.model import DistrictFigures


def load_figures(run: Path) -> list[DistrictFigures]:
    """District figures of the run in folder ``run`` (or of the ``run.duckdb`` file itself)."""
    folder = run if run.is_dir() else run.parent
    try:
        rows = engine.run_rows(
            folder, "SELECT district, residents, undetermined FROM district_report ORDER BY district"
        )
    except duckdb.CatalogException:
        raise ValueError(f"{folder / 'run.duckdb'}: the run has no district_report table") from None
    # "Determined" is every resident whose status is known (state-paid, contributor or lapsed).
    return [DistrictFigures.from_counts(str(r["district"]), int(r["residents"]), int(r["undetermined"])) for r in rows]
