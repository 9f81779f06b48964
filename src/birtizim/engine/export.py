"""Write a run's outputs: Parquet for machines, formatted XLSX for people.

XLSX exports mask IINs (``********2728``) unless ``full_iin`` is asked for, and never turn text into
formulas or links (a name beginning with ``=`` stays text).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from birtizim.tables import places, xlsx
from birtizim.tables.sql import quote_literal

PERSON_COLUMNS = """person_id, iin, last_name, first_name, patronymic, birth_date, sex, district, registry_status,
    status, category, contributor_type, evidence"""
PARQUET_QUERIES = {
    "persons": f"SELECT {PERSON_COLUMNS} FROM statuses ORDER BY person_id",
    "links": """
        SELECT a.source, a.row_number, l.person_id, l.method, l.match_probability
        FROM links l JOIN agency a USING (record_id) ORDER BY a.source, a.row_number""",
    "conflicts": "SELECT * FROM conflicts ORDER BY type, source, row_number",
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


def write_report(con: duckdb.DuckDBPyConnection, path: Path, *, full_iin: bool = False) -> None:
    iin = iin_sql("s.iin", full_iin)
    xlsx.write(
        con,
        path,
        [
            xlsx.Sheet("Districts", "SELECT * FROM district_report ORDER BY rank"),
            xlsx.Sheet("Sources", "SELECT * FROM source_report"),
            xlsx.Sheet("Conflicts by type", "SELECT type, count(*) AS n FROM conflicts GROUP BY type ORDER BY n DESC"),
            xlsx.Sheet(
                "Conflicts",
                f"""SELECT c.type, c.detail, c.source, c.row_number, {iin} AS iin, s.last_name, s.first_name,
                           s.district
                    FROM conflicts c LEFT JOIN statuses s USING (person_id)
                    ORDER BY c.type, c.source, c.row_number""",
            ),
            xlsx.Sheet("Rejects", "SELECT * FROM rejects ORDER BY source, row_number"),
        ],
    )


def write_worklists(con: duckdb.DuckDBPyConnection, folder: Path, *, full_iin: bool = False) -> list[Path]:
    """One workbook per district: residents with undetermined status or conflicts, for officers to reach."""
    folder.mkdir(parents=True, exist_ok=True)
    # Kept in run.duckdb (full IINs, person ids) for the web's work lists; sorted by district so a
    # district's page reads only its own blocks.
    con.execute(
        f"""
        CREATE OR REPLACE TABLE worklist AS
        SELECT s.person_id, coalesce(s.district, {quote_literal(places.UNPLACED.code)}) AS district,
               s.iin, s.last_name, s.first_name, s.patronymic, s.birth_date, s.age, s.status, s.category,
               string_agg(DISTINCT c.type, ', ') AS conflicts, string_agg(DISTINCT c.detail, '; ') AS details,
               -- the conflicts' facts as one JSON array, for pages in the reader's language
               '[' || string_agg(DISTINCT c.facts, ',' ORDER BY c.facts) || ']' AS facts
        FROM statuses s LEFT JOIN conflicts c USING (person_id)
        WHERE s.registry_status = 'resident' AND (s.status = 'undetermined' OR c.type IS NOT NULL)
        GROUP BY ALL
        ORDER BY district, status, last_name, first_name, patronymic, birth_date, iin
        """
    )
    paths = []
    for (district,) in con.execute("SELECT DISTINCT district FROM worklist ORDER BY 1").fetchall():
        path = folder / f"{re.sub(r'[^a-z0-9-]+', '_', str(district))}.xlsx"
        query = (
            f"SELECT {iin_sql('iin', full_iin)} AS iin, * EXCLUDE (person_id, district, iin, facts) FROM worklist "
            f"WHERE district = {quote_literal(str(district))} "
            "ORDER BY status, last_name, first_name, patronymic, birth_date, iin"
        )
        xlsx.write(con, path, [xlsx.Sheet("Work list", query)])
        paths.append(path)
    return paths
