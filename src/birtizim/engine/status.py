"""Each resident's OSMS status as of a date, with the evidence, and the typed conflicts.

The order is the one in ``birtizim.reference.osms`` (and ARCHITECTURE.md): left; a state-paid
category that does not depend on work; active contributions; a "non-working" category; lapsed
contributions; undetermined.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from birtizim.reference.osms import GRACE_MONTHS, GRACE_MONTHS_REGULAR, REGULAR_MONTHS

# Ages outside which a listed category cannot be right (a pension recipient of 30 is a data error).
CATEGORY_AGE_LIMITS = {
    "pension": (40, 130),
    "students": (14, 45),
    "childcare": (15, 60),
    "unemployed": (16, 70),
    "contributions": (14, 130),  # nobody under 14 works, runs a business or pays a single payment
}


def decide(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    con.execute(
        f"""
        -- the agency rows with the fields the rules and the conflicts read (a few of the record's columns)
        CREATE OR REPLACE TEMP TABLE evidence AS
        SELECT l.person_id, l.method, r.record_id, r.source, r.row_number, r.iin, r.iin_valid, r.birth_date,
               r.district, r.district_raw, r.payer_type, r.last_payment_month, r.months_paid_60, r.childcare_reason,
               r.child_birth_date,
               (year(DATE '{as_of}') * 12 + month(DATE '{as_of}'))
               - (year(r.last_payment_month) * 12 + month(r.last_payment_month)) AS months_since_payment
        FROM links l JOIN records r USING (record_id);
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE person_flags AS
        SELECT person_id,
               bool_or(source = 'pension') AS pensioner,
               bool_or(source = 'disability') AS disability,
               bool_or(source = 'students') AS student,
               bool_or(source = 'childcare' AND childcare_reason = 'leave') AS childcare_leave,
               bool_or(source = 'childcare' AND coalesce(childcare_reason, 'nonworking') = 'nonworking')
                   AS nonworking_parent,
               bool_or(source = 'unemployed') AS unemployed,
               bool_or(source = 'asp') AS asp,
               bool_or(source = 'contributions') AS contributed,
               bool_or(source = 'contributions' AND months_since_payment BETWEEN 0 AND
                       CASE WHEN months_paid_60 >= {REGULAR_MONTHS} THEN {GRACE_MONTHS_REGULAR}
                            ELSE {GRACE_MONTHS} END) AS contributing,
               arg_max(payer_type, last_payment_month) FILTER (source = 'contributions') AS contributor_type,
               max(last_payment_month) AS last_payment_month,
               -- the youngest child of a childcare row: the category ends on its third birthday
               max(child_birth_date) FILTER (source = 'childcare') AS child_birth_date,
               -- sorted after aggregating: an ORDER BY inside list() cost ten times more at 2M
               list_transform(list_sort(list({{'s': source, 'r': row_number}})), e -> e.s || ':' || e.r) AS evidence
        FROM evidence GROUP BY person_id;
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE statuses AS
        SELECT *,
            CASE WHEN departed THEN 'left'
                 WHEN age < 18 OR pensioner OR disability OR student OR childcare_leave THEN 'state'
                 WHEN contributing THEN 'contributor'
                 WHEN unemployed OR nonworking_parent OR asp THEN 'state'
                 WHEN contributed THEN 'lapsed'
                 ELSE 'undetermined' END AS status,
            CASE WHEN departed THEN NULL
                 WHEN age < 18 THEN 'children'
                 WHEN pensioner THEN 'pensioner'
                 WHEN disability THEN 'disability'
                 WHEN student THEN 'student'
                 WHEN childcare_leave THEN 'childcare_leave'
                 WHEN contributing THEN NULL
                 WHEN unemployed THEN 'unemployed'
                 WHEN nonworking_parent THEN 'nonworking_parent'
                 WHEN asp THEN 'asp' END AS category
        FROM (
            SELECT p.person_id, p.iin, p.last_name, p.first_name, p.patronymic, p.birth_date, p.sex, p.district,
                   p.registry_status, p.phone, p.address,
                   -- died or emigrated by the status date: a death registered after it changes nothing then
                   coalesce(p.registry_status <> 'resident' AND coalesce(p.status_date <= DATE '{as_of}', true), false)
                       AS departed,
                   date_diff('year', p.birth_date, DATE '{as_of}')
                     - CASE WHEN strftime(p.birth_date, '%m%d') > strftime(DATE '{as_of}', '%m%d') THEN 1 ELSE 0 END
                     AS age,
                   f.* EXCLUDE (person_id)
            FROM persons p LEFT JOIN person_flags f USING (person_id)
        );
        """
    )
    _conflicts(con)


def _conflicts(con: duckdb.DuckDBPyConnection) -> None:
    limits = " ".join(
        f"WHEN e.source = '{src}' AND NOT (s.age BETWEEN {lo} AND {hi}) THEN true"
        for src, (lo, hi) in CATEGORY_AGE_LIMITS.items()
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE conflicts AS
        -- Each conflict's ``detail`` is an English sentence (the command line's report); ``facts`` holds the
        -- same figures as a JSON object with its type, which the web says in the reader's language.
        -- person-level
        SELECT person_id, NULL::BIGINT AS record_id, NULL::VARCHAR AS source, NULL::BIGINT AS row_number,
               'contributions_and_nonworking_category' AS type,
               'paying contributions while listed as ' || concat_ws(', ',
                   CASE WHEN unemployed THEN 'registered unemployed' END,
                   CASE WHEN nonworking_parent THEN 'non-working parent' END,
                   CASE WHEN asp THEN 'АСП recipient' END) AS detail,
               json_object('type', 'contributions_and_nonworking_category', 'unemployed', unemployed,
                           'nonworking_parent', nonworking_parent, 'asp', asp)::VARCHAR AS facts
        FROM statuses WHERE status <> 'left' AND contributing AND (unemployed OR nonworking_parent OR asp)
        UNION ALL
        SELECT s.person_id, e.record_id, e.source, e.row_number, 'departed_but_listed',
               'registry: ' || s.registry_status || coalesce(' on ' || strftime(p.status_date, '%d.%m.%Y'), '')
               || '; still in ' || e.source,
               json_object('type', 'departed_but_listed', 'registry_status', s.registry_status,
                           'on', p.status_date, 'source', e.source)::VARCHAR
        FROM statuses s JOIN evidence e USING (person_id) JOIN persons p USING (person_id)
        WHERE s.registry_status <> 'resident'
        UNION ALL
        SELECT s.person_id, e.record_id, e.source, e.row_number, 'category_age_mismatch',
               e.source || ' list, age ' || s.age,
               json_object('type', 'category_age_mismatch', 'source', e.source, 'age', s.age)::VARCHAR
        FROM statuses s JOIN evidence e USING (person_id)
        WHERE CASE {limits} ELSE false END
        UNION ALL
        SELECT s.person_id, e.record_id, e.source, e.row_number, 'district_mismatch',
               e.source || ': ' || e.district_raw || ', registry: ' || s.district,
               json_object('type', 'district_mismatch', 'source', e.source, 'written', e.district_raw,
                           'district', e.district, 'registry', s.district)::VARCHAR
        FROM statuses s JOIN evidence e USING (person_id)
        WHERE e.district IS NOT NULL AND e.district <> s.district
        UNION ALL
        SELECT e.person_id, e.record_id, e.source, e.row_number, 'iin_birth_date_mismatch',
               'IIN says ' || strftime(iin_birth_date(e.iin), '%d.%m.%Y') || ', row says '
               || strftime(e.birth_date, '%d.%m.%Y'),
               json_object('type', 'iin_birth_date_mismatch', 'source', e.source,
                           'iin_date', iin_birth_date(e.iin), 'row_date', e.birth_date)::VARCHAR
        FROM evidence e
        WHERE e.iin_valid AND e.birth_date IS NOT NULL AND e.birth_date <> iin_birth_date(e.iin)
        UNION ALL
        SELECT e.person_id, e.record_id, e.source, e.row_number, 'duplicate_in_list',
               'the same person is in ' || e.source || ' ' || count(*) OVER (PARTITION BY e.person_id, e.source)
               || ' times',
               json_object('type', 'duplicate_in_list', 'source', e.source,
                           'times', count(*) OVER (PARTITION BY e.person_id, e.source))::VARCHAR
        FROM evidence e
        QUALIFY count(*) OVER (PARTITION BY e.person_id, e.source) > 1
        UNION ALL
        SELECT e.person_id, e.record_id, e.source, e.row_number, 'not_in_registry',
               'matches no resident of the registry',
               json_object('type', 'not_in_registry', 'source', e.source)::VARCHAR
        FROM evidence e WHERE e.method = 'new'
        UNION ALL
        SELECT e.person_id, e.record_id, e.source, e.row_number, 'iin_of_another_resident',
               'the IIN is that of person ' || x.holder || '; names and birth date are those of person ' || e.person_id,
               json_object('type', 'iin_of_another_resident', 'source', e.source)::VARCHAR
        FROM evidence e JOIN iin_elsewhere x USING (record_id)
        UNION ALL
        SELECT e.person_id, e.record_id, e.source, e.row_number, 'iin_name_mismatch',
               'linked by the IIN, but the row''s first name or birth date differ from the resident''s',
               json_object('type', 'iin_name_mismatch', 'source', e.source)::VARCHAR
        FROM evidence e JOIN iin_doubtful USING (record_id)
        UNION ALL
        SELECT r.person_id, r.record_id, a.source, a.row_number, 'uncertain_match',
               CASE WHEN r.reason = 'iin_disputed'
                    THEN 'the IIN is that of a resident whose name or birth date differ; best candidate person '
                         || r.person_id || coalesce(', probability ' || round(r.match_probability, 3), '')
                    WHEN r.reason = 'iin_range'
                    THEN 'the IIN in scientific notation could be that of several residents of this name'
                    ELSE 'possible match, probability ' || round(r.match_probability, 3) END,
               json_object('type', 'uncertain_match', 'source', a.source, 'reason', r.reason,
                           'probability', round(r.match_probability, 3))::VARCHAR
        FROM review r JOIN agency a USING (record_id)
        UNION ALL
        SELECT NULL, a.record_id, a.source, a.row_number, 'unknown_district',
               'district not recognised: ' || a.district_raw,
               json_object('type', 'unknown_district', 'source', a.source, 'written', a.district_raw)::VARCHAR
        FROM agency a WHERE a.district_raw IS NOT NULL AND a.district IS NULL
        """
    )
