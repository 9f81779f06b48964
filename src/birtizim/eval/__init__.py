"""Measure a run against the synthetic generator's ground truth.

Links are compared row by row: a source row is correctly linked when its person has the true
person's IIN. Precision counts every link to a registry person; recall counts every row whose true
person is in the registry. Status accuracy compares each registry person's status (and category).

Recall is also given per kind of noise and damage the truth records (``noise_*``, ``damage_*``), and
the rows whose IIN, once cleaned, is another resident's are followed on their own: how many the run
linked to that resident, and how many of those it linked without a conflict saying so (the silent
errors a single list must not hold).
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
    flags = [
        c
        for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM '{t_rows}')").fetchall()
        if c.startswith(("noise_", "damage_"))
    ]
    recall_by_kind = {}
    for flag in flags:
        hit = con.execute(
            f"""
            SELECT count(*) FILTER (j.iin = j.true_iin), count(*)
            FROM joined j JOIN '{t_rows}' r USING (source, row_number)
            WHERE r.{flag} AND j.true_iin IS NOT NULL
            """
        ).fetchone()
        if hit and hit[1]:
            recall_by_kind[flag] = {"rows": hit[1], "recall": round(hit[0] / hit[1], 5)}
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
        "recall_by_kind": recall_by_kind,
        "another_residents_iin": _another_residents_iin(con, run, t_persons),
    }


def _another_residents_iin(con: duckdb.DuckDBPyConnection, run: Path, t_persons: Path) -> dict[str, int]:
    """Rows whose cleaned IIN is a registry resident's other than the row's true person: how many, how
    many the run linked to that resident, and how many of those without a conflict on the row."""
    from birtizim.engine import iin

    iin.install_sql(con)
    row = con.execute(
        f"""
        WITH carried AS (
            SELECT j.source, j.row_number, j.iin AS linked_iin, p.iin AS holder
            FROM joined j JOIN read_parquet('{run / "raw_iins.parquet"}') r USING (source, row_number)
            JOIN '{t_persons}' p ON p.iin = iin_clean(r.iin_raw).iin
            WHERE p.iin IS DISTINCT FROM j.true_iin
        ),
        flagged AS (SELECT DISTINCT source, row_number FROM read_parquet('{run / "conflicts.parquet"}')
                    WHERE row_number IS NOT NULL)
        SELECT count(*), count(*) FILTER (c.linked_iin = c.holder),
               count(*) FILTER (c.linked_iin = c.holder AND f.row_number IS NULL)
        FROM carried c LEFT JOIN flagged f USING (source, row_number)
        """
    ).fetchone()
    rows, linked, silent = row if row else (0, 0, 0)
    return {"rows": rows, "linked_to_that_resident": linked, "linked_to_that_resident_without_conflict": silent}
