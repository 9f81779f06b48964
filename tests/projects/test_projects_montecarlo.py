"""Monte Carlo over the remaining work: hand-computed paths with the noise switched off, then the
properties a forecast must have with it on."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from projects_builders import BUDGET, D, report, two_step_baseline

from birtizim.projects.earned import earned_value
from birtizim.projects.model import Activity, Baseline, ProgressReport
from birtizim.projects.montecarlo import Simulation, SimulationParams, activity_productivity, simulate

NO_NOISE = SimulationParams(activity_sigma=0.0, project_sigma=0.0)


def _simulate(
    baseline: Baseline,
    reports: tuple[ProgressReport, ...],
    *,
    as_of: dt.date,
    deadline: dt.date,
    params: SimulationParams | None = None,
    trials: int = 500,
    seed: int = 7,
) -> Simulation:
    e = earned_value(baseline, reports, budget=BUDGET, as_of=as_of)
    return simulate(baseline, reports, e, deadline=deadline, trials=trials, seed=seed, params=params)


def test_it_finishes_where_the_arithmetic_says_without_noise() -> None:
    # A (1-31 March, weight 30) then B (31 March - 30 April, weight 70, no planned gap after A).
    # Reports: 1 March A 0%, 15 March A 10%, 14 April A 40%: a slow site.
    # A's own pace: 30 points gained in the 30 days since it was first seen begun, against a planned
    # 100 / 30 = 3.33 points a day: 1.0 / 3.33 = 0.3, trusted in full (30 days >= 28).
    # A's remaining 0.6 * 30 = 18 planned days take 18 / 0.3 = 60 days.
    # Project pace: no report 56 days before 14 April, so SPI(t) since the start: AT = 44,
    # EV = 0.3 * 0.4 = 0.12 = PV at t = 12, SPI(t) = 12 / 44 = 0.27273.
    # B starts when A finishes (lag 0) and takes 30 / 0.27273 = 110 days: finish 60 + 110 = 170,
    # i.e. 170 days after 14 April = 1 October.
    reports = (report(D(2025, 3, 1), {"A": 0}), report(D(2025, 3, 15), {"A": 10}), report(D(2025, 4, 14), {"A": 40}))
    sim = _simulate(two_step_baseline(), reports, as_of=D(2025, 4, 20), deadline=D(2025, 10, 1), params=NO_NOISE)
    assert sim.data_date == D(2025, 4, 14)
    assert sim.productivity == pytest.approx(12 / 44)
    assert sim.p50 == sim.p80 == sim.p10 == D(2025, 10, 1)
    assert sim.p_on_time == 1.0
    late = _simulate(two_step_baseline(), reports, as_of=D(2025, 4, 20), deadline=D(2025, 9, 30), params=NO_NOISE)
    assert late.p_on_time == 0.0


def test_it_measures_an_activitys_own_pace_from_its_first_sighting() -> None:
    a = two_step_baseline().activity("A")  # 30 planned days: 3.33 points a day
    params = SimulationParams()
    # 20% on 10 March and still 20% on 31 March: no gain in 21 days, own pace at the floor 0.1,
    # trusted 21 / 28 = 0.75: 0.8 ** 0.25 * 0.1 ** 0.75 = 0.94574 * 0.17783 = 0.16818.
    stalled = [report(D(2025, 3, 10), {"A": 20}), report(D(2025, 3, 31), {"A": 20})]
    assert activity_productivity(a, stalled, D(2025, 3, 31), 0.8, params) == pytest.approx(0.16818, abs=1e-5)
    # 20% -> 62% in 21 days: 2 points a day = 0.6 of plan; 0.8 ** 0.25 * 0.6 ** 0.75 = 0.64474.
    moving = [report(D(2025, 3, 10), {"A": 20}), report(D(2025, 3, 31), {"A": 62})]
    assert activity_productivity(a, moving, D(2025, 3, 31), 0.8, params) == pytest.approx(0.64474, abs=1e-5)
    # Seen begun only 7 days ago: too little history, the project's pace.
    recent = [report(D(2025, 3, 24), {"A": 20}), report(D(2025, 3, 31), {"A": 40})]
    assert activity_productivity(a, recent, D(2025, 3, 31), 0.8, params) == 0.8


def _overlap_baseline(successor_finish: dt.date) -> Baseline:
    # NET 1 March - 30 April (60 days); the successor is planned from 1 April, 29 days before NET's
    # planned finish: a planned overlap (lag) of -29 days.
    return Baseline(
        1,
        D(2025, 2, 1),
        "plan",
        (
            Activity("NET", "networks", D(2025, 3, 1), D(2025, 4, 30), 50),
            Activity("INT", "interior", D(2025, 4, 1), successor_finish, 50, ("NET",)),
        ),
    )


# Reports: 1 March nothing, 31 March NET 25% (the plan wanted 50%). Project pace: AT = 30,
# EV = 0.5 * 0.25 = 0.125 = PV at t = 15 (0.5 * t / 60), SPI(t) = 0.5, trusted in full (30 >= 28).
# NET was first seen begun on the data date: no own history, the project's pace. Its remaining
# 45 planned days take 45 / 0.5 = 90 days: NET finishes on day 90 after 31 March (29 June).
OVERLAP_REPORTS = (report(D(2025, 3, 1), {}), report(D(2025, 3, 31), {"NET": 25}))


def test_it_keeps_the_planned_overlap_after_a_late_predecessor() -> None:
    # INT (1 April - 11 May, 40 days) starts at max(planned start = day 1, NET finish 90 - 29 = 61) = 61
    # and takes 40 / 0.5 = 80 days: day 141 after 31 March = 19 August.
    b = _overlap_baseline(D(2025, 5, 11))
    sim = _simulate(b, OVERLAP_REPORTS, as_of=D(2025, 4, 1), deadline=D(2025, 8, 19), params=NO_NOISE)
    assert sim.p50 == D(2025, 8, 19)


def test_it_never_finishes_before_a_predecessor() -> None:
    # INT (1 - 11 April, 10 days) would run days 61 to 61 + 10 / 0.5 = 81, before NET ends on day 90:
    # it waits for NET, and the object finishes on day 90 = 29 June.
    b = _overlap_baseline(D(2025, 4, 11))
    sim = _simulate(b, OVERLAP_REPORTS, as_of=D(2025, 4, 1), deadline=D(2025, 8, 19), params=NO_NOISE)
    assert sim.p50 == D(2025, 6, 29)


def test_it_gives_certainty_when_no_work_remains() -> None:
    reports = (report(D(2025, 4, 20), {"A": 100, "B": 100}),)
    sim = _simulate(two_step_baseline(), reports, as_of=D(2025, 5, 1), deadline=D(2025, 4, 30))
    assert sim.p_on_time == 1.0
    assert sim.p50 == sim.p80 == D(2025, 4, 20)


def test_it_gives_no_chance_to_a_hopeless_project() -> None:
    # 30 April, the planned finish, and only 15% done; deadline a week away.
    reports = (report(D(2025, 3, 31), {"A": 50}), report(D(2025, 4, 30), {"A": 50}))
    sim = _simulate(two_step_baseline(), reports, as_of=D(2025, 4, 30), deadline=D(2025, 5, 7))
    assert sim.p_on_time < 0.01
    assert sim.p50 > D(2025, 7, 1)


def test_it_reproduces_a_simulation_from_its_seed() -> None:
    reports = (report(D(2025, 3, 20), {"A": 40}),)
    a = _simulate(two_step_baseline(), reports, as_of=D(2025, 3, 25), deadline=D(2025, 5, 10), seed=11)
    b = _simulate(two_step_baseline(), reports, as_of=D(2025, 3, 25), deadline=D(2025, 5, 10), seed=11)
    c = _simulate(two_step_baseline(), reports, as_of=D(2025, 3, 25), deadline=D(2025, 5, 10), seed=12)
    assert a == b
    assert a.histogram != c.histogram or a.p_on_time != c.p_on_time


def test_it_orders_its_percentiles_and_spreads_with_noise() -> None:
    reports = (report(D(2025, 3, 20), {"A": 40}),)
    sim = _simulate(two_step_baseline(), reports, as_of=D(2025, 3, 25), deadline=D(2025, 5, 10), trials=2000)
    assert sim.p10 <= sim.p50 <= sim.p80 <= sim.p90
    assert sim.p10 < sim.p90  # the noise is on
    assert 0 < sim.p_on_time < 1


def test_it_gives_a_histogram_and_band_a_chart_can_draw() -> None:
    reports = (report(D(2025, 3, 20), {"A": 40}),)
    sim = _simulate(two_step_baseline(), reports, as_of=D(2025, 3, 25), deadline=D(2025, 5, 10), trials=1000)
    assert sum(b.share for b in sim.histogram) == pytest.approx(1.0)
    assert all(b.start < b.end for b in sim.histogram)
    assert all(x.end == y.start for x, y in itertools.pairwise(sim.histogram))
    band = sim.band
    assert band[0].date == sim.data_date
    # Starting from what is done (EV = 0.3 * 0.4 = 12%), rising, ordered, and complete by the end.
    assert band[0].p50 == pytest.approx(12.0)
    assert all(p.p10 <= p.p50 <= p.p90 for p in band)
    assert all(x.p50 <= y.p50 for x, y in itertools.pairwise(band))
    assert band[-1].p90 == pytest.approx(100.0)


def test_it_rejects_zero_trials() -> None:
    with pytest.raises(ValueError):
        _simulate(two_step_baseline(), (), as_of=D(2025, 3, 1), deadline=D(2025, 5, 1), trials=0)
