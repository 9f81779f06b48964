"""The schedule model: validation, dependency order, reports as cumulative snapshots."""

from __future__ import annotations

import pytest
from projects_builders import D, report, school, two_step_baseline

from birtizim.projects.model import (
    Activity,
    Baseline,
    ContractChange,
    ProgressReport,
    current_baseline,
    progress_at,
    topological_order,
)


def _activity(code: str, *deps: str) -> Activity:
    return Activity(code, code.lower(), D(2025, 3, 1), D(2025, 3, 10), 1, deps)


def test_it_measures_planned_duration_between_dates_as_points() -> None:
    b = two_step_baseline()
    assert b.activity("A").planned_duration == 30  # 1 March to 31 March
    assert b.planned_duration == 60  # 1 March to 30 April
    assert (b.start, b.finish) == (D(2025, 3, 1), D(2025, 4, 30))


@pytest.mark.parametrize(
    ("activities", "message"),
    [
        ((), "no activities"),
        ((_activity("A"), _activity("A")), "duplicate activity codes"),
        ((_activity("A", "X"),), "unknown activities"),
        ((_activity("A", "B"), _activity("B", "A")), "cycle"),
        ((Activity("A", "a", D(2025, 3, 1), D(2025, 3, 2), 0),), "add up to zero"),
    ],
)
def test_it_rejects_a_broken_baseline(activities: tuple[Activity, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Baseline(1, D(2025, 2, 1), "plan", activities)


def test_it_rejects_an_activity_finishing_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before start"):
        Activity("A", "a", D(2025, 3, 10), D(2025, 3, 1), 1)


def test_it_orders_activities_after_what_they_depend_on_keeping_input_order_otherwise() -> None:
    acts = (_activity("COM", "ROOF", "NET"), _activity("ROOF", "DEM"), _activity("DEM"), _activity("NET", "DEM"))
    assert [a.code for a in topological_order(acts)] == ["DEM", "ROOF", "NET", "COM"]


def test_it_takes_the_highest_baseline_version_as_current() -> None:
    v1 = two_step_baseline()
    v2 = Baseline(2, D(2025, 4, 1), "roof trusses replaced", v1.activities)
    assert current_baseline([v2, v1]) is v2
    with pytest.raises(ValueError):
        current_baseline([])


def test_it_keeps_the_latest_reported_percent_of_each_activity() -> None:
    reports = [
        report(D(2025, 3, 10), {"A": 20}),
        report(D(2025, 3, 20), {"A": 60, "B": 5}),
        report(D(2025, 3, 30), {"B": 15}),  # A not mentioned: still 60
    ]
    assert progress_at(two_step_baseline(), reports, D(2025, 3, 25)) == {"A": 60.0, "B": 5.0}
    assert progress_at(two_step_baseline(), reports, D(2025, 4, 1)) == {"A": 60.0, "B": 15.0}
    assert progress_at(two_step_baseline(), reports, D(2025, 3, 1)) == {"A": 0.0, "B": 0.0}


def test_it_copies_a_reports_percentages_so_the_caller_cannot_change_them() -> None:
    percents = {"A": 10.0}
    r = ProgressReport(D(2025, 3, 10), percents, 0.0)
    percents["A"] = 90.0
    assert r.percent_complete["A"] == 10.0
    with pytest.raises(TypeError):
        r.percent_complete["A"] = 50.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"percent_complete": {"A": 120}}, "outside 0-100"),
        ({"accepted_money": -1.0}, "accepted money"),
        ({"workforce": -3}, "workforce"),
    ],
)
def test_it_rejects_an_impossible_report(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"date": D(2025, 3, 1), "percent_complete": {}, "accepted_money": 0.0}
    with pytest.raises(ValueError, match=message):
        ProgressReport(**{**base, **kwargs})  # type: ignore[arg-type]


def test_it_counts_only_changes_that_move_the_deadline() -> None:
    p = school(
        changes=(
            ContractChange(D(2025, 6, 1), "second", D(2025, 8, 1), D(2025, 8, 20)),
            ContractChange(D(2025, 5, 1), "first", D(2025, 7, 15), D(2025, 8, 1)),
            ContractChange(D(2025, 5, 15), "amount only", old_amount=1.0, new_amount=2.0),
            ContractChange(D(2025, 5, 20), "same date", D(2025, 8, 1), D(2025, 8, 1)),
        )
    )
    assert [c.what for c in p.deadline_moves] == ["first", "second"]
