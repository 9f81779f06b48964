"""The monthly plan: reproducible from its published inputs, a floor for every stratum, raids apart."""

import datetime as dt
from collections import Counter

import pytest

from birtizim.fares.plan import (
    PlanSettings,
    StratumInput,
    draw_plan,
    largest_remainder,
    seed_commitment,
    shift_visible,
    visible_checks,
)

STRATA = [
    StratumInput("12", "am_peak", 90_000, 0.02),
    StratumInput("12", "evening", 20_000, 0.10),
    StratumInput("45", "am_peak", 60_000, None),
    StratumInput("45", "day", 5_000, 0.0),
]
SETTINGS = PlanSettings(measurement_checks=40, enforcement_checks=10, floor=2, teams=("A", "B", "C"))


def test_same_inputs_same_plan_and_a_different_seed_another() -> None:
    one = draw_plan(STRATA, month="2026-06", seed=42, settings=SETTINGS)
    two = draw_plan(STRATA, month="2026-06", seed=42, settings=SETTINGS)
    other = draw_plan(STRATA, month="2026-06", seed=43, settings=SETTINGS)
    assert one.digest == two.digest and one.checks == two.checks
    assert other.digest != one.digest
    assert [c.start for c in other.checks] != [c.start for c in one.checks]
    assert one.seed_commitment == seed_commitment(42) != seed_commitment(43)
    assert one.to_json()["digest"] == one.digest and one.to_json()["seed"] == 42


def test_largest_remainder_by_hand() -> None:
    # 10 in proportion 1:1:1 -> 3.33 each; the one extra goes to the first
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    # 7 in proportion 5:2 -> 5, 2
    assert largest_remainder(7, [5, 2]) == [5, 2]
    assert largest_remainder(3, [0, 0, 0]) == [1, 1, 1]


def test_floor_then_neyman_weights() -> None:
    plan = draw_plan(STRATA, month="2026-06", seed=1, settings=SETTINGS)
    w = {(x.route, x.band): x for x in plan.weights}
    # rates used: 0.02, 0.10, default 0.05, and 0.0 raised to min_rate 0.01
    assert [x.rate_used for x in plan.weights] == [0.02, 0.10, 0.05, 0.01]
    # Neyman weight = riders · √(p(1 − p)): 90000·√0.0196 = 12600
    assert w[("12", "am_peak")].measurement_weight == pytest.approx(12_600)
    counts = Counter((c.route, c.band) for c in plan.checks if c.kind == "measurement")
    assert sum(counts.values()) == 40
    assert all(counts[(s.route, s.band)] >= 2 for s in STRATA)
    assert counts[("45", "day")] == 2  # a small, quiet stratum gets only its floor
    for x in plan.weights:
        assert counts[(x.route, x.band)] == x.measurement_checks


def test_raids_go_where_evaders_are_and_are_marked_apart() -> None:
    plan = draw_plan(STRATA, month="2026-06", seed=1, settings=SETTINGS)
    raids = Counter((c.route, c.band) for c in plan.checks if c.kind == "enforcement")
    assert sum(raids.values()) == 10
    # riders × rate: 1800, 2000, 3000, 50 -> 10 raids split 2.6, 2.9, 4.4, 0.1
    assert raids == Counter({("45", "am_peak"): 4, ("12", "evening"): 3, ("12", "am_peak"): 3})


def test_checks_fall_inside_their_band_and_month() -> None:
    plan = draw_plan(STRATA, month="2026-02", seed=5, settings=SETTINGS)
    hours = {"am_peak": (7, 10), "evening": (19, 23), "day": (10, 16)}
    for c in plan.checks:
        assert c.start.year == 2026 and c.start.month == 2
        lo, hi = hours[c.band]
        assert lo <= c.start.hour < hi
        assert any(s.team == c.team and s.start <= c.start < s.end for s in plan.shifts)


def test_too_few_checks_for_the_floor_is_an_error() -> None:
    with pytest.raises(ValueError, match="plan at least 8"):
        draw_plan(STRATA, month="2026-06", seed=1, settings=PlanSettings(measurement_checks=7, floor=2))
    with pytest.raises(ValueError, match="unknown time band"):
        draw_plan([StratumInput("1", "night", 10)], month="2026-06", seed=1, settings=PlanSettings(5))


def test_a_team_sees_only_its_own_shift_and_only_shortly_before() -> None:
    plan = draw_plan(STRATA, month="2026-06", seed=3, settings=SETTINGS)
    shift = plan.shifts[0]
    lead = dt.timedelta(minutes=SETTINGS.publish_lead_minutes)
    assert not shift_visible(shift, team=shift.team, now=shift.start - lead - dt.timedelta(minutes=1), lead=lead)
    assert shift_visible(shift, team=shift.team, now=shift.start - lead, lead=lead)
    assert not shift_visible(shift, team="nobody", now=shift.start, lead=lead)
    assert not shift_visible(shift, team=shift.team, now=shift.end, lead=lead)
    seen = visible_checks(plan, team=shift.team, now=shift.start)
    assert seen and all(c.team == shift.team and shift.start <= c.start < shift.end for c in seen)
    # a day before the month nothing at all is visible
    assert visible_checks(plan, team=shift.team, now=dt.datetime(2026, 5, 31, 0, 0)) == ()
