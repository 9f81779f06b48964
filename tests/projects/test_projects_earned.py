"""Earned value and Earned Schedule against cases computed by hand (arithmetic in the comments)."""

from __future__ import annotations

import pytest
from projects_builders import BUDGET, D, report, two_step_baseline

from birtizim.projects.earned import actual_curve, earned_schedule, earned_share, earned_value, planned_share
from birtizim.projects.model import Activity, Baseline

# The late project: A (weight 30) planned 1-31 March, B (weight 70) planned 31 March - 30 April.
# Reports: 31 March A 50%; 30 April A 100% B 50%; 30 May everything 100% (a month late).
LATE_REPORTS = (
    report(D(2025, 3, 31), {"A": 50}, money=10_000_000),
    report(D(2025, 4, 30), {"A": 100, "B": 50}, money=70_000_000),
    report(D(2025, 5, 30), {"A": 100, "B": 100}, money=100_000_000),
)


def test_it_computes_spi_and_spi_t_a_month_in() -> None:
    # Data date 31 March: AT = 30. PV = 0.3 (A due in full). EV = 0.3 * 0.5 = 0.15.
    # SPI = 0.15 / 0.3 = 0.5. ES: 0.3 * t / 30 = 0.15 -> t = 15; SPI(t) = 15 / 30 = 0.5.
    e = earned_value(two_step_baseline(), LATE_REPORTS, budget=BUDGET, as_of=D(2025, 4, 5))
    assert e.data_date == D(2025, 3, 31)
    assert e.actual_time == 30
    assert e.pv == pytest.approx(0.3)
    assert e.ev == pytest.approx(0.15)
    assert e.spi == pytest.approx(0.5)
    assert e.earned_schedule == pytest.approx(15.0)
    assert e.spi_t == pytest.approx(0.5)


def test_it_interpolates_earned_schedule_and_forecasts_the_finish() -> None:
    # Data date 30 April: AT = 60, PV = 1.0, EV = 0.3 + 0.7 * 0.5 = 0.65, so SPI = 0.65.
    # ES: 0.3 + 0.7 * (t - 30) / 30 = 0.65 -> t - 30 = 15 -> ES = 45; SPI(t) = 45 / 60 = 0.75.
    # IEAC(t) = PD / SPI(t) = 60 / 0.75 = 80 days after 1 March = 20 May.
    e = earned_value(two_step_baseline(), LATE_REPORTS, budget=BUDGET, as_of=D(2025, 5, 1))
    assert e.ev == pytest.approx(0.65)
    assert e.spi == pytest.approx(0.65)
    assert e.earned_schedule == pytest.approx(45.0)
    assert e.spi_t == pytest.approx(0.75)
    assert e.forecast_finish == D(2025, 5, 20)
    assert e.schedule_variance_days == pytest.approx(-15.0)


def test_it_keeps_spi_t_below_one_when_plain_spi_reaches_one_at_a_late_finish() -> None:
    # Data date 30 May: everything done, EV = PV = 1 -> plain SPI = 1.0 although a month late.
    # ES = PD = 60, AT = 90 -> SPI(t) = 60 / 90 = 0.667.
    e = earned_value(two_step_baseline(), LATE_REPORTS, budget=BUDGET, as_of=D(2025, 6, 15))
    assert e.spi == pytest.approx(1.0)
    assert e.spi_t == pytest.approx(2 / 3)
    assert e.finished_on == D(2025, 5, 30)
    assert e.forecast_finish == D(2025, 5, 30)


def test_it_freezes_the_indicators_at_the_finish() -> None:
    # A report repeating 100% a month after the finish must not make the project look later.
    reports = (*LATE_REPORTS, report(D(2025, 6, 30), {"A": 100, "B": 100}, money=100_000_000))
    e = earned_value(two_step_baseline(), reports, budget=BUDGET, as_of=D(2025, 7, 1))
    assert e.data_date == D(2025, 5, 30)
    assert e.spi_t == pytest.approx(2 / 3)


def test_it_computes_cpi_and_eac_from_accepted_money() -> None:
    # 30 April: EV in money = 0.65 * 100 M = 65 M; AC = 70 M accepted.
    # CPI = 65 / 70 = 0.928571; EAC = BAC / CPI = 100 M / 0.928571 = 107.692 M.
    e = earned_value(two_step_baseline(), LATE_REPORTS, budget=BUDGET, as_of=D(2025, 5, 1))
    assert e.ac == 70_000_000
    assert e.cpi == pytest.approx(65 / 70)
    assert e.eac == pytest.approx(107_692_307.69, rel=1e-9)


def test_it_keeps_eac_at_bac_until_money_is_accepted_and_unbounded_when_money_buys_nothing() -> None:
    b = two_step_baseline()
    nothing_paid = earned_value(b, (report(D(2025, 3, 15), {"A": 20}),), budget=BUDGET, as_of=D(2025, 3, 20))
    assert nothing_paid.cpi is None
    assert nothing_paid.eac == BUDGET
    paid_for_nothing = earned_value(b, (report(D(2025, 3, 15), {}, money=5e6),), budget=BUDGET, as_of=D(2025, 3, 20))
    assert paid_for_nothing.cpi == 0
    assert paid_for_nothing.eac is None


def test_it_gives_no_credit_without_reports() -> None:
    # No report by 16 March: EV = 0 at as_of, AT = 15, PV = 0.3 * 15 / 30 = 0.15, SPI = 0.
    e = earned_value(two_step_baseline(), (), budget=BUDGET, as_of=D(2025, 3, 16))
    assert e.data_date == D(2025, 3, 16)
    assert e.ev == 0
    assert e.pv == pytest.approx(0.15)
    assert e.spi == 0
    assert e.spi_t == 0
    assert e.forecast_finish is None  # nothing earned: no pace to extrapolate


def test_it_leaves_schedule_indices_undefined_before_the_start() -> None:
    e = earned_value(two_step_baseline(), (), budget=BUDGET, as_of=D(2025, 2, 20))
    assert e.spi is None
    assert e.spi_t is None
    assert e.forecast_finish == D(2025, 4, 30)


def test_it_ignores_reports_after_as_of() -> None:
    e = earned_value(two_step_baseline(), LATE_REPORTS, budget=BUDGET, as_of=D(2025, 4, 29))
    assert e.data_date == D(2025, 3, 31)
    assert e.ev == pytest.approx(0.15)


def test_it_carries_an_activity_forward_when_a_report_leaves_it_out() -> None:
    # The second report mentions only B: A keeps its 100%. EV = 0.3 + 0.7 * 0.2 = 0.44.
    reports = (report(D(2025, 4, 1), {"A": 100}), report(D(2025, 4, 10), {"B": 20}))
    e = earned_value(two_step_baseline(), reports, budget=BUDGET, as_of=D(2025, 4, 10))
    assert e.ev == pytest.approx(0.44)


def test_it_measures_the_recent_pace_over_the_last_eight_weeks() -> None:
    # Reports 1 March (0%), 31 March (A 50%), 30 April (A 100%, B 50%); data date 30 April.
    # The latest report at least 56 days before 30 April is the one of 1 March: ES then = 0.
    # ES now = 45 (see above), so the recent pace is (45 - 0) / 60 days = 0.75.
    reports = (report(D(2025, 3, 1), {}), *LATE_REPORTS[:2])
    e = earned_value(two_step_baseline(), reports, budget=BUDGET, as_of=D(2025, 5, 1))
    assert e.spi_t_recent == pytest.approx(0.75)
    short = earned_value(two_step_baseline(), LATE_REPORTS[:2], budget=BUDGET, as_of=D(2025, 5, 1))
    assert short.spi_t_recent is None  # no report 56 days before the data date


# --- the shape of PV and Earned Schedule -----------------------------------------------------


def _pause_baseline() -> Baseline:
    # A 1-11 March (10 days, weight 1); nothing 11-21 March; B 21-31 March (10 days, weight 1).
    # PV: 0 -> 0.5 over days 0-10, flat 0.5 over days 10-20, 0.5 -> 1 over days 20-30.
    return Baseline(
        1,
        D(2025, 2, 1),
        "plan",
        (
            Activity("A", "a", D(2025, 3, 1), D(2025, 3, 11), 1),
            Activity("B", "b", D(2025, 3, 21), D(2025, 3, 31), 1, ("A",)),
        ),
    )


def test_it_spreads_planned_value_linearly() -> None:
    b = _pause_baseline()
    assert planned_share(b, [0, 5, 10, 15, 25, 30, 40]).tolist() == pytest.approx([0, 0.25, 0.5, 0.5, 0.75, 1, 1])


def test_it_takes_the_time_nearest_at_when_the_plan_pauses() -> None:
    b = _pause_baseline()
    # EV = 0.5 is the plan's value anywhere in days 10-20.
    assert earned_schedule(b, 0.5, actual_time=15) == 15  # in the pause: on schedule, SPI(t) = 1
    assert earned_schedule(b, 0.5, actual_time=25) == 20  # after it: 5 days late
    assert earned_schedule(b, 0.5, actual_time=8) == 10  # before it: early
    assert earned_schedule(b, 0.75, actual_time=30) == pytest.approx(25)  # 0.5 + 0.5 * (t - 20) / 10


def test_it_puts_earned_schedule_at_a_milestone_when_ev_falls_in_its_jump() -> None:
    # A 1-11 March weight 1, milestone M on 11 March weight 1, B 11-21 March weight 2 (total 4).
    # PV: 0 -> 0.25 over days 0-10, jumps to 0.5 at day 10, then 0.5 -> 1 over days 10-20.
    b = Baseline(
        1,
        D(2025, 2, 1),
        "plan",
        (
            Activity("A", "a", D(2025, 3, 1), D(2025, 3, 11), 1),
            Activity("M", "acceptance", D(2025, 3, 11), D(2025, 3, 11), 1, ("A",)),
            Activity("B", "b", D(2025, 3, 11), D(2025, 3, 21), 2, ("M",)),
        ),
    )
    assert earned_schedule(b, 0.375, actual_time=30) == 10  # inside the jump
    assert earned_schedule(b, 0.125, actual_time=30) == pytest.approx(5)  # 0.25 * t / 10 = 0.125
    assert earned_schedule(b, 0.75, actual_time=30) == pytest.approx(15)  # 0.5 + 0.5 * (t - 10) / 10
    assert earned_schedule(b, 1.0, actual_time=30) == 20  # never beyond PD


def test_it_weights_earned_value_by_activity_weight() -> None:
    # (30 * 40% + 70 * 10%) / 100 = (12 + 7) / 100 = 0.19
    assert earned_share(two_step_baseline(), {"A": 40, "B": 10}) == pytest.approx(0.19)


def test_it_gives_the_actual_curve_at_each_report() -> None:
    points = actual_curve(two_step_baseline(), LATE_REPORTS)
    assert [(p.date, p.percent) for p in points] == [
        (D(2025, 3, 31), 15.0),
        (D(2025, 4, 30), 65.0),
        (D(2025, 5, 30), 100.0),
    ]
