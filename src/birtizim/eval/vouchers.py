"""Precision and recall of each flag against the truth the synthetic generator injected.

A flag row and a truth row match on (flag, entity kind, entity id, period). Precision = matched
flag rows / flag rows; recall = matched truth rows / truth rows. Either is None when its
denominator is zero (a flag that never fired has no precision to speak of), never a made-up 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from birtizim.vouchers import flags as voucher_flags
from birtizim.vouchers import schema


@dataclass(frozen=True, slots=True)
class Score:
    flag: str
    entity_kind: str
    truth: int  # injected cases
    flagged: int  # rows the flag returned
    true_positives: int
    precision: float | None
    recall: float | None


def score(flagged: pa.Table, truth: pa.Table) -> list[Score]:
    """One score per known flag, in the order of ``flags.FLAGS``."""
    con = duckdb.connect()
    con.register("flagged", flagged)
    con.register("truth", truth)
    rows = con.execute(
        """
        WITH f AS (SELECT DISTINCT flag, entity_kind, entity_id, period FROM flagged),
        t AS (SELECT DISTINCT flag, entity_kind, entity_id, period FROM truth),
        hits AS (
            SELECT f.flag, count(*) AS n FROM f JOIN t ON t.flag = f.flag AND t.entity_kind = f.entity_kind
                AND t.entity_id = f.entity_id AND t.period IS NOT DISTINCT FROM f.period
            GROUP BY f.flag
        )
        SELECT codes.flag, (SELECT count(*) FROM t WHERE t.flag = codes.flag),
               (SELECT count(*) FROM f WHERE f.flag = codes.flag), coalesce(hits.n, 0)
        FROM (SELECT unnest($codes) AS flag) codes LEFT JOIN hits USING (flag)
        """,
        {"codes": [f.code for f in voucher_flags.FLAGS]},
    ).fetchall()
    by_flag = {r[0]: r for r in rows}
    out = []
    for f in voucher_flags.FLAGS:
        _, n_truth, n_flagged, tp = by_flag[f.code]
        out.append(
            Score(
                flag=f.code,
                entity_kind=f.entity_kind,
                truth=int(n_truth),
                flagged=int(n_flagged),
                true_positives=int(tp),
                precision=round(tp / n_flagged, 4) if n_flagged else None,
                recall=round(tp / n_truth, 4) if n_truth else None,
            )
        )
    return out


def evaluate_folder(folder: Path, thresholds: voucher_flags.Thresholds | None = None) -> list[Score]:
    """Run every flag over a synthetic world's folder and score it against its ``truth.parquet``."""
    truth_path = folder / "truth.parquet"
    if not truth_path.is_file():
        raise FileNotFoundError(f"{truth_path}: not found (is it a folder written by `birtizim vouchers synth`?)")
    con = schema.connect(folder)
    flagged = voucher_flags.run(con, thresholds)
    return score(flagged, pq.read_table(truth_path))
