"""Measure a run against the synthetic generator's ground truth.

Links are compared row by row: a source row is correctly linked when its person has the true
person's IIN. Precision counts every link to a registry person; recall counts every row whose true
person is in the registry. Status accuracy compares each registry person's status (and category).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def evaluate(run: Path, truth: Path) -> dict[str, Any]:
    con = duckdb.connect()
    t_rows, t_persons = truth / "rows.parquet", truth / "persons.parquet"
    con.execute(
        f"""
        CREATE TABLE truth_links AS
        SELECT r.source, r.row_number, p.iin AS true_iin
        FROM '{t_rows}' r LEFT JOIN '{t_persons}' p USING (person_id) WHERE r.source <> 'registry';
        CREATE TABLE our_links AS
        SELECT l.source, l.row_number, l.method, p.iin
        FROM '{run / "links.parquet"}' l LEFT JOIN '{run / "persons.parquet"}' p USING (person_id);
        CREATE TABLE joined AS
        SELECT t.source, t.row_number, t.true_iin, o.iin, o.method
        FROM truth_links t LEFT JOIN our_links o USING (source, row_number);
        """
    )
    row = con.execute(
        """
        SELECT count(*) FILTER (iin IS NOT NULL AND iin = true_iin) AS tp,
               count(*) FILTER (iin IS NOT NULL AND (true_iin IS NULL OR iin <> true_iin)) AS fp,
               count(*) FILTER (true_iin IS NOT NULL AND (iin IS NULL OR iin <> true_iin)) AS fn,
               count(*) FILTER (true_iin IS NOT NULL) AS true_links,
               count(*) AS rows
        FROM joined
        """
    ).fetchone()
    assert row is not None
    tp, fp, fn, true_links, rows = row
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # What agencies do today: an exact join on the IIN as written in the file.
    exact = con.execute(
        f"""
        SELECT count(*) FILTER (j.true_iin IS NOT NULL AND r.iin_raw = j.true_iin)
               / count(*) FILTER (j.true_iin IS NOT NULL)
        FROM joined j JOIN read_parquet('{run / "raw_iins.parquet"}') r USING (source, row_number)
        """
    ).fetchone()
    status_row = con.execute(
        f"""
        SELECT avg(CASE WHEN o.status = t.status THEN 1 ELSE 0 END),
               avg(CASE WHEN o.status = t.status AND o.category IS NOT DISTINCT FROM t.category THEN 1 ELSE 0 END),
               count(*), count(o.iin)
        FROM '{t_persons}' t LEFT JOIN '{run / "persons.parquet"}' o USING (iin)
        """
    ).fetchone()
    assert status_row is not None
    by_method = dict(
        con.execute(
            "SELECT coalesce(method, 'unlinked'), count(*) FILTER (iin = true_iin) || '/' || count(*) "
            "FROM joined GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )
    return {
        "rows": rows,
        "true_links": true_links,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "link_precision": round(precision, 5),
        "link_recall": round(recall, 5),
        "link_f1": round(f1, 5),
        "exact_iin_join_recall": round(float(exact[0]), 5) if exact and exact[0] is not None else None,
        "status_accuracy": round(float(status_row[0]), 5),
        "status_category_accuracy": round(float(status_row[1]), 5),
        "persons_in_truth": status_row[2],
        "persons_found": status_row[3],
        "correct_by_method": by_method,
    }
