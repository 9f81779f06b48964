"""Link every agency row to a resident of the population registry.

Steps, each set-based over all rows still unlinked:

1. ``iin``: the cleaned IIN is valid and belongs to a registry person whose name or birth date agrees
   (a valid IIN with nothing else in common is another person's number, typed by mistake);
2. ``iin_repaired``: an invalid IIN one typo away from a registry IIN, or the known leading digits of
   an IIN in scientific notation, confirmed by the folded surname and first name (and birth date where
   the list has one); only a single confirmed candidate is accepted;
3. ``probabilistic``: Splink over folded names, birth date, sex and district for the rest (see
   ``probabilistic.py``); matches in the review band go to the review list, not into the single list;
4. ``new``: rows that match nobody are kept as people not in the registry (rows awaiting review
   are linked to no one until a person decides).
"""

from __future__ import annotations

import duckdb

from birtizim.engine import probabilistic

# Splink match probabilities. Pairs from CANDIDATE up are a row's candidates. A row is linked when it
# has exactly one candidate and that candidate either scores ACCEPT or more, or agrees exactly on
# surname, first name and patronymic: lists without birth dates give names alone, which score low in
# absolute terms against a large registry (the prior is one in the registry's size), yet a full
# name that only one resident carries leaves no one else the row could be. Any other row whose best
# candidate scores REVIEW or more goes to the review list for a person to decide; the rest are new.
CANDIDATE = 0.01
REVIEW = 0.05
ACCEPT = 0.8


def build_persons(con: duckdb.DuckDBPyConnection) -> None:
    """The registry becomes ``persons``; registry rows without a valid or with a repeated IIN are rejects."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE registry_rows AS
        SELECT record_id, iin_valid,
               iin_valid AND row_number() OVER (PARTITION BY iin ORDER BY row_number) = 1 AS kept
        FROM records WHERE source = 'registry';

        INSERT INTO rejects
        SELECT r.source, r.file, r.row_number,
               CASE WHEN NOT k.iin_valid THEN 'registry row without a valid IIN'
                    ELSE 'IIN repeated in the registry (the first row is kept)' END
        FROM records r JOIN registry_rows k USING (record_id) WHERE NOT k.kept;

        CREATE OR REPLACE TABLE persons AS
        SELECT row_number AS person_id, record_id, iin, last_name, first_name, patronymic,
               surname_key, first_key, patronymic_key, pair_key, birth_date, sex, district,
               registry_status, status_date
        FROM records JOIN registry_rows USING (record_id) WHERE kept;

        DELETE FROM records WHERE record_id IN (SELECT record_id FROM registry_rows WHERE NOT kept);

        -- a view, not a copy: agency rows are a filter over records
        CREATE OR REPLACE VIEW agency AS SELECT * FROM records WHERE source <> 'registry';
        CREATE OR REPLACE TABLE links (record_id BIGINT, person_id BIGINT, method VARCHAR, match_probability DOUBLE);
        CREATE OR REPLACE TABLE review (record_id BIGINT, person_id BIGINT, match_probability DOUBLE);
        """
    )


_NAMES_AGREE = """(
    (a.surname_key = p.surname_key AND a.first_key = p.first_key)
    OR a.pair_key = p.pair_key
    OR (a.first_key = p.first_key AND jaro_winkler_similarity(a.surname_key, p.surname_key) >= 0.9)
    OR (a.surname_key = p.surname_key AND jaro_winkler_similarity(a.first_key, p.first_key) >= 0.9)
)"""


def link_exact(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        INSERT INTO links
        SELECT a.record_id, p.person_id, 'iin', 1.0
        FROM agency a JOIN persons p ON a.iin = p.iin
        WHERE a.iin_valid AND (
            a.surname_key = p.surname_key OR a.first_key = p.first_key OR a.pair_key = p.pair_key
            OR a.birth_date = p.birth_date OR {_NAMES_AGREE})
        """
    )


def link_repaired(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE damaged AS
        SELECT record_id AS id, iin FROM agency
        WHERE iin IS NOT NULL AND NOT iin_valid AND record_id NOT IN (SELECT record_id FROM links);

        CREATE OR REPLACE TEMP TABLE repair_confirmed AS
        SELECT c.id AS record_id, p.person_id
        FROM iin_repair_candidates(damaged) c
        JOIN persons p ON p.iin = c.candidate
        JOIN agency a ON a.record_id = c.id
        WHERE {_NAMES_AGREE} AND (a.birth_date IS NULL OR a.birth_date = p.birth_date)
        UNION ALL
        -- scientific notation: the resident's IIN lies in the range the surviving digits allow, and the
        -- names agree (equi-joins on a name key, then the range: a bare range join would compare every
        -- such row with every resident)
        SELECT a.record_id, p.person_id
        FROM agency a JOIN persons p ON p.surname_key = a.surname_key OR p.first_key = a.first_key
        WHERE a.iin_lo IS NOT NULL AND CAST(p.iin AS BIGINT) BETWEEN a.iin_lo AND a.iin_hi
          AND {_NAMES_AGREE} AND (a.birth_date IS NULL OR a.birth_date = p.birth_date)
          AND a.record_id NOT IN (SELECT record_id FROM links);

        INSERT INTO links
        SELECT record_id, any_value(person_id), 'iin_repaired', 1.0
        FROM repair_confirmed GROUP BY record_id HAVING count(DISTINCT person_id) = 1;
        """
    )


def link_probabilistic(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE unlinked AS
        SELECT * FROM agency
        WHERE record_id NOT IN (SELECT record_id FROM links) AND (surname_key IS NOT NULL OR first_key IS NOT NULL)
        """
    )
    n = con.execute("SELECT count(*) FROM unlinked").fetchone()
    if not n or n[0] == 0:
        return
    probabilistic.match(con, left="persons", right="unlinked", out="prob_matches", threshold=CANDIDATE)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE prob_best AS
        SELECT m.record_id, m.person_id, m.match_probability AS p,
               count(*) OVER (PARTITION BY m.record_id) AS candidates,
               coalesce(u.surname_key = ps.surname_key AND u.first_key = ps.first_key
                        AND u.patronymic_key = ps.patronymic_key, false) AS full_name_agrees
        FROM prob_matches m JOIN unlinked u USING (record_id) JOIN persons ps USING (person_id)
        QUALIFY row_number() OVER (PARTITION BY m.record_id ORDER BY m.match_probability DESC, m.person_id) = 1;

        INSERT INTO links
        SELECT record_id, person_id, 'probabilistic', p FROM prob_best
        WHERE candidates = 1 AND (p >= {ACCEPT} OR full_name_agrees);
        INSERT INTO review
        SELECT record_id, person_id, p FROM prob_best
        WHERE NOT (candidates = 1 AND (p >= {ACCEPT} OR full_name_agrees)) AND p >= {REVIEW};
        """
    )


def link_new(con: duckdb.DuckDBPyConnection) -> None:
    """Rows that match nobody: one new person per distinct valid IIN, or per row without one.
    Rows awaiting review are linked to no one until a person decides."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE orphans AS
        SELECT * FROM agency
        WHERE record_id NOT IN (SELECT record_id FROM links) AND record_id NOT IN (SELECT record_id FROM review);

        CREATE OR REPLACE TABLE new_persons AS
        SELECT (SELECT coalesce(max(person_id), 0) FROM persons) + row_number() OVER (ORDER BY k) AS person_id, k
        FROM (SELECT DISTINCT CASE WHEN iin_valid THEN 'iin:' || iin ELSE 'row:' || record_id END AS k FROM orphans);

        INSERT INTO links
        SELECT o.record_id, n.person_id, 'new', NULL
        FROM orphans o JOIN new_persons n
          ON n.k = CASE WHEN o.iin_valid THEN 'iin:' || o.iin ELSE 'row:' || o.record_id END;
        """
    )


def link_all(con: duckdb.DuckDBPyConnection) -> None:
    build_persons(con)
    link_exact(con)
    link_repaired(con)
    link_probabilistic(con)
    link_new(con)
