"""People's decisions as ground truth: how often the engine agreed with the people who checked its rows.

For every row people decided, the engine's own answer is its link (``iin``, ``iin_repaired``,
``probabilistic``), its review band's best candidate (it asked), or "nobody in the registry" (``new``).
A run that applied the decisions keeps what the engine found before them (run.duckdb ``decided``);
decisions the run was not given are looked up by the row's kind and fingerprint in its links and review.

* ``same`` resident P: the engine was right when its answer was P;
* ``not`` (none of the candidates shown, or a row detached from its resident): right when its answer is
  none of the residents people rejected.

Reported: the rows decided; the agreement over all of them; the engine's automatic links people looked
at and how many they kept (its precision on what people checked); the review band's rows and how often
the engine's best candidate was the people's answer; and the same by the engine's probability (is a 0.6
right six times in ten?). Stale decisions (the row or the resident changed) are counted, not scored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

LINKED = ("iin", "iin_repaired", "probabilistic")
BANDS = ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.01))


def agreement(run: Path, decisions: Path | None = None) -> dict[str, Any]:
    """The engine's answers in ``run`` against people's decisions: those the run applied (its ``decided``
    table) and, when given, those in the file ``decisions`` (CSV or Parquet, ``engine.decisions``)."""
    from birtizim.engine import decisions as table
    from birtizim.tables.sql import quote_literal

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {quote_literal(str(run / 'run.duckdb'))} AS r (READ_ONLY)")
        table.load(con, decisions)
        con.execute(
            """
            CREATE TEMP TABLE answers AS
            -- decisions the run applied: what the engine found before them
            SELECT action, source, fingerprint, person_id, state, engine_method AS method,
                   engine_person_id AS answer, engine_probability AS p
            FROM r.decided
            UNION ALL
            -- decisions it was not given: its links and review band as they stand
            SELECT d.action, d.source, d.fingerprint, d.person_id,
                   CASE WHEN a.record_id IS NULL THEN 'row_absent' ELSE 'applied' END,
                   CASE WHEN l.record_id IS NOT NULL THEN l.method WHEN v.record_id IS NOT NULL THEN 'review'
                        WHEN a.record_id IS NOT NULL THEN 'new' END,
                   coalesce(CASE WHEN l.method <> 'new' THEN l.person_id END, v.person_id),
                   coalesce(l.match_probability, v.match_probability)
            FROM decisions d
            LEFT JOIN r.agency a ON a.source = d.source AND a.fingerprint = d.fingerprint
            LEFT JOIN r.links l ON l.record_id = a.record_id LEFT JOIN r.review v ON v.record_id = a.record_id
            WHERE d.action IN ('same', 'not')
              AND NOT EXISTS (SELECT 1 FROM r.decided x WHERE x.source = d.source AND x.fingerprint = d.fingerprint
                              AND x.action = d.action AND x.person_id = d.person_id);

            -- one verdict per row: the resident people named, or the residents they rejected
            CREATE TEMP TABLE verdicts AS
            SELECT source, fingerprint, any_value(method) AS method, any_value(answer) AS answer, any_value(p) AS p,
                   any_value(person_id) FILTER (action = 'same') AS same,
                   list(person_id) FILTER (action = 'not') AS rejected,
                   bool_and(state = 'applied') AS current
            FROM (SELECT DISTINCT * FROM answers) GROUP BY source, fingerprint;

            CREATE TEMP TABLE scored AS
            SELECT *,
                   coalesce(CASE WHEN same IS NOT NULL THEN method <> 'new' AND answer = same
                                 ELSE method = 'new' OR NOT list_contains(coalesce(rejected, []), answer) END,
                            false) AS is_right
            FROM verdicts WHERE current AND method IS NOT NULL;
            """
        )
        return _figures(con)
    finally:
        con.close()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    row = con.execute(sql).fetchone()
    return tuple(row) if row else ()


def _share(right: int, n: int) -> float | None:
    return round(right / n, 4) if n else None


def _figures(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    total, stale = _one(
        con, "SELECT count(*) FILTER (current AND method IS NOT NULL), count(*) FILTER (NOT current) FROM verdicts"
    )
    decided, right, same, none = _one(
        con,
        "SELECT count(*), count(*) FILTER (is_right), count(*) FILTER (same IS NOT NULL), "
        "count(*) FILTER (same IS NULL) FROM scored",
    )
    methods = ", ".join(f"'{m}'" for m in LINKED)
    linked, kept = _one(con, f"SELECT count(*), count(*) FILTER (is_right) FROM scored WHERE method IN ({methods})")
    review, best_right = _one(con, "SELECT count(*), count(*) FILTER (is_right) FROM scored WHERE method = 'review'")
    new, new_right = _one(con, "SELECT count(*), count(*) FILTER (is_right) FROM scored WHERE method = 'new'")
    bands = []
    for low, high in BANDS:
        n, ok = _one(con, f"SELECT count(*), count(*) FILTER (is_right) FROM scored WHERE p >= {low} AND p < {high}")
        bands.append({"from": low, "to": min(high, 1.0), "rows": int(n), "right": _share(int(ok), int(n))})
    return {
        "rows_decided": int(total),
        "stale": int(stale),
        "same": int(same),
        "not_these": int(none),
        "agreement": _share(int(right), int(decided)),
        "engine_links_checked": int(linked),
        "engine_links_kept": int(kept),
        "engine_link_precision": _share(int(kept), int(linked)),
        "review_rows_decided": int(review),
        "review_best_candidate_right": _share(int(best_right), int(review)),
        "new_rows_decided": int(new),
        "new_right": _share(int(new_right), int(new)),
        "by_probability": bands,
    }
