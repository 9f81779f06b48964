"""Protocols linked to people, and who was caught again.

Inspectors write the offender's IIN, names and birth date by hand or from a document, so the same
person reaches the list as 060512650123 in June and 60512650123 (a numeric cell dropped the zero),
060512650132 (two digits swapped) or no IIN at all in July, under Жақсылық, Жаксылык or ZHAKSYLYK.
The rules are the engine's (``birtizim.engine.iin`` cleans, validates and repairs IINs,
``birtizim.engine.names`` folds every spelling to one key) and run set-based in DuckDB over all
protocols at once:

1. **iin**: the IIN, once cleaned (spaces, apostrophes, a trailing ".0", a dropped leading zero),
   is valid and its birth date agrees with the stated one (when one is stated);
2. **iin_repaired**: otherwise, a valid IIN one typing error away (one digit, or two neighbours
   swapped) that another protocol carries as a trusted IIN under the same names (folded surname
   and first name, in either order) and whose birth date agrees: a repair is trusted only when a
   name and a birth date confirm it;
3. **names_birth_date**: a protocol with no trusted IIN joins the one person who has its folded
   names and birth date (with or without a trusted IIN); if two different IINs share them (namesakes
   born on the same day), it is left alone rather than guessed;
4. **unlinked**: too little to go on (no trusted IIN and no names or birth date): the protocol is
   its own person.

A person is identified by ``person_key``: ``iin:<IIN>`` or ``nb:<names>|<birth date>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import duckdb
import pyarrow as pa

from birtizim.engine import iin as iin_rules
from birtizim.engine import names as name_rules
from birtizim.fares.model import Protocol

LinkMethod = Literal["iin", "iin_repaired", "names_birth_date", "unlinked"]


@dataclass(frozen=True, slots=True)
class ProtocolLink:
    number: str
    person_key: str
    method: LinkMethod
    iin: str | None  # the trusted IIN, if any


LINK_SQL = """
CREATE OR REPLACE TEMP TABLE fp_clean AS
SELECT number, birth_date AS stated_birth,
       (iin_clean(iin_raw)).iin AS iin12,
       name_pair_key(last_name, first_name) AS nk
FROM fp_input;

CREATE OR REPLACE TEMP TABLE fp_valid AS
SELECT *, iin12 IS NOT NULL AND iin_is_valid(iin12)
          AND (stated_birth IS NULL OR iin_birth_date(iin12) = stated_birth) AS trusted
FROM fp_clean;

-- valid IINs seen with their names: what a repair must land on
CREATE OR REPLACE TEMP TABLE fp_known AS
SELECT DISTINCT iin12 AS iin, nk FROM fp_valid WHERE trusted AND nk IS NOT NULL;

CREATE OR REPLACE TEMP TABLE fp_bad AS
SELECT row_number() OVER () AS id, number, iin12 AS iin, nk, stated_birth FROM fp_valid
WHERE NOT trusted AND iin12 IS NOT NULL;

CREATE OR REPLACE TEMP TABLE fp_repaired AS
SELECT b.number, min(k.iin) AS iin
FROM iin_repair_candidates(fp_bad) c
JOIN fp_bad b ON b.id = c.id
JOIN fp_known k ON k.iin = c.candidate AND k.nk = b.nk
WHERE b.stated_birth IS NULL OR iin_birth_date(c.candidate) = b.stated_birth
GROUP BY b.number HAVING count(DISTINCT k.iin) = 1;

CREATE OR REPLACE TEMP TABLE fp_step AS
SELECT v.number, v.nk,
       coalesce(v.stated_birth, CASE WHEN v.trusted THEN iin_birth_date(v.iin12) END,
                iin_birth_date(r.iin)) AS birth,
       CASE WHEN v.trusted THEN v.iin12 ELSE r.iin END AS iin,
       CASE WHEN v.trusted THEN 'iin' WHEN r.iin IS NOT NULL THEN 'iin_repaired' END AS method
FROM fp_valid v LEFT JOIN fp_repaired r USING (number);

-- trusted IINs per (names, birth date): exactly one lets an IIN-less protocol join that person
CREATE OR REPLACE TEMP TABLE fp_names AS
SELECT nk, birth, count(DISTINCT iin) AS iins, min(iin) AS iin
FROM fp_step WHERE nk IS NOT NULL AND birth IS NOT NULL GROUP BY nk, birth;

CREATE OR REPLACE TEMP TABLE fp_links AS
SELECT s.number,
       CASE WHEN s.iin IS NOT NULL THEN 'iin:' || s.iin
            WHEN n.iins = 1 THEN 'iin:' || n.iin
            WHEN n.iins = 0 THEN 'nb:' || s.nk || '|' || CAST(s.birth AS VARCHAR)
            ELSE 'p:' || s.number END AS person_key,
       CASE WHEN s.iin IS NOT NULL THEN s.method
            WHEN n.iins <= 1 THEN 'names_birth_date'
            ELSE 'unlinked' END AS method,
       CASE WHEN s.iin IS NOT NULL THEN s.iin WHEN n.iins = 1 THEN n.iin END AS iin
FROM fp_step s LEFT JOIN fp_names n ON s.iin IS NULL AND n.nk = s.nk AND n.birth = s.birth;
"""


def link_table(con: duckdb.DuckDBPyConnection, table: pa.Table) -> pa.Table:
    """Link protocols given as an Arrow table (number, iin_raw, last_name, first_name, birth_date DATE);
    returns (number, person_key, method, iin) in the input's order."""
    iin_rules.install_sql(con)
    name_rules.install_sql(con)
    con.register("fp_arrow", table)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fp_input AS SELECT row_number() OVER () AS pos, number, "
        "CAST(iin_raw AS VARCHAR) AS iin_raw, last_name, first_name, CAST(birth_date AS DATE) AS birth_date "
        "FROM fp_arrow"
    )
    if con.execute("SELECT count(*) - count(DISTINCT number) FROM fp_input").fetchone() != (0,):
        raise ValueError("two protocols carry the same number; link a list of distinct protocols")
    con.execute(LINK_SQL)
    result = con.execute(
        "SELECT l.number, l.person_key, l.method, l.iin FROM fp_links l JOIN fp_input i USING (number) ORDER BY i.pos"
    ).to_arrow_table()
    con.unregister("fp_arrow")
    return result


def protocols_table(protocols: Sequence[Protocol]) -> pa.Table:
    return pa.table(
        {
            "number": pa.array([p.number for p in protocols], pa.string()),
            "iin_raw": pa.array([p.iin for p in protocols], pa.string()),
            "last_name": pa.array([p.last_name for p in protocols], pa.string()),
            "first_name": pa.array([p.first_name for p in protocols], pa.string()),
            "birth_date": pa.array([p.birth_date for p in protocols], pa.date32()),
        }
    )


def link_protocols(protocols: Sequence[Protocol]) -> list[ProtocolLink]:
    """One link per protocol, in the order given."""
    con = duckdb.connect()
    try:
        table = link_table(con, protocols_table(protocols))
    finally:
        con.close()
    return [
        ProtocolLink(n, k, m, i)
        for n, k, m, i in zip(
            *(table.column(c).to_pylist() for c in ("number", "person_key", "method", "iin")), strict=True
        )
    ]


@dataclass(frozen=True, slots=True)
class Offender:
    person_key: str
    iin: str | None
    protocols: tuple[Protocol, ...]  # in time order

    @property
    def fines(self) -> int:
        return sum(p.fine for p in self.protocols if not p.cancelled)


def offenders(
    protocols: Sequence[Protocol],
    links: Sequence[ProtocolLink] | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Offender]:
    """Everyone with a protocol in [start, end] (either open), most protocols first; each with their history."""
    links = link_protocols(protocols) if links is None else links
    by_number = {p.number: p for p in protocols}
    people: dict[str, list[Protocol]] = {}
    iins: dict[str, str | None] = {}
    for link in links:
        p = by_number[link.number]
        day = p.offence_at.date()
        if (start and day < start) or (end and day > end):
            continue
        people.setdefault(link.person_key, []).append(p)
        iins[link.person_key] = iins.get(link.person_key) or link.iin
    out = [Offender(k, iins[k], tuple(sorted(v, key=lambda p: p.offence_at))) for k, v in people.items()]
    return sorted(out, key=lambda o: (-len(o.protocols), o.person_key))


def repeat_offenders(
    protocols: Sequence[Protocol],
    links: Sequence[ProtocolLink] | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    at_least: int = 2,
) -> list[Offender]:
    """People with at least ``at_least`` protocols in the period."""
    return [o for o in offenders(protocols, links, start=start, end=end) if len(o.protocols) >= at_least]
