"""People's decisions, applied in every run: what a person settled, the next run does not ask again.

A decision names an agency row by what stays true of it from one month's file to the next: its source
kind and a **fingerprint** of its normalised identifying content (the cleaned IIN as written, the folded
surname, first name and patronymic, birth date, sex and district; ``row_fingerprint_sql``). Payment
months and other fields that change every month are not part of it, and neither is the row's place in
its file. A resident is named by the stable ``person_id`` (``identity``) and a fingerprint of their
registry record (``person_fingerprint_sql``), so a decision about a resident whose record has changed
since is **stale**: shown to people again, never applied silently.

The decisions table (Parquet or CSV, one decision a line):

====================  ===============================================================================
``action``            ``same`` (the row is ``person_id``), ``not`` (the row is not ``person_id``: "none
                      of these" is one ``not`` per candidate shown; detaching a linked row is one
                      ``not``), ``merge`` (resident ``person_id`` is resident ``into_id``: registry
                      duplicates)
``source``            the row's source kind (``same``/``not``)
``fingerprint``       the row's fingerprint (``same``/``not``)
``person_id``         the resident decided about
``person_fingerprint`` that resident's fingerprint when the decision was made
``into_id``           ``merge``: the resident who stays
``into_fingerprint``  ``merge``: that resident's fingerprint
====================  ===============================================================================

How they apply, set-based over every row (``apply_rows`` after the model, before new people are made;
``apply_merges`` once every row has its person):

* ``same``: the row is linked to the resident (method ``decided``), whatever the engine found;
* ``not``: the pair is taken out. A row linked or waiting for review with a rejected resident is
  linked to no one by the engine any more: it waits in the review band with its next candidate that
  people have not rejected, or, with none left, becomes a person outside the registry. A rejected pair
  never comes back for review;
* ``merge``: every row of ``person_id`` goes to ``into_id`` and ``person_id`` leaves the single list
  (the table ``merged`` says so).

A decision whose row is not in the run (``row_absent``), whose resident is not (``person_gone``) or whose
resident's record has changed (``person_changed``) is not applied; ``decided`` lists every decision with
its state and what the engine itself found for the row (for ``eval.decisions``: how often the engine
agreed with people).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from birtizim.engine.side_tables import open_side_table
from birtizim.engine.sources import SourceError
from birtizim.tables.sql import quote_literal

ACTIONS = ("same", "not", "merge")
COLUMNS = ("action", "source", "fingerprint", "person_id", "person_fingerprint", "into_id", "into_fingerprint")
STATES = ("applied", "row_absent", "person_gone", "person_changed", "contradictory")
# A review row is counted in the candidates' share from here (``link.REVIEW``), kept here too so that a row
# whose rejected candidate is taken out goes to review by the same measure.
REVIEW_SHARE = 0.05
CANDIDATES_SHOWN = 3  # candidates kept per review row for the page that shows them
# Per-comparison columns kept for review rows (a model without a field leaves its columns empty).
COMPARISONS = ("name", "patronymic_key", "iin", "iin_lo", "birth_date", "sex", "district", "address_key")


def _md5(parts: list[str]) -> str:
    """16 hex digits of md5 over the parts, each as text ('' for none), separated by '|'."""
    joined = " || '|' || ".join(f"coalesce(CAST({p} AS VARCHAR), '')" for p in parts)
    return f"left(md5({joined}), 16)"


def row_fingerprint_sql(alias: str = "") -> str:
    """SQL for an agency row's fingerprint: 16 hex digits of md5 over its kind and identifying content.

    Over the run's ``agency`` columns (``records`` during a run). md5, not DuckDB's ``hash``: a fingerprint
    is kept for years, and ``hash`` may change between DuckDB versions.
    """
    a = f"{alias}." if alias else ""
    parts = [
        f"{a}source",
        f"coalesce({a}iin, {a}iin_raw)",
        f"{a}surname_key",
        f"{a}first_key",
        f"{a}patronymic_key",
        f"strftime({a}birth_date, '%Y-%m-%d')",
        f"{a}sex",
        f"{a}district",
    ]
    return _md5(parts)


def person_fingerprint_sql(alias: str = "") -> str:
    """SQL for a resident's fingerprint over the registry's record (``persons`` or ``statuses``): the IIN
    and the names, birth date and sex as the registry writes them. A corrected spelling makes earlier
    decisions about the resident stale (people look again); a move to another district does not."""
    a = f"{alias}." if alias else ""
    parts = [
        f"{a}iin",
        f"{a}last_name",
        f"{a}first_name",
        f"{a}patronymic",
        f"strftime({a}birth_date, '%Y-%m-%d')",
        f"{a}sex",
    ]
    return _md5(parts)


@dataclass
class Applied:
    """What the run did with the decisions it was given, for run.json and the command line."""

    given: int = 0
    applied: int = 0
    row_absent: int = 0
    person_gone: int = 0
    person_changed: int = 0
    contradictory: int = 0
    merges_applied: int = 0
    merges_stale: int = 0


def load(con: duckdb.DuckDBPyConnection, path: Path | None) -> int:
    """``decisions`` from a Parquet or CSV file (or empty); returns how many. A file that is not a
    decisions table is refused with a one-line ``SourceError`` naming what is wrong."""
    con.execute("DROP TABLE IF EXISTS decisions")
    ensure(con)
    if path is None:
        return 0
    reader, found = open_side_table(con, path, "a decisions table")
    missing = [c for c in COLUMNS if c not in found]
    if missing:
        raise SourceError(
            f"{path}: a decisions table needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}"
        )
    try:
        con.execute(
            f"""INSERT INTO decisions
                SELECT lower(trim(action)), nullif(trim(source), ''), nullif(trim(fingerprint), ''),
                       TRY_CAST(person_id AS BIGINT), nullif(trim(person_fingerprint), ''),
                       TRY_CAST(into_id AS BIGINT), nullif(trim(into_fingerprint), '')
                FROM {reader}"""
        )
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        raise SourceError(f"{path}: cannot be read as a decisions table: {first}") from None
    bad = con.execute(
        f"""SELECT count(*) FROM decisions
            WHERE action NOT IN ({", ".join(quote_literal(a) for a in ACTIONS)}) OR person_id IS NULL
               OR person_fingerprint IS NULL
               OR (action IN ('same', 'not') AND (source IS NULL OR fingerprint IS NULL))
               OR (action = 'merge' AND (into_id IS NULL OR into_fingerprint IS NULL OR into_id = person_id))"""
    ).fetchone()
    if bad and bad[0]:
        raise SourceError(
            f"{path}: {bad[0]} decision(s) without a known action ({', '.join(ACTIONS)}), a resident, or the row "
            "(same/not) or the resident who stays (merge)"
        )
    n = con.execute("SELECT count(*) FROM decisions").fetchone()
    return int(n[0]) if n else 0


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """An empty decisions table when the run was given none (and for linkers used on their own)."""
    con.execute(
        """CREATE TABLE IF NOT EXISTS decisions (action VARCHAR, source VARCHAR, fingerprint VARCHAR,
           person_id BIGINT, person_fingerprint VARCHAR, into_id BIGINT, into_fingerprint VARCHAR)"""
    )


def write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    """A decisions table as CSV (what the web hands the engine, and what people may write by hand)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=COLUMNS)
        out.writeheader()
        for row in rows:
            out.writerow({c: row.get(c) for c in COLUMNS})


def fingerprint_rows(con: duckdb.DuckDBPyConnection) -> None:
    """``row_fingerprints(record_id, source, fingerprint)`` for every agency row (kept in run.duckdb)."""
    con.execute(
        f"""CREATE OR REPLACE TABLE row_fingerprints AS
            SELECT record_id, source, {row_fingerprint_sql()} AS fingerprint FROM records WHERE source <> 'registry'"""
    )


def _person_state(alias: str, fingerprint: str) -> str:
    """The state of a decision about resident ``alias`` (a ``persons`` row, NULL when gone)."""
    return (
        f"CASE WHEN {alias}.person_id IS NULL THEN 'person_gone' "
        f"WHEN {person_fingerprint_sql(alias)} <> {fingerprint} THEN 'person_changed' ELSE 'applied' END"
    )


def apply_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Apply ``same`` and ``not`` to ``links`` and ``review`` (before ``link.link_new``); write ``decided``."""
    con.execute(
        f"""
        -- every decision about a row, with the rows it names in this run (none: row_absent)
        CREATE OR REPLACE TEMP TABLE decision_rows AS
        SELECT d.action, d.source, d.fingerprint, d.person_id, f.record_id,
               CASE WHEN f.record_id IS NULL THEN 'row_absent' ELSE {_person_state("p", "d.person_fingerprint")} END
                   AS state
        FROM decisions d
        LEFT JOIN row_fingerprints f ON f.source = d.source AND f.fingerprint = d.fingerprint
        LEFT JOIN persons p ON p.person_id = d.person_id
        WHERE d.action IN ('same', 'not');
        -- two residents decided "same" for one row, or one resident both "same" and "not": people disagree
        UPDATE decision_rows SET state = 'contradictory'
        WHERE state = 'applied' AND record_id IN (
            SELECT record_id FROM decision_rows WHERE state = 'applied' GROUP BY record_id
            HAVING count(DISTINCT person_id) FILTER (action = 'same') > 1
                OR count(DISTINCT person_id) FILTER (action = 'same')
                   + count(DISTINCT person_id) FILTER (action = 'not') > count(DISTINCT person_id)
        );

        -- what the engine found for each decided row, before the decisions
        CREATE OR REPLACE TABLE decided AS
        SELECT d.action, d.source, d.fingerprint, d.person_id, d.record_id, d.state,
               CASE WHEN d.record_id IS NULL THEN NULL WHEN l.record_id IS NOT NULL THEN l.method
                    WHEN r.record_id IS NOT NULL THEN 'review' ELSE 'new' END AS engine_method,
               coalesce(l.person_id, r.person_id) AS engine_person_id,
               coalesce(l.match_probability, r.match_probability) AS engine_probability
        FROM decision_rows d LEFT JOIN links l USING (record_id) LEFT JOIN review r USING (record_id);

        CREATE OR REPLACE TEMP TABLE decided_same AS
        SELECT record_id, any_value(person_id) AS person_id FROM decision_rows
        WHERE action = 'same' AND state = 'applied' GROUP BY record_id;
        CREATE OR REPLACE TEMP TABLE rejected_pairs AS
        SELECT DISTINCT record_id, person_id FROM decision_rows WHERE action = 'not' AND state = 'applied';

        DELETE FROM links WHERE record_id IN (SELECT record_id FROM decided_same);
        DELETE FROM review WHERE record_id IN (SELECT record_id FROM decided_same);
        INSERT INTO links SELECT record_id, person_id, 'decided', 1.0 FROM decided_same;

        -- rows the engine put with a resident people rejected: linked to no one by the engine any more
        CREATE OR REPLACE TEMP TABLE redo AS
        SELECT record_id FROM links l JOIN rejected_pairs USING (record_id, person_id) WHERE l.method <> 'decided'
        UNION
        SELECT record_id FROM review JOIN rejected_pairs USING (record_id, person_id);
        DELETE FROM links WHERE record_id IN (SELECT record_id FROM redo) AND method <> 'decided';
        DELETE FROM review WHERE record_id IN (SELECT record_id FROM redo);
        -- ... they wait for review with their next candidate nobody rejected, or become new with none left
        INSERT INTO review
        SELECT c.record_id, c.person_id, coalesce(c.share, c.match_probability), 'after_decision'
        FROM candidate_pool c JOIN redo USING (record_id)
        WHERE NOT EXISTS (SELECT 1 FROM rejected_pairs x WHERE x.record_id = c.record_id AND x.person_id = c.person_id)
          AND greatest(coalesce(c.share, 0), coalesce(c.match_probability, 0)) >= {REVIEW_SHARE}
        QUALIFY row_number() OVER (PARTITION BY c.record_id ORDER BY c.share DESC NULLS LAST,
                                   c.match_probability DESC NULLS LAST, c.person_id) = 1;
        """
    )


def apply_merges(con: duckdb.DuckDBPyConnection) -> None:
    """Apply ``merge`` (after ``link.link_new``): the absorbed resident's rows go to the one who stays, and
    the absorbed leaves ``persons``. A resident who is absorbed cannot take others in the same run (the
    web refuses such chains; from a hand-written file they are stale)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE merge_checks AS
        SELECT d.person_id AS absorbed, d.into_id,
               CASE WHEN a.person_id IS NULL OR i.person_id IS NULL THEN 'person_gone'
                    WHEN {person_fingerprint_sql("a")} <> d.person_fingerprint
                      OR {person_fingerprint_sql("i")} <> d.into_fingerprint THEN 'person_changed'
                    ELSE 'applied' END AS state
        FROM decisions d LEFT JOIN persons a ON a.person_id = d.person_id LEFT JOIN persons i ON i.person_id = d.into_id
        WHERE d.action = 'merge';
        -- one resident absorbed twice, or absorbed while taking someone in: people disagree, nothing applies
        UPDATE merge_checks SET state = 'contradictory'
        WHERE state = 'applied' AND (
            absorbed IN (SELECT absorbed FROM merge_checks WHERE state = 'applied' GROUP BY 1 HAVING count(*) > 1)
            OR absorbed IN (SELECT into_id FROM merge_checks WHERE state = 'applied')
            OR into_id IN (SELECT absorbed FROM merge_checks WHERE state = 'applied'));

        CREATE OR REPLACE TABLE merged AS SELECT absorbed AS person_id, into_id, state FROM merge_checks;
        CREATE OR REPLACE TEMP TABLE merge_map AS SELECT absorbed, into_id FROM merge_checks WHERE state = 'applied';
        UPDATE links SET person_id = m.into_id FROM merge_map m WHERE links.person_id = m.absorbed;
        UPDATE review SET person_id = m.into_id FROM merge_map m WHERE review.person_id = m.absorbed;
        UPDATE iin_elsewhere SET holder = m.into_id FROM merge_map m WHERE iin_elsewhere.holder = m.absorbed;
        DELETE FROM candidate_pool WHERE person_id IN (SELECT absorbed FROM merge_map);
        DELETE FROM persons WHERE person_id IN (SELECT absorbed FROM merge_map);
        """
    )


def keep_review_candidates(con: duckdb.DuckDBPyConnection) -> None:
    """``review_candidates``: up to ``CANDIDATES_SHOWN`` residents per review row, best first (the row's own
    best candidate first), without pairs people rejected, with each comparison's level and weight (the
    Splink columns ``gamma_*`` and ``mw_*``; empty where the model had no such comparison), what the list
    says about the resident (``mw_list``), and the resident's registry record and fingerprint. ``review``
    gains the row's own fields and fingerprint, its district (its best candidate's, else the row's) and the
    best candidate's share: the review page reads these two small tables and nothing of the whole list."""
    have = {c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE candidate_pool)").fetchall()}
    columns = ", ".join(
        f"{'c.' + col if col in have else 'CAST(NULL AS ' + kind + ')'} AS {col}"
        for name in COMPARISONS
        for col, kind in ((f"gamma_{name}", "INTEGER"), (f"mw_{name}", "DOUBLE"))
    )
    list_bits = "c.mw_list" if "mw_list" in have else "CAST(NULL AS DOUBLE)"
    rejected = (
        "rejected_pairs"
        if table_exists(con, "rejected_pairs")
        else "(SELECT NULL::BIGINT AS record_id, NULL::BIGINT AS person_id LIMIT 0)"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE review_candidates AS
        WITH pool AS (
            SELECT c.record_id, c.person_id, c.share, c.match_probability, {columns}, {list_bits} AS mw_list
            FROM candidate_pool c JOIN review r USING (record_id)
            WHERE NOT EXISTS (SELECT 1 FROM {rejected} x WHERE x.record_id = c.record_id AND x.person_id = c.person_id)
        ),
        own AS (  -- the row's best candidate, when the model never scored it (a disputed row without names)
            SELECT r.record_id, r.person_id, NULL::DOUBLE AS share, r.match_probability
            FROM review r WHERE r.person_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM pool WHERE pool.record_id = r.record_id AND pool.person_id = r.person_id)
        ),
        everyone AS (SELECT * FROM pool UNION ALL BY NAME SELECT * FROM own),
        ranked AS (
            SELECT e.* EXCLUDE (share, match_probability), e.share, e.match_probability,
                   row_number() OVER (PARTITION BY e.record_id
                                      ORDER BY (e.person_id = r.person_id) DESC, e.share DESC NULLS LAST,
                                               e.match_probability DESC NULLS LAST, e.person_id) AS rank
            FROM everyone e JOIN review r USING (record_id) JOIN persons p ON p.person_id = e.person_id
            QUALIFY rank <= {CANDIDATES_SHOWN}
        )
        SELECT k.*, p.iin, p.last_name, p.first_name, p.patronymic, p.birth_date, p.sex, p.district,
               home.address, {person_fingerprint_sql("p")} AS person_fingerprint
        FROM ranked k JOIN persons p USING (person_id) LEFT JOIN records home ON home.record_id = p.record_id;

        CREATE OR REPLACE TABLE review AS
        SELECT r.*, coalesce(p.district, a.district, 'unplaced') AS district, c.share,
               a.source, a.row_number, f.fingerprint, a.iin AS row_iin, a.iin_raw, a.last_name, a.first_name,
               a.patronymic, a.birth_date, a.sex, a.district AS row_district, a.district_raw, a.address
        FROM review r JOIN records a USING (record_id) JOIN row_fingerprints f USING (record_id)
        LEFT JOIN persons p ON p.person_id = r.person_id
        LEFT JOIN review_candidates c ON c.record_id = r.record_id AND c.rank = 1;
        """
    )


def summary(con: duckdb.DuckDBPyConnection) -> Applied:
    """The counts of ``decided`` and ``merged`` (decisions by state; a decision naming two copies of a row
    counts once)."""
    given = con.execute("SELECT count(*) FROM decisions").fetchone()
    by_state = dict(
        con.execute(
            """SELECT state, count(*) FROM (SELECT DISTINCT action, source, fingerprint, person_id,
                      min(state) OVER (PARTITION BY action, source, fingerprint, person_id) AS state FROM decided)
               GROUP BY state"""
        ).fetchall()
    )
    merges = dict(con.execute("SELECT state = 'applied', count(*) FROM merged GROUP BY 1").fetchall())
    return Applied(
        given=int(given[0]) if given else 0,
        applied=int(by_state.get("applied", 0)),
        row_absent=int(by_state.get("row_absent", 0)),
        person_gone=int(by_state.get("person_gone", 0)),
        person_changed=int(by_state.get("person_changed", 0)),
        contradictory=int(by_state.get("contradictory", 0)),
        merges_applied=int(merges.get(True, 0)),
        merges_stale=int(merges.get(False, 0)),
    )


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()
    return bool(row and row[0])
