"""The numbers leadership asks for: districts ranked by actualisation, and why each agency's count
differs from the single list."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from birtizim.engine.ingest import Ingested
from birtizim.reference import Region
from birtizim.tables import places

CATEGORY_COLUMNS = (
    "children",
    "pensioner",
    "disability",
    "student",
    "childcare_leave",
    "unemployed",
    "nonworking_parent",
    "asp",
)


@dataclass(frozen=True)
class DistrictRow:
    rank: int
    district: str
    name: str
    residents: int
    state: int
    contributor: int
    lapsed: int
    undetermined: int
    actualisation: float  # share of residents whose status is determined, 0..1


def build(con: duckdb.DuckDBPyConnection, region: Region, ingested: list[Ingested]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE district_names (district VARCHAR, name VARCHAR)")
    con.executemany(
        "INSERT INTO district_names VALUES (?, ?)", [(d.code, d.name_ru) for d in (*region.districts, places.UNPLACED)]
    )
    categories = ", ".join(f"count(*) FILTER (category = '{c}') AS cat_{c}" for c in CATEGORY_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE district_report AS
        SELECT rank() OVER (ORDER BY actualisation DESC, district) AS rank, *
        FROM (
            SELECT district, n.name,
                   count(*) AS residents,
                   count(*) FILTER (status = 'state') AS state,
                   count(*) FILTER (status = 'contributor') AS contributor,
                   count(*) FILTER (status = 'lapsed') AS lapsed,
                   count(*) FILTER (status = 'undetermined') AS undetermined,
                   {categories},
                   round(1 - count(*) FILTER (status = 'undetermined') / count(*), 4) AS actualisation
            -- residents without a recognised district have a row of their own, not a NULL one
            FROM (SELECT * REPLACE (coalesce(district, '{places.UNPLACED.code}') AS district) FROM statuses) s
            LEFT JOIN district_names n USING (district)
            WHERE status <> 'left'
            GROUP BY district, n.name
        );
        """
    )
    con.execute("CREATE OR REPLACE TEMP TABLE source_files (source VARCHAR, file VARCHAR, rows_in BIGINT)")
    con.executemany("INSERT INTO source_files VALUES (?, ?, ?)", [(i.kind, str(i.path), i.rows_in) for i in ingested])
    con.execute(
        """
        CREATE OR REPLACE TABLE source_report AS
        WITH linked AS (
            SELECT a.source, a.file, l.method, l.person_id, a.record_id,
                   count(*) OVER (PARTITION BY a.source, l.person_id) AS copies
            FROM agency a JOIN links l USING (record_id)
        ),
        in_conflict AS (SELECT DISTINCT record_id FROM conflicts WHERE record_id IS NOT NULL
                        AND type NOT IN ('not_in_registry', 'uncertain_match'))
        SELECT f.source, f.file, f.rows_in AS rows_received,
               (SELECT count(*) FROM rejects r WHERE r.source = f.source AND r.file = f.file) AS rejected,
               count(l.record_id) FILTER (l.method = 'iin') AS matched_iin,
               count(l.record_id) FILTER (l.method = 'iin_repaired') AS iin_repaired,
               count(l.record_id) FILTER (l.method = 'probabilistic') AS matched_probabilistic,
               count(l.record_id) FILTER (l.method = 'decided') AS matched_decided,
               (SELECT count(*) FROM review v JOIN agency a USING (record_id)
                WHERE a.source = f.source AND a.file = f.file) AS for_review,
               count(l.record_id) FILTER (l.method = 'new') AS not_in_registry,
               count(l.record_id) FILTER (l.copies > 1 AND l.method <> 'new') AS duplicate_rows,
               count(DISTINCT l.person_id) FILTER (l.method <> 'new') AS distinct_residents,
               count(l.record_id) FILTER (l.record_id IN (SELECT record_id FROM in_conflict)) AS rows_in_conflict
        -- a row belongs to its kind and its file: two kinds given one file (the same bytes uploaded under
        -- two kinds are stored once) must not count each other's rows
        FROM source_files f LEFT JOIN linked l ON l.source = f.source AND l.file = f.file
        WHERE f.source <> 'registry'
        GROUP BY f.source, f.file, f.rows_in
        ORDER BY f.source
        """
    )


def districts(con: duckdb.DuckDBPyConnection) -> list[DistrictRow]:
    rows = con.execute(
        "SELECT rank, district, name, residents, state, contributor, lapsed, undetermined, actualisation "
        "FROM district_report ORDER BY rank"
    ).fetchall()
    return [DistrictRow(*r) for r in rows]
