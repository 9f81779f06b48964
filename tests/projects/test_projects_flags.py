"""Each red flag on a hand-built case where it fires and one where it does not."""

from __future__ import annotations

import datetime as dt

from projects_builders import BUDGET, D, report, school, two_step_baseline

from birtizim.projects.earned import EarnedValue, earned_value
from birtizim.projects.flags import (
    FlagCode,
    FlagSettings,
    Severity,
    invalid_contractor_bin,
    money_ahead_of_progress,
    no_workforce,
    overdue_activities,
    red_flags,
    repeated_deadline_moves,
    stale_reports,
)
from birtizim.projects.model import ContractChange, ProgressReport

S = FlagSettings()


def _earned(reports: tuple[ProgressReport, ...], as_of: dt.date) -> EarnedValue:
    return earned_value(two_step_baseline(), reports, budget=BUDGET, as_of=as_of)


# --- stale reports ---------------------------------------------------------------------------


def test_it_flags_reports_older_than_the_limit() -> None:
    reports = (report(D(2025, 3, 10), {"A": 20}),)
    # 10 March to 15 April = 36 days > 35.
    flag = stale_reports(two_step_baseline(), reports, as_of=D(2025, 4, 15), finished=False, settings=S)
    assert flag is not None
    assert flag.code == FlagCode.STALE_REPORTS
    assert flag.severity == Severity.WARNING
    assert flag.params["days"] == 36
    assert "36 days" in flag.message and "2025-03-10" in flag.message
    # 35 days is within the limit; 71 days (more than twice it) is severe.
    assert stale_reports(two_step_baseline(), reports, as_of=D(2025, 4, 14), finished=False, settings=S) is None
    severe = stale_reports(two_step_baseline(), reports, as_of=D(2025, 5, 20), finished=False, settings=S)
    assert severe is not None and severe.severity == Severity.SEVERE


def test_it_flags_a_site_that_never_reported_but_not_a_finished_one() -> None:
    never = stale_reports(two_step_baseline(), (), as_of=D(2025, 4, 15), finished=False, settings=S)
    assert never is not None and "No progress report at all" in never.message
    assert never.params["reports"] == 0 and never.params["last_report"] == "2025-03-01"  # the planned start
    assert stale_reports(two_step_baseline(), (), as_of=D(2025, 2, 20), finished=False, settings=S) is None
    old = (report(D(2025, 3, 1), {"A": 100, "B": 100}),)
    assert stale_reports(two_step_baseline(), old, as_of=D(2025, 6, 1), finished=True, settings=S) is None


# --- money ahead of physical progress --------------------------------------------------------


def _paid(money: float) -> EarnedValue:
    """A at 50% on 31 March (EV = 0.3 * 0.5 = 15% of the work) with ``money`` accepted of 100 M."""
    return _earned((report(D(2025, 3, 31), {"A": 50}, money=money),), D(2025, 4, 1))


def test_it_flags_money_ahead_of_the_work() -> None:
    # Physical: A 50% -> EV = 0.3 * 0.5 = 15%. Accepted 30 M of 100 M = 30%: 15 points ahead (> 10).
    e = _paid(30e6)
    flag = money_ahead_of_progress(e, settings=S)
    assert flag is not None
    assert flag.severity == Severity.WARNING
    assert flag.params == {"paid_percent": 30.0, "built_percent": 15.0, "gap_points": 15.0, "accepted": 30e6}
    assert "30%" in flag.message and "15%" in flag.message
    # 45 M = 45%: 30 points ahead, severe (> 25).
    e = _paid(45e6)
    flag = money_ahead_of_progress(e, settings=S)
    assert flag is not None and flag.severity == Severity.SEVERE


def test_it_does_not_flag_money_within_the_threshold() -> None:
    # 25 M = 25% against 15% built: exactly 10 points, not more.
    e = _paid(25e6)
    assert money_ahead_of_progress(e, settings=S) is None


# --- repeated deadline moves ------------------------------------------------------------------


def test_it_flags_a_deadline_moved_twice() -> None:
    changes = (
        ContractChange(D(2025, 5, 1), "additional agreement 1", D(2025, 7, 15), D(2025, 8, 1)),
        ContractChange(D(2025, 6, 1), "additional agreement 2", D(2025, 8, 1), D(2025, 8, 25)),
    )
    flag = repeated_deadline_moves(school(changes=changes), settings=S)
    assert flag is not None
    assert flag.severity == Severity.WARNING
    assert flag.params["moves"] == 2
    assert flag.params["days"] == 41  # 15 July to 25 August
    assert "2025-07-15 -> 2025-08-01 -> 2025-08-25" in flag.message
    third = ContractChange(D(2025, 6, 20), "additional agreement 3", D(2025, 8, 25), D(2025, 9, 10))
    severe = repeated_deadline_moves(school(changes=(*changes, third)), settings=S)
    assert severe is not None and severe.severity == Severity.SEVERE


def test_it_does_not_flag_one_move_or_amount_changes() -> None:
    changes = (
        ContractChange(D(2025, 5, 1), "additional agreement 1", D(2025, 7, 15), D(2025, 8, 1)),
        ContractChange(D(2025, 6, 1), "more money", old_amount=90e6, new_amount=100e6),
    )
    assert repeated_deadline_moves(school(changes=changes), settings=S) is None


# --- no workforce ----------------------------------------------------------------------------


def test_it_flags_an_empty_site_as_severe_and_a_blank_workforce_as_a_warning() -> None:
    empty = (report(D(2025, 3, 20), {"A": 40}, workforce=0),)
    flag = no_workforce(empty, _earned(empty, D(2025, 3, 25)), as_of=D(2025, 3, 25))
    assert flag is not None
    assert flag.severity == Severity.SEVERE
    assert flag.params["remaining_percent"] == 88.0  # EV = 0.3 * 0.4 = 12%
    assert flag.params["case"] == "nobody"
    blank = (report(D(2025, 3, 20), {"A": 40}, workforce=None),)
    warn = no_workforce(blank, _earned(blank, D(2025, 3, 25)), as_of=D(2025, 3, 25))
    assert warn is not None and warn.severity == Severity.WARNING
    assert warn.params["case"] == "not_stated"


def test_it_does_not_flag_workforce_on_site_or_a_finished_object() -> None:
    busy = (report(D(2025, 3, 20), {"A": 40}, workforce=12),)
    assert no_workforce(busy, _earned(busy, D(2025, 3, 25)), as_of=D(2025, 3, 25)) is None
    done = (report(D(2025, 4, 28), {"A": 100, "B": 100}, workforce=0),)
    assert no_workforce(done, _earned(done, D(2025, 5, 1)), as_of=D(2025, 5, 1)) is None


# --- overdue activities ----------------------------------------------------------------------


def test_it_flags_activities_past_their_planned_finish() -> None:
    # A was due on 31 March; on 10 April it stands at 80%: 10 days overdue.
    reports = (report(D(2025, 4, 8), {"A": 80, "B": 10}),)
    flag = overdue_activities(two_step_baseline(), reports, as_of=D(2025, 4, 10), settings=S)
    assert flag is not None
    assert flag.severity == Severity.WARNING
    assert flag.params == {
        "count": 1,
        "worst_days": 10,
        "worst": "A",
        "worst_name": "Roof",
        "worst_percent": 80.0,
        "worst_due": "2025-03-31",
    }
    assert "Roof at 80%, due 2025-03-31" in flag.message
    # On 1 July both are overdue, A by 92 days: severe.
    late = overdue_activities(two_step_baseline(), reports, as_of=D(2025, 7, 1), settings=S)
    assert late is not None
    assert late.severity == Severity.SEVERE
    assert late.params["count"] == 2 and late.params["worst"] == "A"


def test_it_does_not_flag_activities_done_or_not_yet_due() -> None:
    reports = (report(D(2025, 4, 8), {"A": 100, "B": 10}),)
    assert overdue_activities(two_step_baseline(), reports, as_of=D(2025, 4, 10), settings=S) is None


# --- contractor BIN --------------------------------------------------------------------------


def test_it_flags_an_invalid_contractor_bin() -> None:
    flag = invalid_contractor_bin(school(contractor_bin="240540001233"))
    assert flag is not None and "check digit" in flag.message
    assert invalid_contractor_bin(school()) is None


# --- all together ----------------------------------------------------------------------------


def test_it_lists_severe_flags_first_and_none_for_a_healthy_object() -> None:
    reports = (report(D(2025, 3, 31), {"A": 50}, money=45e6, workforce=0),)
    flags = red_flags(school(), two_step_baseline(), reports, as_of=D(2025, 5, 20))
    codes = [f.code for f in flags]
    assert set(codes) == {
        FlagCode.STALE_REPORTS,
        FlagCode.MONEY_AHEAD,
        FlagCode.NO_WORKFORCE,
        FlagCode.OVERDUE_ACTIVITIES,
    }
    severities = [f.severity for f in flags]
    assert severities == sorted(severities, key=lambda s: s != Severity.SEVERE)
    healthy = (report(D(2025, 3, 31), {"A": 100, "B": 5}, money=25e6, workforce=20),)
    assert red_flags(school(), two_step_baseline(), healthy, as_of=D(2025, 4, 2)) == ()
