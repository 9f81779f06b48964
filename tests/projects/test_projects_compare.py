"""Baseline versions side by side: days the plan moved, activities added, finishes and shares."""

from __future__ import annotations

import dataclasses

from projects_builders import D, two_step_baseline

from birtizim.projects.compare import compare_baselines
from birtizim.projects.model import Activity, Baseline


def _revised() -> Baseline:
    """B finishes 20 days later; C (weight 25) is added after B: the plan ends 15 June, 46 days later."""
    roof, interior = two_step_baseline().activities
    return Baseline(
        version=2,
        made_on=D(2025, 4, 10),
        reason="rotten trusses found",
        activities=(
            roof,
            dataclasses.replace(interior, planned_finish=D(2025, 5, 20)),
            Activity("C", "Trusses", D(2025, 5, 20), D(2025, 6, 15), 25, ("B",)),
        ),
    )


def test_it_counts_the_days_each_version_moved_the_planned_finish() -> None:
    c = compare_baselines([_revised(), two_step_baseline()])  # any order in, oldest first out
    first, second = c.versions
    assert (first.version, first.finish, first.moved_days, first.moved_total) == (1, D(2025, 4, 30), None, 0)
    assert (second.version, second.finish, second.moved_days, second.moved_total) == (2, D(2025, 6, 15), 46, 46)
    assert second.reason == "rotten trusses found" and second.activities == 3
    assert c.moved_total == 46


def test_it_compares_each_activitys_finish_and_share_across_versions() -> None:
    rows = {r.code: r for r in compare_baselines([two_step_baseline(), _revised()]).activities}
    assert list(rows) == ["A", "B", "C"]
    b = rows["B"]
    assert b.finish_moved_days == 20 and not b.added
    v1, v2 = b.versions
    assert v1 is not None and v2 is not None
    assert v1.share == 70.0  # 70 of 100
    assert round(v2.share, 9) == 56.0  # 70 of 125: the added work dilutes the rest
    c = rows["C"]
    assert c.added and c.versions[0] is None and c.finish_moved_days is None
    assert rows["A"].finish_moved_days == 0


def test_it_keeps_an_activity_a_later_version_dropped() -> None:
    dropped = Baseline(3, D(2025, 5, 1), "trusses done by others", two_step_baseline().activities)
    rows = compare_baselines([two_step_baseline(), _revised(), dropped]).activities
    assert [r.code for r in rows] == ["A", "B", "C"]
    assert rows[2].removed and rows[2].versions == (None, rows[2].versions[1], None)


def test_it_compares_nothing_to_nothing() -> None:
    assert compare_baselines([]).versions == () and compare_baselines([]).moved_total == 0
