"""The OSMS status rules of ``engine/status.py``, one resident per case, at every boundary.

Written from the rules in ARCHITECTURE.md ("OSMS status rules"), not from the synthetic generator:

- a contributor is insured while a payment was credited within the last 3 months, or 6 months after
  5 years (60 months) of regular payments; after that the status lapses;
- the state pays for children (< 18) and for the categories of the agencies' lists; categories that do
  not depend on work come before contributions, "non-working" ones after them (and contributions with
  a non-working category are a conflict);
- the deceased and the emigrated have left; a resident found in no source is undetermined.

Each case is a registry row and the agency rows that name it by IIN, run through the engine's own
person building, IIN linking and status decision (no probabilistic step is needed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pytest

from birtizim.engine import iin, ingest, link, names, status
from birtizim.reference.osms import CATEGORY_CODES, GRACE_MONTHS, GRACE_MONTHS_REGULAR, REGULAR_MONTHS

AS_OF = dt.date(2020, 1, 1)


@dataclass(frozen=True)
class Row:
    """One agency row about the case's resident."""

    source: str
    payer_type: str | None = None
    last_payment_month: dt.date | None = None
    months_paid_60: int | None = None
    childcare_reason: str | None = None


@dataclass(frozen=True)
class Case:
    status: str
    category: str | None
    rows: tuple[Row, ...] = ()
    birth_date: dt.date = dt.date(1980, 6, 15)
    registry_status: str = "resident"
    status_date: dt.date | None = None
    as_of: dt.date = AS_OF
    conflicts: frozenset[str] = field(default_factory=frozenset)


def months_before(months: int, as_of: dt.date = AS_OF) -> dt.date:
    total = as_of.year * 12 + as_of.month - 1 - months
    return dt.date(total // 12, total % 12 + 1, 1)


def paid(months_ago: int, months_paid_60: int = 24) -> Row:
    return Row("contributions", "employee", months_before(months_ago), months_paid_60)


CASES: dict[str, Case] = {
    # --- contributions and their grace ---------------------------------------------------------------
    "paid this month": Case("contributor", None, (paid(0),)),
    f"paid {GRACE_MONTHS} months ago": Case("contributor", None, (paid(GRACE_MONTHS),)),
    f"paid {GRACE_MONTHS + 1} months ago": Case("lapsed", None, (paid(GRACE_MONTHS + 1),)),
    f"regular payer, paid {GRACE_MONTHS_REGULAR} months ago": Case(
        "contributor", None, (paid(GRACE_MONTHS_REGULAR, REGULAR_MONTHS),)
    ),
    f"regular payer, paid {GRACE_MONTHS_REGULAR + 1} months ago": Case(
        "lapsed", None, (paid(GRACE_MONTHS_REGULAR + 1, REGULAR_MONTHS),)
    ),
    f"{REGULAR_MONTHS - 1} months of 60 are not regular": Case(
        "lapsed", None, (paid(GRACE_MONTHS + 1, REGULAR_MONTHS - 1),)
    ),
    "an old and a recent payment": Case(
        "contributor", None, (paid(20), paid(1)), conflicts=frozenset({"duplicate_in_list"})
    ),
    # --- age ------------------------------------------------------------------------------------------
    "17, eighteen tomorrow": Case("state", "children", birth_date=dt.date(2002, 1, 2)),
    "18 today": Case("undetermined", None, birth_date=dt.date(2002, 1, 1)),
    # no 29 February in 2018: the eighteenth birthday is on 1 March
    "born on 29 February 2000, on 28 February 2018": Case(
        "state", "children", birth_date=dt.date(2000, 2, 29), as_of=dt.date(2018, 2, 28)
    ),
    "born on 29 February 2000, on 1 March 2018": Case(
        "undetermined", None, birth_date=dt.date(2000, 2, 29), as_of=dt.date(2018, 3, 1)
    ),
    "a child who pays is still a child": Case("state", "children", (paid(0),), birth_date=dt.date(2004, 5, 1)),
    "a 12-year-old in the contributions list": Case(
        "state", "children", (paid(0),), birth_date=dt.date(2007, 5, 1), conflicts=frozenset({"category_age_mismatch"})
    ),
    # --- categories that do not depend on work, before contributions ---------------------------------
    "pension": Case("state", "pensioner", (Row("pension"),), birth_date=dt.date(1950, 1, 1)),
    "working pensioner": Case("state", "pensioner", (Row("pension"), paid(0)), birth_date=dt.date(1950, 1, 1)),
    "disability": Case("state", "disability", (Row("disability"),)),
    "disability with contributions": Case("state", "disability", (Row("disability"), paid(0))),
    "student": Case("state", "student", (Row("students"),), birth_date=dt.date(2000, 3, 3)),
    "childcare leave": Case("state", "childcare_leave", (Row("childcare", childcare_reason="leave"), paid(0))),
    "pension before disability": Case(
        "state", "pensioner", (Row("disability"), Row("pension")), birth_date=dt.date(1950, 1, 1)
    ),
    # --- "non-working" categories, after contributions -------------------------------------------------
    "registered unemployed": Case("state", "unemployed", (Row("unemployed"),)),
    "non-working parent": Case("state", "nonworking_parent", (Row("childcare", childcare_reason="nonworking"),)),
    "targeted social assistance": Case("state", "asp", (Row("asp"),)),
    "unemployed and paying": Case(
        "contributor",
        None,
        (Row("unemployed"), paid(1)),
        conflicts=frozenset({"contributions_and_nonworking_category"}),
    ),
    "unemployed with lapsed contributions": Case("state", "unemployed", (Row("unemployed"), paid(12))),
    "unemployed before a non-working parent": Case(
        "state", "unemployed", (Row("childcare", childcare_reason="nonworking"), Row("unemployed"))
    ),
    "a pensioner of 30": Case(
        "state",
        "pensioner",
        (Row("pension"),),
        birth_date=dt.date(1989, 1, 1),
        conflicts=frozenset({"category_age_mismatch"}),
    ),
    # --- deaths, emigration, nobody -------------------------------------------------------------------
    "deceased": Case("left", None, registry_status="deceased", status_date=dt.date(2019, 5, 1)),
    "deceased but still paid a pension": Case(
        "left",
        None,
        (Row("pension"),),
        birth_date=dt.date(1940, 1, 1),
        registry_status="deceased",
        status_date=dt.date(2019, 5, 1),
        conflicts=frozenset({"departed_but_listed"}),
    ),
    "emigrated": Case(
        "left",
        None,
        (paid(2),),
        registry_status="emigrated",
        status_date=dt.date(2019, 11, 20),
        conflicts=frozenset({"departed_but_listed"}),
    ),
    "died after the status date": Case(
        "contributor",
        None,
        (paid(1),),
        registry_status="deceased",
        status_date=dt.date(2020, 3, 1),
        conflicts=frozenset({"departed_but_listed"}),
    ),
    "in no list": Case("undetermined", None),
}


def decide(case: Case) -> tuple[dict[str, Any], set[str]]:
    """Run one case through build_persons, link_exact and decide; its status row and conflict types."""
    con = duckdb.connect()
    iin.install_sql(con)
    names.install_sql(con)
    number = iin.make(case.birth_date, "F", 1) or iin.make(case.birth_date, "F", 2)
    assert number is not None
    columns = (
        ingest.RECORD_COLUMNS + ", surname_key VARCHAR, first_key VARCHAR, patronymic_key VARCHAR, pair_key VARCHAR"
    )
    con.execute(f"CREATE TABLE records ({columns})")
    con.execute("CREATE TABLE rejects (source VARCHAR, file VARCHAR, row_number BIGINT, reason VARCHAR)")
    people = [{"source": "registry", "registry_status": case.registry_status, "status_date": case.status_date}]
    people += [{"source": r.source, **{k: v for k, v in r.__dict__.items() if k != "source"}} for r in case.rows]
    for i, values in enumerate(people, start=1):
        row = {
            "record_id": i,
            "file": values["source"],
            "row_number": i,
            "iin": number,
            "iin_raw": number,
            "iin_status": "ok",
            "iin_valid": True,
            "last_name": "Оспанова",
            "first_name": "Айгерім",
            "surname_key": "ospan",
            "first_key": "aigerim",
            "pair_key": "aigerim ospan",
            "birth_date": case.birth_date,
            "sex": "F",
            "district": "talgar",
            **values,
        }
        con.execute(
            f"INSERT INTO records ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
        )
    link.build_persons(con)
    link.link_exact(con)
    status.decide(con, case.as_of)
    result = con.execute("SELECT status, category, age FROM statuses").fetchone()
    assert result is not None
    conflicts = {t for (t,) in con.execute("SELECT type FROM conflicts").fetchall()}
    return {"status": result[0], "category": result[1], "age": result[2]}, conflicts


@pytest.mark.parametrize("name", list(CASES))
def test_status_rules(name: str) -> None:
    case = CASES[name]
    decided, conflicts = decide(case)
    assert (decided["status"], decided["category"]) == (case.status, case.category), decided
    assert conflicts == set(case.conflicts)


def test_every_category_the_engine_writes_is_an_osms_category() -> None:
    written = {c.category for c in CASES.values() if c.category}
    assert written <= set(CATEGORY_CODES)
    # the categories reachable from the engine's sources and the age rule, every one of them covered
    assert written == {
        "children", "pensioner", "disability", "student", "childcare_leave", "unemployed", "nonworking_parent", "asp",
    }  # fmt: skip
