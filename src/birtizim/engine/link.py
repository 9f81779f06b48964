"""Link every agency row to a resident of the population registry.

Steps, each set-based over all rows still unlinked:

1. ``iin``: the cleaned IIN is valid and belongs to a registry person whose names agree and whose
   patronymic, sex and birth date do not contradict the row's. Such rows need no scoring. A row whose
   IIN is a resident's but whose names or birth date disagree is *disputed*: the IIN is strong
   evidence, not the truth;
2. ``iin_repaired``: an invalid IIN one typo away from a registry IIN, or an IIN in scientific
   notation whose range of possible IINs holds a registry IIN, confirmed by the folded surname and
   first name (and birth date where the list has one); only a single confirmed candidate is accepted;
3. ``probabilistic``: Splink over folded names, birth date, sex and district for the rest, disputed
   rows included (see ``probabilistic.py``). A disputed row's IIN holder is weighed against the
   other candidates by ``weigh_iin_holders``. Matches in the review band go to the review list;
4. ``new``: rows that match nobody are kept as people not in the registry. Rows awaiting review are
   linked to no one until a person decides, and a row carrying a resident's IIN is never "new".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from birtizim.engine import decisions, identity, probabilistic

# Splink match probabilities. Pairs from CANDIDATE up are a row's candidates (a row with neither patronymic
# nor birth date keeps every resident of its names: ``probabilistic.THIN_ROUTE``). At most one resident is
# the row's person, so each candidate's odds are weighed against the other candidates' and against
# "someone not in the registry": a row is linked when its best candidate's share reaches ACCEPT, or
# when it has exactly one candidate that agrees exactly on surname, first name and patronymic: lists
# without birth dates give names alone, which score low in absolute terms against a large registry
# (the prior is one in the registry's size), yet a full name that only one resident carries leaves
# no one else the row could be. Any other row whose best candidate scores REVIEW or more, or holds a
# share of REVIEW or more among the candidates (a row of names alone among many namesakes scores low
# against a large registry, yet is surely one of them), goes to the review list for a person to decide;
# the rest are new.
CANDIDATE = 0.01
REVIEW = 0.05
ACCEPT = 0.8
# The share of rows carrying another resident's IIN is estimated from the run itself (``_epsilon``),
# kept within these bounds: never so low that an IIN outweighs any name, never above one row in five.
EPSILON_BOUNDS = (0.001, 0.2)
EPSILON_START = 0.01
# Odds that a complete row's person is none of its candidates: not in the registry (outsiders are a
# fraction of a percent of agency rows) or a resident the blocking routes did not bring in (the m
# probability left below the candidate threshold, a few percent). The candidates' odds are weighed
# against it and each other: a full name only one resident carries is a link, two carrying it are not.
NONE_ODDS = 0.05
# ... and when a candidate carries the row's full name exactly: the row's person is one of the residents
# who carry it, unless the row is an outsider's (a fraction of a percent of agency rows), so among
# namesakes what the list itself says (who it already holds, who is of its age) decides.
OUTSIDER_ODDS = 0.005
# Share of relatives whose wrong IIN a clerk copies who live in the same district as the row's person.
RELATIVE_NEARBY = 0.8
# The least share of an age band and sex a list is taken to hold (a data error can list anyone).
LIST_SHARE_FLOOR = 0.0005
# A cell of residents (age band, sex, registry status, other lists) counts this many residents' worth of
# its age band and sex's share beside its own: a cell of a handful of residents says little on its own.
CELL_SHRINK = 20
# The least share of a list's rows a clerk writes without the resident's patronymic, or with one the
# resident does not have (every kind of slip happens now and then).
ABSENCE_FLOOR = 0.001
# Share of a person's rows whose name endings tell the other sex (a clerk's slip in -ов/-ова, -ович/-овна).
SEX_WRITTEN_WRONG = 0.01
FIRST_NAME_SAMPLE = 50_000  # random pairs of residents for the first name's agreement by chance
INITIAL_RIGHT = 0.98  # share of first names written as an initial whose letter is the person's own


@dataclass
class Linking:
    """What linking did, for the run's record."""

    review: int = 0  # rows in the review band: awaiting a person's decision
    disputed_iins: int = 0  # rows whose IIN is a resident's whose names or birth date disagree
    iin_holders_kept: int = 0
    linked_to_another_resident: int = 0  # disputed rows linked by names to someone else
    wrong_iin_share: float | None = None  # the estimated share of rows carrying another resident's IIN
    training: dict[str, Any] = field(default_factory=dict)


def build_persons(con: duckdb.DuckDBPyConnection) -> None:
    """The registry becomes ``persons``; registry rows without a valid or with a repeated IIN are rejects."""
    # Addresses are compared as text, keyed once per distinct address, and only when a list has them.
    listed_addresses = con.execute(
        "SELECT 1 FROM records WHERE source <> 'registry' AND address IS NOT NULL LIMIT 1"
    ).fetchone()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE address_keys AS SELECT address, name_address_key(address) AS address_key "
        "FROM (SELECT DISTINCT address FROM records WHERE address IS NOT NULL)"
        + ("" if listed_addresses else " LIMIT 0")
    )
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

        CREATE OR REPLACE TEMP TABLE registry_keys AS
        SELECT 'iin:' || iin AS key FROM records JOIN registry_rows USING (record_id) WHERE kept;
        """
    )
    # A resident's person_id is the stable id of their IIN (identity.py), not their row in this file.
    identity.ensure(con)
    identity.assign(con, "registry_keys")
    con.execute(
        """
        CREATE OR REPLACE TABLE persons AS
        -- (a resident's own IIN is a range of one, for the comparison with a scientific-notation range)
        SELECT i.person_id, record_id, iin, CAST(iin AS BIGINT) AS iin_n, left(iin, 6) AS iin_head,
               CAST(iin AS BIGINT) AS iin_lo, CAST(iin AS BIGINT) AS iin_hi,
               last_name, first_name, patronymic,
               surname_key, first_key, patronymic_key, pair_key, birth_date, sex, district, k.address_key,
               registry_status, status_date, records.address, records.phone
        FROM records JOIN registry_rows USING (record_id) LEFT JOIN address_keys k USING (address)
        JOIN identities i ON i.key = 'iin:' || records.iin
        WHERE kept;

        DELETE FROM records WHERE record_id IN (SELECT record_id FROM registry_rows WHERE NOT kept);

        -- a view, not a copy: agency rows are a filter over records. iin_head: the birth-date digits
        -- of an IIN the row carries, valid or not, or that every IIN of its scientific range shares.
        CREATE OR REPLACE VIEW agency AS
        SELECT records.*, k.address_key,
               CASE WHEN iin IS NOT NULL THEN left(iin, 6)
                    WHEN iin_lo // 1000000 = iin_hi // 1000000
                        THEN left(lpad(CAST(iin_lo AS VARCHAR), 12, '0'), 6) END AS iin_head
        FROM records LEFT JOIN address_keys k USING (address) WHERE source <> 'registry';
        CREATE OR REPLACE TABLE links (record_id BIGINT, person_id BIGINT, method VARCHAR, match_probability DOUBLE);
        CREATE OR REPLACE TABLE review (record_id BIGINT, person_id BIGINT, match_probability DOUBLE, reason VARCHAR);
        -- a disputed row kept with its holder although its first name or birth date speak against it
        CREATE OR REPLACE TABLE iin_doubtful (record_id BIGINT);
        -- a disputed row linked by names to a resident other than its IIN's holder
        CREATE OR REPLACE TABLE iin_elsewhere (record_id BIGINT, holder BIGINT);
        -- every candidate pair the model scored, with its share among the row's candidates (for the review
        -- band's page and for rows whose candidate people rejected: decisions.py)
        CREATE OR REPLACE TABLE candidate_pool (record_id BIGINT, person_id BIGINT, share DOUBLE,
                                                match_probability DOUBLE);
        """
    )
    # The key of an agency row across runs (decisions name rows by it; people outside the registry too).
    decisions.fingerprint_rows(con)


# Names that agree: both keys, swapped, one exact and the other close, or the surname and a first name
# written as its initial.
_NAMES_AGREE = """(
    (a.surname_key = p.surname_key AND a.first_key = p.first_key)
    OR a.pair_key = p.pair_key
    OR (a.first_key = p.first_key AND jaro_winkler_similarity(a.surname_key, p.surname_key) >= 0.9)
    OR (a.surname_key = p.surname_key AND jaro_winkler_similarity(a.first_key, p.first_key) >= 0.9)
    OR (a.surname_key = p.surname_key AND name_initial_fits(a.first_key, p.first_key))
)"""
# Names equal: both keys, or both swapped. Only these, with patronymic and birth date not contradicting,
# take a resident's IIN without scoring; a close first name or an initial fits a relative as well.
_NAMES_EQUAL = """(
    (a.surname_key = p.surname_key AND a.first_key = p.first_key) OR a.pair_key = p.pair_key
)"""


# Sex, from the list's column or the endings of the row's names (``names.name_sex``): lists without a
# sex column still say -ов or -ова, -ович or -қызы, and a relative's IIN is often the other sex's.
def _row_sex(alias: str = "") -> str:
    a = f"{alias}." if alias else ""
    return f"coalesce({a}sex, name_sex({a}last_name, {a}patronymic))"


# A row complete enough that the blocking routes would bring in its person if the person is a resident:
# a surname and a first name that is not an initial. For such a row "someone the candidates do not
# include" has odds NONE_ODDS; for a thinner row, even odds.
_COMPLETE = """coalesce({a}.surname_key IS NOT NULL AND length({a}.first_key) > 2, false)"""
_BIRTH_DATE_FITS = "(a.birth_date IS NULL OR a.birth_date = p.birth_date)"
# A patronymic that does not contradict: absent on either side, equal, close, or an initial that fits.
_PATRONYMIC_FITS = """(
    a.patronymic_key IS NULL OR p.patronymic_key IS NULL OR a.patronymic_key = p.patronymic_key
    OR jaro_winkler_similarity(a.patronymic_key, p.patronymic_key) >= 0.9
    OR name_initial_fits(a.patronymic_key, p.patronymic_key)
)"""


def link_exact(con: duckdb.DuckDBPyConnection) -> None:
    """Rows whose IIN is a resident's and whose names and birth date agree with that resident are linked;
    the others with a resident's IIN are kept in ``iin_disputed`` for the model to weigh."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE iin_holders AS
        SELECT a.record_id, p.person_id,
               coalesce({_NAMES_EQUAL} AND {_PATRONYMIC_FITS} AND {_BIRTH_DATE_FITS}, false) AS agrees
        FROM agency a JOIN persons p ON a.iin = p.iin
        WHERE a.iin_valid;

        INSERT INTO links SELECT record_id, person_id, 'iin', 1.0 FROM iin_holders WHERE agrees;
        -- the disputed few: whether their names agree at all (close, swapped, an initial) is kept
        CREATE OR REPLACE TEMP TABLE iin_disputed AS
        SELECT h.record_id, h.person_id AS holder, coalesce({_NAMES_AGREE}, false) AS names_agree
        FROM iin_holders h JOIN agency a USING (record_id) JOIN persons p USING (person_id)
        WHERE NOT h.agrees;
        """
    )


def link_repaired(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE damaged AS
        SELECT record_id AS id, iin FROM agency
        WHERE iin IS NOT NULL AND NOT iin_valid AND record_id NOT IN (SELECT record_id FROM links);

        CREATE OR REPLACE TEMP TABLE scientific AS
        SELECT * FROM agency WHERE iin_lo IS NOT NULL AND record_id NOT IN (SELECT record_id FROM links);

        CREATE OR REPLACE TEMP TABLE repair_confirmed AS
        SELECT c.id AS record_id, p.person_id
        FROM iin_repair_candidates(damaged) c
        JOIN persons p ON p.iin = c.candidate
        JOIN agency a ON a.record_id = c.id
        WHERE {_NAMES_AGREE} AND {_BIRTH_DATE_FITS}
        UNION ALL
        -- scientific notation: the resident's IIN lies in the range the surviving digits allow, and the
        -- names agree (equi-joins on each name key, then the range: a range or OR join would compare
        -- every such row with every resident)
        SELECT a.record_id, p.person_id
        FROM scientific a JOIN persons p ON p.surname_key = a.surname_key
        WHERE p.iin_n BETWEEN a.iin_lo AND a.iin_hi AND {_NAMES_AGREE} AND {_BIRTH_DATE_FITS}
        UNION ALL
        SELECT a.record_id, p.person_id
        FROM scientific a JOIN persons p ON p.first_key = a.first_key
        WHERE p.iin_n BETWEEN a.iin_lo AND a.iin_hi AND {_NAMES_AGREE} AND {_BIRTH_DATE_FITS}
        UNION ALL
        SELECT a.record_id, p.person_id
        FROM scientific a JOIN persons p ON p.pair_key = a.pair_key
        WHERE p.iin_n BETWEEN a.iin_lo AND a.iin_hi AND {_BIRTH_DATE_FITS};

        INSERT INTO links
        SELECT record_id, any_value(person_id), 'iin_repaired', 1.0
        FROM repair_confirmed GROUP BY record_id HAVING count(DISTINCT person_id) = 1;
        -- (a range that holds several residents of that name goes on to the model, which weighs the
        -- range with the patronymic, birth date and district)
        """
    )


def link_probabilistic(con: duckdb.DuckDBPyConnection, linking: Linking, as_of: dt.date | None = None) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE unlinked AS
        SELECT * FROM agency
        WHERE record_id NOT IN (SELECT record_id FROM links) AND record_id NOT IN (SELECT record_id FROM review)
          AND (surname_key IS NOT NULL OR first_key IS NOT NULL)
        """
    )
    n = con.execute("SELECT count(*) FROM unlinked").fetchone()
    if not n or n[0] == 0:
        return
    columns = probabilistic.COLUMNS
    # A disputed row's IIN is a resident's: it is weighed in its own pass (weigh_iin_holders), and the
    # other candidates are found and scored without it (a "different IIN" would count the same
    # evidence twice).
    disputed_columns = columns.replace("iin, iin_head,", "NULL AS iin, NULL AS iin_head,")
    linked = f"SELECT record_id AS unique_id, {columns} FROM agency WHERE record_id IN (SELECT record_id FROM links)"
    linked_sample = probabilistic.sample_sql(linked, "unique_id", probabilistic.TRAINING_SAMPLE)
    con.execute(
        f"""
        -- a view: the registry side is every resident, and a copy of two million rows cost 0.6 s
        CREATE OR REPLACE VIEW splink_left AS
        SELECT person_id AS unique_id, {columns}
        FROM persons;
        CREATE OR REPLACE TABLE splink_right AS
        SELECT record_id AS unique_id, {columns} FROM unlinked
        WHERE record_id NOT IN (SELECT record_id FROM iin_disputed)
        UNION ALL
        SELECT record_id AS unique_id, {disputed_columns} FROM unlinked
        WHERE record_id IN (SELECT record_id FROM iin_disputed);
        -- training sees the rows to match and a sample of the rows already linked (not as labels)
        CREATE OR REPLACE TABLE splink_train AS
        SELECT * FROM splink_right
        UNION ALL
        SELECT * FROM ({linked_sample});
        """
    )
    probabilistic.quiet()
    n_left = con.execute("SELECT count(*) FROM splink_left").fetchone()
    prior = 1 / max(int(n_left[0]) if n_left else 1, 1)
    shape = probabilistic.shape_of(con, "splink_left", "splink_train")
    model, training = probabilistic.train(con, left="splink_left", right="splink_train", shape=shape, prior=prior)
    linking.training = asdict(training)
    routes = probabilistic.affordable_routes(con, left="splink_left", right="splink_right", shape=shape)
    linking.training["extra_routes"] = [" + ".join(k.replace("{t}.", "") for k in r.keys) for r in routes]
    model = probabilistic.with_routes(model, routes)
    probabilistic.predict(con, model, left="splink_left", right="splink_right", out="prob_matches", threshold=CANDIDATE)
    # rows with neither a patronymic nor a birth date keep every namesake, whatever its score: the list's
    # own evidence (_list_prior) weighs them, and a row whose namesakes all fell below CANDIDATE was "new"
    if probabilistic.thin_pairs(con, left="splink_left", right="splink_right"):
        probabilistic.predict(
            con, model, left="splink_left", right="splink_right", out="thin_matches", threshold=None, only_thin=True
        )
        con.execute(
            """
            INSERT INTO prob_matches BY NAME
            SELECT * FROM thin_matches t
            WHERE NOT EXISTS (SELECT 1 FROM prob_matches m
                              WHERE m.record_id = t.record_id AND m.person_id = t.person_id);
            DROP TABLE thin_matches;
            """
        )
    # each disputed row with its holder, whatever the score
    con.execute(
        f"""
        CREATE OR REPLACE VIEW splink_left AS
        SELECT person_id AS unique_id, {columns}
        FROM persons WHERE person_id IN (SELECT holder FROM iin_disputed);
        CREATE OR REPLACE TABLE splink_right AS
        SELECT record_id AS unique_id, {columns} FROM unlinked
        WHERE record_id IN (SELECT record_id FROM iin_disputed);
        """
    )
    probabilistic.predict(
        con,
        model,
        left="splink_left",
        right="splink_right",
        out="holder_matches",
        threshold=None,
        only_by_iin=True,
    )
    con.execute("DROP VIEW splink_left; DROP TABLE splink_right; DROP TABLE splink_train")

    _list_prior(con, as_of)
    weigh_iin_holders(con, model, prior, linking)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE prob_shares AS
        WITH scored AS (
            SELECT m.record_id, m.person_id, m.match_probability AS p, lp.bits,
                   m.match_probability / greatest(1 - m.match_probability, 1e-12) * pow(2, lp.bits) AS odds,
                   coalesce(u.surname_key = c.surname_key AND u.first_key = c.first_key AND length(u.first_key) > 2
                            AND (u.patronymic_key IS NULL OR u.patronymic_key = c.patronymic_key), false) AS full_name
            FROM prob_matches m JOIN list_prior lp USING (record_id, person_id)
            JOIN unlinked u USING (record_id) JOIN persons c USING (person_id)
            WHERE m.record_id NOT IN (SELECT record_id FROM iin_disputed)
        )
        SELECT s.record_id, s.person_id, s.p, s.odds, s.bits,
               -- at most one resident is the row's person: each candidate's odds against the others'
               -- and against someone the candidates do not include (NONE_ODDS)
               s.odds / (CASE WHEN bool_or(s.full_name) OVER (PARTITION BY s.record_id) THEN {OUTSIDER_ODDS}
                              WHEN {_COMPLETE.format(a="u")} THEN {NONE_ODDS} ELSE 1 END
                         + sum(s.odds) OVER (PARTITION BY s.record_id)) AS posterior,
               count(*) OVER (PARTITION BY s.record_id) AS candidates,
               -- (a list that cannot hold the resident takes the full name's word no more)
               coalesce(u.surname_key = ps.surname_key AND u.first_key = ps.first_key
                        AND u.patronymic_key = ps.patronymic_key AND s.bits >= 0, false) AS full_name_agrees
        FROM scored s JOIN unlinked u USING (record_id) JOIN persons ps USING (person_id);
        CREATE OR REPLACE TEMP TABLE prob_best AS
        SELECT * FROM prob_shares
        QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY odds DESC, person_id) = 1;

        INSERT INTO links
        SELECT record_id, person_id, 'probabilistic', p FROM prob_best
        WHERE posterior >= {ACCEPT} OR (candidates = 1 AND full_name_agrees);
        INSERT INTO review
        SELECT record_id, person_id, p, 'uncertain' FROM prob_best
        WHERE NOT (posterior >= {ACCEPT} OR (candidates = 1 AND full_name_agrees))
          AND (p >= {REVIEW} OR posterior >= {REVIEW});
        """
    )
    _keep_candidates(con)


def _keep_candidates(con: duckdb.DuckDBPyConnection) -> None:
    """``candidate_pool``: every scored pair with its share among the row's candidates, Splink's match
    probability, each comparison's level and weight (``gamma_*``, ``mw_*``) and what the list says
    (``mw_list``). Disputed rows give their holder (scored with the IIN) and the others (without it),
    with the posterior of ``weigh_iin_holders`` as the share."""
    kept = "m.* EXCLUDE (record_id, person_id, evidence)"
    parts = [
        f"""SELECT s.record_id, s.person_id, s.posterior AS share, {kept}, s.bits AS mw_list
            FROM prob_shares s JOIN prob_matches m USING (record_id, person_id)"""
    ]
    if decisions.table_exists(con, "holder_posterior"):
        parts += [
            f"""SELECT h.record_id, h.person_id, h.p AS share, {kept}, lp.bits AS mw_list
                FROM holder_posterior h LEFT JOIN holder_matches m USING (record_id, person_id)
                LEFT JOIN list_prior lp USING (record_id, person_id) WHERE h.is_holder""",
            f"""SELECT h.record_id, h.person_id, h.p AS share, {kept}, lp.bits AS mw_list
                FROM holder_posterior h JOIN prob_matches m USING (record_id, person_id)
                LEFT JOIN list_prior lp USING (record_id, person_id)
                WHERE NOT h.is_holder AND h.person_id IS NOT NULL""",
        ]
    con.execute("CREATE OR REPLACE TABLE candidate_pool AS " + " UNION ALL BY NAME ".join(parts))


def weigh_iin_holders(con: duckdb.DuckDBPyConnection, model: dict[str, Any], prior: float, linking: Linking) -> None:
    """Decide each disputed row: the resident whose IIN it carries (the holder h), another resident o
    the names and birth date point to, or the review list.

    The explanations compete in one posterior, with the model's own weights of evidence W (bits from
    every comparison but the IIN, ``probabilistic.predict``) and ε, the share of rows that carry
    another resident's IIN:

    - the row is h: prior 1 - ε, evidence W_h;
    - the row is a candidate o and the IIN is wrong: prior ε times the chance that the wrong IIN is
      h's. A wrong IIN is most often a relative's, so when o has h's surname that chance is one in
      the K_o residents with that surname, and the evidence h shares with o's family (surname,
      patronymic, district: F_h) is expected rather than a coincidence; otherwise it is one in the
      registry's N. Score: log2(ε/K_o) + F_h + W_o, or log2(ε/N) + W_o;
    - the row is someone else the model did not find: prior ε, family evidence expected: log2 ε + F_h.

    F_h is the part of W_h a relative would share: patronymic and district agreement, and in the name
    comparison everything but what the first name says (its m probability against the chance that
    two residents' first names agree that well, measured on random pairs of residents; a first name
    written as an initial says only whether its letter fits). ε is estimated from the run: the
    expected share of rows with a resident's IIN that are not the holder's, iterated to its fixed
    point. A row is linked to the explanation with posterior ≥ ACCEPT: the holder (method ``iin``) or
    another resident (``probabilistic``, and ``status`` flags the IIN as another resident's);
    anything else goes to the review list with its most likely resident, never to "not in the registry".
    """
    disputed = con.execute("SELECT count(*) FROM iin_disputed").fetchone()
    linking.disputed_iins = int(disputed[0]) if disputed else 0
    if not linking.disputed_iins:
        return
    has = {c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE holder_matches)").fetchall()}
    first_u = _first_name_agreement_by_chance(con)
    m_name = probabilistic.level_m(model, "name")
    # gamma of the name comparison: 5 both exact, 4 swapped, 3 one exact and the other close,
    # 2 surname and initial, 1 one of the two, 0 else; with the surname equal they say what the first
    # name does: equal, close, an initial, or different.
    p_rel = {5: first_u["exact"], 3: first_u["close"], 2: first_u["initial"]}
    p_rel[1] = max(1 - sum(p_rel.values()), 1e-6)
    first_bits = " ".join(
        f"WHEN {g} THEN {math.log2(max(m_name.get(g, 1e-6), 1e-6) / p)}" for g, p in p_rel.items() if g in m_name
    )
    initial_fits = math.log2(INITIAL_RIGHT / first_u["letter"])
    initial_wrong = math.log2((1 - INITIAL_RIGHT) / (1 - first_u["letter"]))
    family = " + ".join(f"greatest(coalesce(m.{c}, 0), 0)" for c in ("mw_patronymic_key", "mw_district") if c in has)
    # The sex a row's name endings tell, against the resident's: the model compares sex only where a list
    # has a sex column; elsewhere a mismatch (a relative of the other sex) still counts, a match does
    # not (the first name already says it).
    sex_penalty = (
        "0"
        if "mw_sex" in has
        else f"CASE WHEN {{p}}.sex <> {_row_sex('a')} THEN {math.log2(SEX_WRITTEN_WRONG / 0.5)} ELSE 0 END"
    )
    n_persons = con.execute("SELECT count(*) FROM persons").fetchone()
    log_n = math.log2(max(int(n_persons[0]) if n_persons else 1, 1))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE surname_counts AS
        SELECT surname_key, count(*) AS k FROM persons WHERE surname_key IS NOT NULL GROUP BY ALL;
        CREATE OR REPLACE TEMP TABLE surname_district_counts AS
        SELECT surname_key, district, count(*) AS k FROM persons
        WHERE surname_key IS NOT NULL AND district IS NOT NULL GROUP BY ALL;

        -- W_h and F_h (a holder the model cannot score at all has W_h = -1000 bits)
        CREATE OR REPLACE TEMP TABLE holder_evidence AS
        SELECT d.record_id, d.holder, p.surname_key AS holder_surname, p.district AS holder_district,
               {_COMPLETE.format(a="a")} AS complete,
               coalesce(m.evidence, -1000) + {sex_penalty.format(p="p")} + coalesce(lp.bits, 0) AS w,
               CASE WHEN a.surname_key = p.surname_key AND m.record_id IS NOT NULL THEN
                   {family or "0"} + coalesce(m.mw_name, 0)
                   - CASE WHEN length(a.first_key) <= 2
                          THEN CASE WHEN name_initial_fits(a.first_key, p.first_key) THEN {initial_fits}
                                    ELSE {initial_wrong} END
                          ELSE CASE m.gamma_name {first_bits or "WHEN -99 THEN 0"} ELSE coalesce(m.mw_name, 0) END
                     END
               ELSE 0 END AS family
        FROM iin_disputed d JOIN agency a USING (record_id) JOIN persons p ON p.person_id = d.holder
        LEFT JOIN holder_matches m ON m.record_id = d.record_id AND m.person_id = d.holder
        LEFT JOIN list_prior lp ON lp.record_id = d.record_id AND lp.person_id = d.holder;

        -- the other candidates: W_o, and when they share the holder's surname, -log2 of the chance that
        -- a relative's wrong IIN is the holder's: one of the K residents with that surname, most often
        -- one in the same district (relatives live near each other)
        CREATE OR REPLACE TEMP TABLE holder_rivals AS
        SELECT h.record_id, m.person_id, m.evidence + {sex_penalty.format(p="p")} + coalesce(lp.bits, 0) AS w,
               CASE WHEN p.surname_key IS DISTINCT FROM h.holder_surname THEN NULL
                    WHEN p.district IS NULL OR h.holder_district IS NULL THEN log2(c.k)
                    WHEN p.district = h.holder_district THEN log2(cd.k) - {math.log2(RELATIVE_NEARBY)}
                    ELSE log2(greatest(c.k - coalesce(cd.k, 0), 1)) - {math.log2(1 - RELATIVE_NEARBY)} END AS log_k
        FROM holder_evidence h JOIN prob_matches m USING (record_id) JOIN agency a USING (record_id)
        JOIN persons p ON p.person_id = m.person_id LEFT JOIN surname_counts c ON c.surname_key = p.surname_key
        LEFT JOIN surname_district_counts cd ON cd.surname_key = p.surname_key AND cd.district = h.holder_district
        LEFT JOIN list_prior lp ON lp.record_id = h.record_id AND lp.person_id = m.person_id
        WHERE m.person_id <> h.holder;
        """
    )
    resident_iins = con.execute("SELECT count(*) FROM iin_holders").fetchone()
    epsilon = _epsilon(con, int(resident_iins[0]) if resident_iins else 0, log_n)
    linking.wrong_iin_share = round(epsilon, 5)
    _posteriors(con, epsilon, log_n)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE holder_decision AS
        -- namesakes with the same evidence tie: the smaller id, so that every run picks the same one
        SELECT record_id, first(person_id ORDER BY p DESC, person_id) AS person_id, max(p) AS p,
               first(is_holder ORDER BY p DESC, person_id) AS is_holder, any_value(holder) AS holder
        FROM holder_posterior WHERE person_id IS NOT NULL GROUP BY record_id;
        INSERT INTO iin_doubtful
        SELECT record_id FROM holder_decision JOIN holder_evidence USING (record_id)
        JOIN iin_disputed h ON h.record_id = holder_decision.record_id
        WHERE p >= {ACCEPT} AND is_holder AND (w - family < 0 OR NOT h.names_agree);

        INSERT INTO links
        SELECT record_id, person_id, CASE WHEN is_holder THEN 'iin' ELSE 'probabilistic' END, p
        FROM holder_decision WHERE p >= {ACCEPT};
        INSERT INTO iin_elsewhere SELECT record_id, holder FROM holder_decision WHERE p >= {ACCEPT} AND NOT is_holder;
        INSERT INTO review
        SELECT record_id, person_id, p, 'iin_disputed' FROM holder_decision WHERE p < {ACCEPT};
        """
    )
    counts = con.execute(
        "SELECT count(*) FILTER (p >= ? AND is_holder), count(*) FILTER (p >= ? AND NOT is_holder) "
        "FROM holder_decision",
        [ACCEPT, ACCEPT],
    ).fetchone()
    linking.iin_holders_kept, linking.linked_to_another_resident = (
        (int(counts[0]), int(counts[1])) if counts else (0, 0)
    )


def _posteriors(con: duckdb.DuckDBPyConnection, epsilon: float, log_n: float) -> None:
    """``holder_posterior(record_id, person_id, is_holder, holder, p)``: each explanation of each
    disputed row with its posterior (person_id is null for "someone the model did not find")."""
    e = math.log2(epsilon)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE holder_posterior AS
        WITH scores AS (
            SELECT record_id, holder AS person_id, true AS is_holder, holder, {math.log2(1 - epsilon)} + w AS s
            FROM holder_evidence
            UNION ALL
            SELECT record_id, NULL, false, holder, {e} + CASE WHEN complete THEN {math.log2(NONE_ODDS)} ELSE 0 END
                   + family
            FROM holder_evidence
            UNION ALL
            SELECT r.record_id, r.person_id, false, h.holder,
                   CASE WHEN r.log_k IS NOT NULL THEN {e} - r.log_k + h.family + r.w ELSE {e} - {log_n} + r.w END
            FROM holder_rivals r JOIN holder_evidence h USING (record_id)
        ),
        scaled AS (SELECT *, pow(2, s - max(s) OVER (PARTITION BY record_id)) AS odds FROM scores)
        SELECT record_id, person_id, is_holder, holder, odds / sum(odds) OVER (PARTITION BY record_id) AS p
        FROM scaled
        """
    )


def _list_prior(con: duckdb.DuckDBPyConnection, as_of: dt.date | None) -> None:
    """``list_prior(record_id, person_id, bits)`` for every candidate pair: what the list itself says
    about who its row could be, measured on the rows already linked by IIN.

    A list holds some residents and not others: the State Revenue's contributors are of working age,
    the childcare list mostly women of 20 to 42, and a resident the pension or unemployment list holds,
    or whom the registry says died or emigrated, is seldom a contributor. Residents fall into cells by
    age band (five years), sex, registry status and the other lists that hold them; for each list and
    cell, r is the share of the cell's residents the list holds. A cell of few residents leans on its
    age band and sex (``CELL_SHRINK`` residents' worth of that share). u is the share of the list's rows
    the IIN did not link, d the share of its linked rows that repeat a person. A candidate the list
    already holds is this row's person only if the row is a duplicate (d); one it does not hold, if
    the list holds the candidate under a row the IIN did not link: r·u / (1 − r·(1 − u)). The bits are
    that chance against its mean over all residents (the model's prior is one in the registry's
    size): of two namesakes without a birth date, the one of the list's age and sex, in no list that
    rarely goes with it, and not yet in it, is the likelier.

    A missing patronymic says something too, which the model's comparison (null when either side is)
    does not weigh: a list that writes patronymics leaves one out mostly when the resident has none. s,
    the share of a list's linked rows without a patronymic, is measured for residents with and without
    one; a row without a patronymic weighs s over its mean for each candidate, a row with one 1 − s (a
    list that never writes patronymics says nothing: s is 1 for everyone).
    """
    age = f"date_diff('day', birth_date, DATE '{as_of}') / 365.25" if as_of is not None else "0"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE listed AS
        SELECT DISTINCT a.source, l.person_id FROM links l JOIN agency a USING (record_id);
        -- each resident's cell, with every list that holds them (one list's own membership is taken out
        -- below: whether a list holds a resident is what its share measures, not part of the cell)
        CREATE OR REPLACE TEMP TABLE person_band AS
        SELECT p.person_id, coalesce(p.sex, '?') AS sex,
               CAST(least(greatest(floor({age} / 5), 0), 19) AS INTEGER) AS band,
               coalesce(p.registry_status, '?') AS status,
               coalesce(list_sort(list(x.source) FILTER (x.source IS NOT NULL)), []) AS lists
        FROM persons p LEFT JOIN listed x USING (person_id) GROUP BY p.person_id, p.sex, band, p.registry_status;
        CREATE OR REPLACE TEMP TABLE list_stats AS
        SELECT a.source,
               greatest(1 - count(l.record_id) / count(*), 0.001) AS u,
               greatest(1 - count(DISTINCT l.person_id) / greatest(count(l.record_id), 1), 0.001) AS d
        FROM agency a LEFT JOIN links l USING (record_id) GROUP BY a.source;
        CREATE OR REPLACE TEMP TABLE cell_counts AS
        WITH cells AS (SELECT band, sex, status, lists, count(*) AS n FROM person_band GROUP BY ALL)
        SELECT t.source, c.band, c.sex, c.status,
               array_to_string(list_filter(c.lists, x -> x <> t.source), ',') AS others,
               sum(c.n) AS residents, sum(CASE WHEN list_contains(c.lists, t.source) THEN c.n ELSE 0 END) AS held
        FROM list_stats t CROSS JOIN cells c GROUP BY ALL;
        CREATE OR REPLACE TEMP TABLE band_factor AS
        WITH parent AS (
            SELECT source, band, sex, greatest(sum(held) / sum(residents), {LIST_SHARE_FLOOR}) AS r
            FROM cell_counts GROUP BY ALL
        ),
        shares AS (
            SELECT c.*, t.u, t.d,
                   greatest((c.held + {CELL_SHRINK} * p.r) / (c.residents + {CELL_SHRINK}), {LIST_SHARE_FLOOR}) AS r
            FROM cell_counts c JOIN parent p USING (source, band, sex) JOIN list_stats t USING (source)
        )
        SELECT source, band, sex, status, others, residents, held, d, r * u / (1 - r * (1 - u)) AS not_held
        FROM shares;
        CREATE OR REPLACE TEMP TABLE list_mean AS
        SELECT source, sum(held * d + (residents - held) * not_held) / sum(residents) AS mean
        FROM band_factor GROUP BY source;

        -- whether the list writes a patronymic, by whether the resident has one: s = P(no patronymic on
        -- the row | the resident has none / has one), and its mean over all residents
        CREATE OR REPLACE TEMP TABLE patronymic_absence AS
        WITH counts AS (
            SELECT a.source, p.patronymic_key IS NULL AS person_absent,
                   count(*) FILTER (a.patronymic_key IS NULL) AS absent, count(*) AS n
            FROM links l JOIN agency a USING (record_id) JOIN persons p USING (person_id) GROUP BY ALL
        ),
        residents AS (SELECT avg(CASE WHEN patronymic_key IS NULL THEN 1 ELSE 0 END) AS q FROM persons),
        shares AS (
            SELECT t.source, x.person_absent,
                   least(greatest((coalesce(c.absent, 0) + 1) / (coalesce(c.n, 0) + 2), {ABSENCE_FLOOR}),
                         1 - {ABSENCE_FLOOR}) AS s
            FROM list_stats t CROSS JOIN (VALUES (true), (false)) x(person_absent)
            LEFT JOIN counts c ON c.source = t.source AND c.person_absent = x.person_absent
        )
        SELECT s.source, s.person_absent, s.s,
               sum(s.s * CASE WHEN s.person_absent THEN r.q ELSE 1 - r.q END) OVER (PARTITION BY s.source) AS mean
        FROM shares s CROSS JOIN residents r;

        CREATE OR REPLACE TEMP TABLE list_prior AS
        WITH pairs AS (SELECT record_id, person_id FROM prob_matches
                       UNION SELECT record_id, person_id FROM holder_matches)
        SELECT c.record_id, c.person_id,
               log2(CASE WHEN list_contains(b.lists, a.source) THEN f.d ELSE f.not_held END / m.mean)
               + log2(CASE WHEN a.patronymic_key IS NULL THEN x.s / x.mean ELSE (1 - x.s) / (1 - x.mean) END) AS bits
        FROM pairs c JOIN agency a USING (record_id) JOIN person_band b USING (person_id)
        JOIN persons p USING (person_id)
        JOIN band_factor f ON f.source = a.source AND f.band = b.band AND f.sex = b.sex AND f.status = b.status
            AND f.others = array_to_string(list_filter(b.lists, x -> x <> a.source), ',')
        JOIN list_mean m ON m.source = a.source
        JOIN patronymic_absence x ON x.source = a.source AND x.person_absent = (p.patronymic_key IS NULL)
        """
    )


def _epsilon(con: duckdb.DuckDBPyConnection, rows_with_resident_iin: int, log_n: float) -> float:
    """The share of rows carrying another resident's IIN: the expected number of disputed rows that are
    not their holder's, over every row whose IIN is a resident's, iterated to its fixed point."""
    epsilon = EPSILON_START
    for _ in range(30):
        _posteriors(con, epsilon, log_n)
        row = con.execute("SELECT coalesce(sum(1 - p), 0) FROM holder_posterior WHERE is_holder").fetchone()
        expected = float(row[0]) if row else 0.0
        updated = min(max(expected / max(rows_with_resident_iin, 1), EPSILON_BOUNDS[0]), EPSILON_BOUNDS[1])
        if abs(updated - epsilon) < 1e-5:
            return updated
        epsilon = updated
    return epsilon


def _first_name_agreement_by_chance(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """How often the first names of two different residents agree exactly, closely (Jaro-Winkler ≥ 0.88
    or one edit), only in their first letter, or in their first letter at all, over random pairs of
    residents."""
    sample = probabilistic.sample_sql(
        "SELECT person_id, first_key FROM persons WHERE first_key IS NOT NULL", "person_id", FIRST_NAME_SAMPLE
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE first_sample AS
        SELECT first_key, row_number() OVER (ORDER BY hash(person_id), person_id) AS k
        FROM ({sample})
        """
    )
    n = con.execute("SELECT count(*) FROM first_sample").fetchone()
    close = probabilistic.CLOSE.format(c="first_key").replace("first_key_l", "x").replace("first_key_r", "y")
    # each sampled resident against the next one in a random order: random pairs of different residents
    row = con.execute(
        f"""
        WITH pairs AS (
            SELECT x, y, {close} AS close
            FROM (SELECT a.first_key AS x, b.first_key AS y
                  FROM first_sample a JOIN first_sample b ON b.k = a.k % {max(int(n[0]) if n else 1, 1)} + 1)
        )
        SELECT avg(CASE WHEN x = y THEN 1 ELSE 0 END),
               avg(CASE WHEN x <> y AND close THEN 1 ELSE 0 END),
               avg(CASE WHEN NOT close AND left(x, 1) = left(y, 1) THEN 1 ELSE 0 END),
               avg(CASE WHEN left(x, 1) = left(y, 1) THEN 1 ELSE 0 END)
        FROM pairs
        """
    ).fetchone()
    rates = [float(v or 0) for v in row] if row else [0.0] * 4
    return {k: min(max(v, 1e-6), 0.5) for k, v in zip(("exact", "close", "initial", "letter"), rates, strict=True)}


def link_new(con: duckdb.DuckDBPyConnection) -> None:
    """Rows that match nobody: one new person per distinct valid IIN no resident carries, or per distinct
    row content (its fingerprint: a list naming the same person twice gives one person). Their ids are
    stable too (``identity``). Rows awaiting review are linked to no one until a person decides."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE orphan_keys AS
        SELECT a.record_id,
               -- a resident's IIN on a row people said is not that resident's names the row, not the IIN
               CASE WHEN a.iin_valid AND a.iin NOT IN (SELECT iin FROM persons) THEN 'iin:' || a.iin
                    ELSE 'row:' || f.fingerprint END AS key
        FROM agency a JOIN row_fingerprints f USING (record_id)
        WHERE a.record_id NOT IN (SELECT record_id FROM links) AND a.record_id NOT IN (SELECT record_id FROM review)
        """
    )
    identity.assign(con, "orphan_keys")
    con.execute(
        """
        CREATE OR REPLACE TABLE new_persons AS
        SELECT DISTINCT i.person_id, o.key AS k FROM orphan_keys o JOIN identities i USING (key);

        INSERT INTO links
        SELECT o.record_id, i.person_id, 'new', NULL FROM orphan_keys o JOIN identities i USING (key);
        """
    )


def link_all(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> Linking:
    """Link every agency row; ``as_of`` (the status date) lets a list's age limits weigh its candidates."""
    linking = Linking()
    build_persons(con)
    link_exact(con)
    link_repaired(con)
    link_probabilistic(con, linking, as_of)
    # Disputed rows without a name on them never reach the model: they wait for a person.
    con.execute(
        """
        INSERT INTO review
        SELECT record_id, holder, NULL, 'iin_disputed' FROM iin_disputed
        WHERE record_id NOT IN (SELECT record_id FROM links) AND record_id NOT IN (SELECT record_id FROM review)
        """
    )
    # What people decided (decisions.py): rows they settled, pairs they rejected, then residents they merged.
    decisions.ensure(con)
    decisions.apply_rows(con)
    link_new(con)
    decisions.apply_merges(con)
    decisions.keep_review_candidates(con)
    review = con.execute("SELECT count(*) FROM review").fetchone()
    linking.review = int(review[0]) if review else 0
    return linking
