"""The single list's district figures, read from a reconcile run.

The engine writes them to ``RUN/run.duckdb`` as ``district_report`` (one row per district with
residents, undetermined and actualisation). The database is opened read-only: the web app may be
showing the same run while flags are computed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from birtizim.outreach.model import DistrictFigures


def load_figures(run: Path) -> list[DistrictFigures]:
    """District figures of the run in folder ``run`` (or of the ``run.duckdb`` file itself)."""
    path = run / "run.duckdb" if run.is_dir() else run
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no run database here; make one with `birtizim reconcile`")
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT district, residents, residents - undetermined, actualisation FROM district_report ORDER BY district"
        ).fetchall()
    except duckdb.CatalogException:
        raise ValueError(f"{path}: the run has no district_report table") from None
    finally:
        con.close()
    # "Determined" is every resident whose status is known (state-paid, contributor or lapsed):
    # the engine's actualisation is exactly determined / residents.
    return [DistrictFigures(str(d), int(n), int(det), float(a or 0.0)) for d, n, det, a in rows]
