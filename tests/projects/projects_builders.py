"""Small hand-built objects for the projects tests: every number here is used in a hand computation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from birtizim.projects.model import (
    Activity,
    Baseline,
    ContractChange,
    ObjectKind,
    ProgressReport,
    ProjectObject,
    WorkType,
)
from birtizim.tables.bin_number import make_bin

D = dt.date
BUDGET = 100_000_000.0
FIRST_SCHOOL_DAY = D(2025, 9, 1)


def two_step_baseline() -> Baseline:
    """A: 1-31 March (30 days, weight 30); B: 31 March - 30 April (30 days, weight 70), after A.

    PD = 60 days. PV(t) = 0.3 * t / 30 for t in [0, 30]; 0.3 + 0.7 * (t - 30) / 30 for t in [30, 60].
    """
    return Baseline(
        version=1,
        made_on=D(2025, 2, 1),
        reason="contract schedule",
        activities=(
            Activity("A", "Roof", D(2025, 3, 1), D(2025, 3, 31), 30),
            Activity("B", "Interior", D(2025, 3, 31), D(2025, 4, 30), 70, ("A",)),
        ),
    )


def report(
    day: dt.date, percents: Mapping[str, float], money: float = 0.0, workforce: int | None = 10
) -> ProgressReport:
    return ProgressReport(date=day, percent_complete=percents, accepted_money=money, workforce=workforce)


def valid_bin() -> str:
    value = make_bin(D(2012, 5, 1), 123)
    assert value is not None
    return value


def school(
    *,
    deadline: dt.date = FIRST_SCHOOL_DAY,
    budget: float = BUDGET,
    changes: tuple[ContractChange, ...] = (),
    contractor_bin: str | None = None,
) -> ProjectObject:
    return ProjectObject(
        code="T-1",
        name="Test school",
        kind=ObjectKind.SCHOOL,
        work=WorkType.CAPITAL_REPAIR,
        region="almaty-2019",
        district="eskeldi",
        locality="Karabulak",
        address="Main street 1",
        deadline=deadline,
        deadline_reason="the school year starts",
        budget=budget,
        contractor_name="Test Builders LLP",
        contractor_bin=contractor_bin if contractor_bin is not None else valid_bin(),
        contract_number="T-1/2025",
        contract_changes=changes,
    )
