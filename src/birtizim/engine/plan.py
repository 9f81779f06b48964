"""The work list as a plan for the day: each resident's reason, the action it calls for and a priority.

Set-based SQL after the statuses (``status.decide``):

* ``outcome_evidence``: the officers' recorded outcomes (``--outcomes FILE``), the latest per resident,
  beside the agencies' data and flagged where the two disagree (a conflict ``outcome_disagrees``). An
  outcome never changes a status: it is evidence shown next to it.
* ``data_quality``: agency rows at fault that no call can fix (a duplicate inside a list, a district
  that differs between agencies, an IIN that disagrees with the row's birth date), per agency, for the
  analyst. A resident whose only issues are these leaves the call list.
* ``worklist``: one row per resident to work, with the reason as a code and its facts (JSON), the action
  and priority from the rules in ``birtizim.reference.actions``, the registry's contacts and the lists
  the resident is in.

The outcome codes and the fields each needs live here (``OUTCOMES``, ``OUTCOME_FIELDS``), with the
validator the web's form calls (``outcome_problems``); Django-free.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from birtizim.engine.side_tables import open_side_table
from birtizim.engine.sources import SourceError
from birtizim.engine.status import CATEGORY_AGE_LIMITS
from birtizim.reference import actions
from birtizim.reference.osms import CATEGORY_CODES, PENSION_AGE
from birtizim.tables import places
from birtizim.tables.sql import quote_literal

# What an officer may record, in display order, and the fields each one needs.
OUTCOMES = ("not_reached", "wrong_contact", "will_pay", "actualised", "left_country", "deceased", "refused")
OUTCOME_FIELDS: dict[str, tuple[str, ...]] = {
    "not_reached": (),
    "wrong_contact": (),
    "will_pay": ("follow_up",),
    "actualised": ("category",),
    "left_country": ("on_date",),
    "deceased": ("on_date",),
    "refused": (),
}
# A resident actualised as one of these is insured; "contributor" is the one status that is not a category.
OUTCOME_CATEGORIES = ("contributor", *CATEGORY_CODES)
OUTCOME_COLUMNS = ("person_id", "iin", "result", "on_date", "category", "follow_up", "recorded_at")
# Outcomes after which the resident is worked, when the agencies' data do not contradict them.
SETTLING = ("left_country", "deceased", "actualised")

# Conflicts no call can fix: the agency's own data is at fault (for the analyst, not the officer).
DATA_QUALITY_TYPES = ("duplicate_in_list", "district_mismatch", "iin_birth_date_mismatch")

# The list that vouches for a category an officer reports ("actualised as"): category -> (source, flag of
# ``statuses``). Categories no agency list of the run covers (prisoners, kandas...) cannot be contradicted.
CATEGORY_LISTS = {
    "contributor": ("contributions", "contributed"),
    "pensioner": ("pension", "pensioner"),
    "disability": ("disability", "disability"),
    "student": ("students", "student"),
    "childcare_leave": ("childcare", "childcare_leave"),
    "nonworking_parent": ("childcare", "nonworking_parent"),
    "unemployed": ("unemployed", "unemployed"),
    "asp": ("asp", "asp"),
}
# Sex-bound categories (a man is not on maternity leave).
FEMALE_ONLY = ("pregnant", "large_family_mother")


def outcome_problems(
    result: str,
    on_date: dt.date | None,
    category: str | None,
    follow_up: dt.date | None,
    birth_date: dt.date | None,
    sex: str | None,
    as_of: dt.date,
) -> list[str]:
    """What is wrong with an outcome as an officer would record it, as codes (labels kind "outcome_problem");
    an empty list when it can be saved."""
    if result not in OUTCOME_FIELDS:
        return ["unknown_result"]
    needed = OUTCOME_FIELDS[result]
    problems = []
    if "on_date" in needed and on_date is None:
        problems.append("date_required")
    if on_date is not None and on_date > as_of:
        problems.append("date_in_future")
    if on_date is not None and birth_date is not None and on_date < birth_date:
        problems.append("date_before_birth")
    if "follow_up" in needed and follow_up is None:
        problems.append("follow_up_required")
    if follow_up is not None and follow_up < as_of:
        problems.append("follow_up_in_past")
    if "category" in needed and not category:
        problems.append("category_required")
    elif category and "category" in needed:
        problems += _category_problems(category, birth_date, sex, as_of)
    return problems


def _category_problems(category: str, birth_date: dt.date | None, sex: str | None, as_of: dt.date) -> list[str]:
    # the engine writes M/F; a form or a registry may give the Cyrillic М/Ж
    sex = {"М": "M", "Ж": "F"}.get((sex or "").strip().upper()[:1], (sex or "").strip().upper()[:1])
    if category not in OUTCOME_CATEGORIES:
        return ["category_unknown"]
    if birth_date is not None:
        age = as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))
        # the engine's own age limits (by the list a category comes from), and the children's bound
        source = CATEGORY_LISTS.get(category, ("", ""))[0]
        low, high = CATEGORY_AGE_LIMITS.get(source, (0, 130))
        if category == "children":
            low, high = 0, 17
        elif category == "pensioner":
            # an officer actualises an age pensioner: one by disability is of the category "disability"
            low = PENSION_AGE.get(sex, min(PENSION_AGE.values()))
        if not low <= age <= high:
            return ["category_age"]
    if category in FEMALE_ONLY and sex == "M":
        return ["category_sex"]
    return []


def load_outcomes(con: duckdb.DuckDBPyConnection, path: Path | None) -> int:
    """The table ``outcomes`` from a CSV or Parquet file (empty without one); returns the rows read."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE outcomes (person_id BIGINT, iin VARCHAR, result VARCHAR, on_date DATE, "
        "category VARCHAR, follow_up DATE, recorded_at TIMESTAMP)"
    )
    if path is None:
        return 0
    reader, found = open_side_table(con, path, "outcomes")
    if "result" not in found or not found & {"person_id", "iin"}:
        raise SourceError(
            f"{path}: outcomes need a column result and person_id or iin; columns are: {', '.join(sorted(found))}"
        )
    types = {"person_id": "BIGINT", "on_date": "DATE", "follow_up": "DATE", "recorded_at": "TIMESTAMP"}
    select = ", ".join(
        f"TRY_CAST({c} AS {types.get(c, 'VARCHAR')})" if c in found else f"NULL::{types.get(c, 'VARCHAR')}"
        for c in OUTCOME_COLUMNS
    )
    known = ", ".join(quote_literal(o) for o in OUTCOMES)
    con.execute(f"INSERT INTO outcomes SELECT {select} FROM {reader}")
    # a result nobody defined is not evidence of anything
    con.execute(f"DELETE FROM outcomes WHERE result IS NULL OR result NOT IN ({known})")
    row = con.execute("SELECT count(*) FROM outcomes").fetchone()
    return int(row[0]) if row else 0


def weigh_outcomes(con: duckdb.DuckDBPyConnection) -> None:
    """``outcome_evidence``: each resident's latest outcome beside the agencies' data; a disagreement
    becomes a conflict ``outcome_disagrees`` (the status stays what the agencies say)."""
    checks = " ".join(
        f"WHEN o.category = {quote_literal(cat)} AND list_contains(r.all_lists, {quote_literal(src)}) "
        f"AND NOT coalesce(s.{flag}, false) THEN 'not_in_list'"
        for cat, (src, flag) in CATEGORY_LISTS.items()
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE run_lists AS
        SELECT coalesce(list_sort(list(DISTINCT source)), []::VARCHAR[]) AS all_lists FROM agency;

        CREATE OR REPLACE TABLE outcome_evidence AS
        WITH given AS (
            -- the resident by the stable id, else by the IIN as recorded
            SELECT coalesce(a.person_id, b.person_id) AS person_id, o.result, o.on_date, o.category, o.follow_up,
                   o.recorded_at
            FROM outcomes o
            LEFT JOIN statuses a ON a.person_id = o.person_id
            LEFT JOIN statuses b ON a.person_id IS NULL AND b.iin = o.iin
        ),
        latest AS (
            SELECT * FROM given WHERE person_id IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY recorded_at DESC NULLS LAST) = 1
        )
        SELECT o.person_id, o.result, o.on_date, o.category, o.follow_up, o.recorded_at,
               disagreement IS NOT NULL AS disagrees, disagreement,
               json_object('result', o.result, 'on', o.on_date, 'category', o.category, 'follow_up', o.follow_up,
                           'recorded_at', CAST(o.recorded_at AS DATE), 'disagreement', disagreement,
                           'last_payment', s.last_payment_month,
                           'source', CASE disagreement WHEN 'paid_after' THEN 'contributions'
                                     WHEN 'not_in_list' THEN {_list_of("o.category")} END)::VARCHAR AS facts
        FROM (
            SELECT o.*,
                   CASE WHEN o.result IN ('left_country', 'deceased')
                             AND s.last_payment_month > date_trunc('month', o.on_date) THEN 'paid_after'
                        WHEN o.result = 'actualised' AND o.category = 'children' AND s.age >= 18 THEN 'age'
                        {checks} END AS disagreement
            FROM latest o JOIN statuses s USING (person_id), run_lists r
        ) o JOIN statuses s USING (person_id);

        INSERT INTO conflicts
        SELECT person_id, NULL, NULL, NULL, 'outcome_disagrees',
               'the officer reported ' || result || coalesce(' on ' || strftime(on_date, '%d.%m.%Y'), '')
               || coalesce(' as ' || category, '') || '; the agencies'' data disagree: ' || disagreement,
               json_object('type', 'outcome_disagrees', 'result', result, 'on', on_date, 'category', category,
                           'disagreement', disagreement, 'last_payment', facts->>'last_payment',
                           'source', facts->>'source')::VARCHAR
        FROM outcome_evidence WHERE disagrees;
        """
    )


def _list_of(category: str) -> str:
    whens = " ".join(f"WHEN {quote_literal(c)} THEN {quote_literal(src)}" for c, (src, _) in CATEGORY_LISTS.items())
    return f"CASE {category} {whens} END"


def split_data_quality(con: duckdb.DuckDBPyConnection) -> None:
    """``data_quality``: the agency rows at fault that no call can fix, one per row and type."""
    types = ", ".join(quote_literal(t) for t in DATA_QUALITY_TYPES)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE data_quality AS
        SELECT c.source, c.row_number, c.person_id,
               coalesce(s.district, {quote_literal(places.UNPLACED.code)}) AS district, c.type, c.facts
        FROM conflicts c LEFT JOIN statuses s USING (person_id)
        WHERE c.type IN ({types})
        ORDER BY c.source, c.row_number, c.type
        """
    )


def _reason_conditions() -> dict[str, str]:
    """When each reason applies (SQL over the candidates below); the order is the rules' (reference.actions)."""
    pension_age = f"CASE WHEN sex = 'F' THEN {PENSION_AGE['F']} ELSE {PENSION_AGE['M']} END"
    return {
        "outcome_disagrees": "list_contains(types, 'outcome_disagrees')",
        "paying_and_nonworking": "list_contains(types, 'contributions_and_nonworking_category')",
        "category_age": "list_contains(types, 'category_age_mismatch')",
        "identity_doubt": "len(types) > 0",
        "turned_adult": (
            f"status = 'undetermined' AND adult_on > as_of - INTERVAL {actions.TURNED_ADULT_MONTHS} MONTH "
            "AND adult_on <= as_of"
        ),
        "pension_age": f"status = 'undetermined' AND age >= {pension_age}",
        "in_no_list": "status = 'undetermined'",
        "category_ending": "ending",
    }


def build_worklist(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """``worklist``: the residents to work, each with a reason, an action and a priority."""
    conditions = _reason_conditions()
    missing = set(actions.REASON_CODES) ^ set(conditions)
    if missing:  # a rule without a condition (or the reverse) is a programming error, caught by any test
        raise RuntimeError(f"reasons without both a rule and a condition: {sorted(missing)}")
    reason = "CASE " + " ".join(f"WHEN {conditions[r]} THEN {quote_literal(r)}" for r in actions.REASON_CODES) + " END"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE action_rules (reason VARCHAR, action VARCHAR, priority INTEGER, "
        "action_no_phone VARCHAR, priority_no_phone INTEGER)"
    )
    con.executemany(
        "INSERT INTO action_rules VALUES (?, ?, ?, ?, ?)",
        [(r.reason, r.action, r.priority, r.action_no_phone, r.priority_no_phone) for r in actions.REASONS],
    )
    quality = ", ".join(quote_literal(t) for t in DATA_QUALITY_TYPES)
    settling = ", ".join(quote_literal(o) for o in SETTLING)
    follow_action, follow_priority = actions.FOLLOW_UP_DUE
    worked_action, worked_priority = actions.WORKED
    waiting_action, waiting_priority = actions.WAITING
    con.execute(
        f"""
        CREATE OR REPLACE TABLE worklist AS
        WITH calls AS (
            SELECT person_id, list_sort(list(DISTINCT type)) AS types,
                   string_agg(DISTINCT type, ', ' ORDER BY type) AS conflicts,
                   string_agg(DISTINCT detail, '; ' ORDER BY detail) AS details,
                   -- the conflicts' facts as one JSON array, for pages in the reader's language
                   '[' || string_agg(DISTINCT facts, ',' ORDER BY facts) || ']' AS facts
            FROM conflicts WHERE person_id IS NOT NULL AND type NOT IN ({quality})
            GROUP BY person_id
        ),
        listed AS (
            SELECT person_id, list_sort(list(DISTINCT source)) AS lists FROM evidence WHERE method <> 'new'
            GROUP BY person_id
        ),
        candidates AS (
            SELECT s.*, coalesce(c.types, []::VARCHAR[]) AS types, c.conflicts, c.details, c.facts,
                   coalesce(l.lists, []::VARCHAR[]) AS lists, r.all_lists, DATE '{as_of}' AS as_of,
                   CAST(s.birth_date + INTERVAL 18 YEAR AS DATE) AS adult_on,
                   -- when the category ends: a child's at 18, childcare on the child's third birthday
                   CAST(CASE WHEN s.category = 'children' THEN s.birth_date + INTERVAL 18 YEAR
                             WHEN s.category IN ('childcare_leave', 'nonworking_parent')
                                 THEN s.child_birth_date + INTERVAL 3 YEAR END AS DATE) AS category_ends,
                   o.result AS outcome, o.facts AS outcome_facts, o.disagrees, o.follow_up
            FROM statuses s LEFT JOIN calls c USING (person_id) LEFT JOIN listed l USING (person_id)
            LEFT JOIN outcome_evidence o USING (person_id), run_lists r
            WHERE s.registry_status = 'resident'
        ),
        timed AS (
            -- insured now, but the category ends within the horizon: worth a call before it does
            SELECT *, status = 'state' AND category_ends
                          <= as_of + INTERVAL {actions.ENDING_HORIZON_MONTHS} MONTH AS ending
            FROM candidates
        ),
        reasoned AS (
            SELECT *, {reason} AS reason,
                   phone IS NOT NULL AND coalesce(outcome, '') <> 'wrong_contact' AS reachable
            FROM timed
        )
        SELECT w.person_id, coalesce(w.district, {quote_literal(places.UNPLACED.code)}) AS district,
               w.iin, w.last_name, w.first_name, w.patronymic, w.birth_date, w.age, w.status, w.category,
               w.conflicts, w.details, w.facts, w.sex, w.phone, w.address,
               CAST(CASE WHEN w.outcome = 'will_pay' AND w.follow_up <= w.as_of THEN {follow_priority}
                         WHEN w.outcome = 'will_pay' THEN {waiting_priority}
                         WHEN w.outcome IN ({settling}) AND NOT w.disagrees THEN {worked_priority}
                         WHEN w.reachable THEN a.priority ELSE a.priority_no_phone END AS INTEGER) AS priority,
               w.reason,
               json_object('lists', w.lists,
                           'absent', list_filter(w.all_lists, x -> NOT list_contains(w.lists, x)),
                           'age', w.age, 'sex', w.sex, 'category', w.category,
                           'last_payment', w.last_payment_month, 'adult_on', w.adult_on,
                           'ends', w.category_ends,
                           'conflicts', w.types)::VARCHAR AS reason_facts,
               CASE WHEN w.outcome = 'will_pay' AND w.follow_up <= w.as_of THEN {quote_literal(follow_action)}
                    WHEN w.outcome = 'will_pay' THEN {quote_literal(waiting_action)}
                    WHEN w.outcome IN ({settling}) AND NOT w.disagrees THEN {quote_literal(worked_action)}
                    WHEN w.reachable THEN a.action ELSE a.action_no_phone END AS action,
               w.lists, w.outcome, w.outcome_facts
        FROM reasoned w JOIN action_rules a USING (reason)
        ORDER BY district, priority, last_name, first_name, patronymic, birth_date, iin
        """
    )
