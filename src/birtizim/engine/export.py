"""Write a run's outputs: Parquet for machines, formatted XLSX for people.

XLSX exports mask IINs (``********2728``) unless ``full_iin`` is asked for, and never turn text into
formulas or links (a name beginning with ``=`` stays text).
"""

from __future__ import annotations

import functools
import queue
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from birtizim.engine import labels
from birtizim.tables import xlsx
from birtizim.tables.sql import quote_literal

# Work-list workbooks written at once (write_worklists).
WORKLIST_THREADS = 2

PERSON_COLUMNS = """person_id, iin, last_name, first_name, patronymic, birth_date, sex, district, registry_status,
    status, category, contributor_type, evidence"""
PARQUET_QUERIES = {
    "persons": f"SELECT {PERSON_COLUMNS} FROM statuses ORDER BY person_id",
    "links": """
        SELECT a.source, a.row_number, l.person_id, l.method, l.match_probability
        FROM links l JOIN agency a USING (record_id) ORDER BY a.source, a.row_number""",
    "conflicts": "SELECT * FROM conflicts ORDER BY type, source, row_number, person_id, CAST(facts AS VARCHAR)",
    "rejects": "SELECT * FROM rejects ORDER BY source, row_number",
    "raw_iins": """
        SELECT source, row_number, iin_raw FROM agency ORDER BY source, row_number""",
    "review": """
        SELECT a.source, a.row_number, f.fingerprint, r.person_id, r.match_probability
        FROM review r JOIN agency a USING (record_id) JOIN row_fingerprints f USING (record_id)
        ORDER BY a.source, a.row_number""",
}


def iin_sql(expr: str, full_iin: bool) -> str:
    """SQL for an IIN column as exports show it: all but the last four digits starred, unless asked."""
    return expr if full_iin else f"CASE WHEN {expr} <> '' THEN repeat('*', length({expr}) - 4) || right({expr}, 4) END"


def write_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    for name, query in PARQUET_QUERIES.items():
        con.execute(f"COPY ({query}) TO '{out / (name + '.parquet')}' (FORMAT parquet)")


def phone_sql(expr: str, full: bool) -> str:
    """SQL for a phone as exports show it: all but the country code and the last four digits starred, unless asked."""
    # +7 *** *** 56 78: the country code and the last four digits, as a caller confirms a number
    hidden = f"regexp_replace(substr({expr}, 3, length({expr}) - 7), '[0-9]', '*', 'g')"
    return expr if full else f"CASE WHEN length({expr}) > 7 THEN left({expr}, 2) || {hidden} || right({expr}, 5) END"


def address_sql(expr: str, full: bool) -> str:
    """SQL for an address as exports show it: the settlement only (its first part), unless asked."""
    return expr if full else f"split_part({expr}, ',', 1)"


def _headed(con: duckdb.DuckDBPyConnection, query: str, lang: str) -> str:
    """``query`` with its columns named in ``lang`` (a category's count column by the category)."""
    columns = [str(r[0]) for r in con.execute(f"DESCRIBE {query}").fetchall()]

    def header(column: str) -> str:
        if column.startswith("cat_"):
            return labels.word("category", column[4:], lang)
        return labels.word("column", column, lang)

    return "SELECT " + ", ".join(f'"{c}" AS "{header(c)}"' for c in columns) + f" FROM ({query})"


def write_report(
    con: duckdb.DuckDBPyConnection, path: Path, *, full_iin: bool = False, lang: str = labels.DEFAULT
) -> None:
    """The run's report for people: every sheet name, header, status, category and detail in ``lang``."""
    iin = iin_sql("s.iin", full_iin)
    sheet = functools.partial(labels.word, "sheet", lang=lang)
    conflict = labels.word_sql("conflict", "c.type", lang)
    # a district no region knows (the registry's places as written) keeps its name as written
    district = labels.word_sql("district", "district", lang, default="name")
    xlsx.write(
        con,
        path,
        [
            xlsx.Sheet(
                sheet("districts"),
                _headed(
                    con,
                    # the district's name in the reader's language; its code is for machines (run.duckdb)
                    f"SELECT * EXCLUDE (district) REPLACE ({district} AS name) FROM district_report ORDER BY rank",
                    lang,
                ),
                percent=(labels.word("column", "actualisation", lang),),
            ),
            xlsx.Sheet(
                sheet("sources"),
                _headed(
                    con,
                    f"SELECT * REPLACE ({labels.word_sql('source', 'source', lang)} AS source) FROM source_report",
                    lang,
                ),
            ),
            xlsx.Sheet(
                sheet("conflicts_by_type"),
                _headed(
                    con, f"SELECT {conflict} AS type, count(*) AS n FROM conflicts c GROUP BY ALL ORDER BY n DESC", lang
                ),
            ),
            xlsx.Sheet(
                sheet("conflicts"),
                _headed(
                    con,
                    f"""SELECT {conflict} AS type,
                           {labels.sentence_sql("conflict", "c.type", "c.facts", lang)} AS details,
                           {labels.word_sql("source", "c.source", lang)} AS source, c.row_number, {iin} AS iin,
                           s.last_name, s.first_name, {labels.word_sql("district", "s.district", lang)} AS district
                    FROM conflicts c LEFT JOIN statuses s USING (person_id)
                    ORDER BY c.type, c.source, c.row_number, c.person_id, CAST(c.facts AS VARCHAR)""",
                    lang,
                ),
            ),
            xlsx.Sheet(
                sheet("data_quality"),
                _headed(
                    con,
                    f"""SELECT {labels.word_sql("source", "q.source", lang)} AS source, q.row_number,
                           {labels.word_sql("conflict", "q.type", lang)} AS type,
                           {labels.sentence_sql("conflict", "q.type", "q.facts", lang)} AS details,
                           {labels.word_sql("district", "q.district", lang)} AS district
                    FROM data_quality q ORDER BY q.source, q.row_number, q.type""",
                    lang,
                ),
            ),
            xlsx.Sheet(
                sheet("rejects"),
                _headed(
                    con,
                    f"SELECT {labels.word_sql('source', 'source', lang)} AS source, file, row_number, "
                    f"{labels.reject_sql('reason', lang)} AS reject_reason FROM rejects ORDER BY source, row_number",
                    lang,
                ),
            ),
        ],
    )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_worklists(
    con: duckdb.DuckDBPyConnection, folder: Path, *, full_iin: bool = False, lang: str = labels.DEFAULT
) -> list[Path]:
    """One workbook per district: the table ``worklist`` (plan.py) in the order of the day, in ``lang``,
    with IINs, phones and addresses masked unless ``full_iin``."""
    folder.mkdir(parents=True, exist_ok=True)
    w = functools.partial(labels.word_sql, lang=lang)
    columns = {
        "priority": "priority",
        "iin": iin_sql("iin", full_iin),
        "last_name": "last_name",
        "first_name": "first_name",
        "patronymic": "patronymic",
        "birth_date": "birth_date",
        "age": "age",
        "phone": phone_sql("phone", full_iin),
        "address": address_sql("address", full_iin),
        "status": w("status", "status"),
        "category": w("category", "category"),
        "reason": "reason_words",
        "action": w("action", "action"),
        "outcome": "outcome_words",
        "details": "details_words",
    }
    # A reason is worded once per distinct reason and facts (a fifth of the rows at 2,059,200
    # residents; wording each row took 1.4 s of the work lists' 6), an outcome likewise.
    for kind in ("reason", "outcome"):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE worklist_{kind}s AS
            SELECT {kind}, {kind}_facts, {labels.sentence_sql(kind, kind, f"{kind}_facts", lang)} AS {kind}_words
            FROM (SELECT DISTINCT {kind}, {kind}_facts FROM worklist)
            """
        )
    # each resident's conflicts as sentences in the reader's language, joined once per resident (in
    # order: the same run gives the same cells)
    sentence = labels.sentence_sql("conflict", "f->>'type'", "f", lang)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE worklist_details AS
        SELECT person_id, string_agg(DISTINCT {sentence}, '; ' ORDER BY {sentence}) AS details_words
        FROM (SELECT person_id, unnest(CAST(facts AS JSON[])) AS f FROM worklist WHERE facts IS NOT NULL)
        GROUP BY person_id
        """
    )
    select = ", ".join(f"{expr} AS {_q(labels.word('column', name, lang))}" for name, expr in columns.items())
    # Every row is worded once, in one statement: the sentences are long SQL expressions, and binding
    # them again for each district cost more than the rows (0.07 s a district, 225 in the country).
    # Not a TEMP table: the workbooks are written from cursors of their own, which see only the
    # database's tables.
    con.execute(
        f"""
        CREATE OR REPLACE TABLE worklist_words AS
        SELECT district AS _district, {select}
        FROM worklist w LEFT JOIN worklist_details USING (person_id)
        LEFT JOIN worklist_reasons r
            ON r.reason IS NOT DISTINCT FROM w.reason AND r.reason_facts IS NOT DISTINCT FROM w.reason_facts
        LEFT JOIN worklist_outcomes o
            ON o.outcome IS NOT DISTINCT FROM w.outcome AND o.outcome_facts IS NOT DISTINCT FROM w.outcome_facts
        ORDER BY district, priority, last_name, first_name, patronymic, birth_date, iin
        """
    )
    districts = [str(d) for (d,) in con.execute("SELECT DISTINCT _district FROM worklist_words ORDER BY 1").fetchall()]
    title = labels.word("sheet", "worklist", lang)

    def write_one(district: str) -> Path:
        path = folder / f"{re.sub(r'[^a-z0-9-]+', '_', district)}.xlsx"
        # rowid keeps the order of the day: the table was written in it
        query = (
            f"SELECT * EXCLUDE (_district) FROM worklist_words WHERE _district = {quote_literal(district)} "
            "ORDER BY rowid"
        )
        cursor = cursors.get()  # a connection is not for two threads at once; each takes a cursor
        try:
            xlsx.write(cursor, path, [xlsx.Sheet(title, query)])
        finally:
            cursors.put(cursor)
        return path

    # Two workbooks at a time: a district's rows are one small query that DuckDB runs on one thread,
    # and their deflate one more, so one workbook at a time left a core idle (docs/engine.md, section 4).
    cursors: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
    for _ in range(WORKLIST_THREADS):
        cursors.put(con.cursor())
    try:
        with ThreadPoolExecutor(max_workers=WORKLIST_THREADS) as pool:
            return list(pool.map(write_one, districts))
    finally:
        while not cursors.empty():
            cursors.get().close()
        con.execute("DROP TABLE worklist_words")
