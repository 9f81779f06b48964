"""The evasion estimate against a tiny stratified cluster sample worked out by hand."""

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from birtizim.fares.estimate import estimate_arrays, estimate_month
from birtizim.fares.model import Check, Ridership

# Stratum A (1,000 riders): trips with 20, 30, 10 riders checked, 2, 1, 0 unpaid.
# Stratum B (3,000 riders): trips with 40, 20, 20 riders checked, 4, 0, 2 unpaid.
STRATUM = [0, 0, 0, 1, 1, 1]
CHECKED = [20, 30, 10, 40, 20, 20]
UNPAID = [2, 1, 0, 4, 0, 2]


def test_ratio_variance_and_t_interval_by_hand() -> None:
    est = estimate_arrays(STRATUM, CHECKED, UNPAID, [1000, 3000], basis="riders", method="t")
    # A: r = 3/60 = 0.05; residuals y − r·m = 1, −0.5, −0.5; v = 3/2 · 1.5 / 60² = 0.000625
    # B: r = 6/80 = 0.075; residuals 1, −1.5, 0.5; v = 3/2 · 3.5 / 80² = 0.0008203125
    assert est.rate == pytest.approx([0.05, 0.075])
    assert est.variance == pytest.approx([0.000625, 0.0008203125])
    # City: weights 0.25 and 0.75; R = 0.0125 + 0.05625; V = 0.25²·0.000625 + 0.75²·0.0008203125
    assert est.city_rate == pytest.approx(0.06875)
    assert est.city_variance == pytest.approx(0.000500488281, rel=1e-9)
    # df = 6 trips − 2 strata = 4; t(0.975, 4) = 2.776445; half-width 2.776445 · √0.000500488 = 0.062113
    assert est.city_df == 4
    assert est.city_low == pytest.approx(0.06875 - 0.062113, abs=1e-5)
    assert est.city_high == pytest.approx(0.06875 + 0.062113, abs=1e-5)
    # Design effect: independent riders would give 0.25²·0.05·0.95/60 + 0.75²·0.075·0.925/80 = 0.000537272
    assert est.city_deff == pytest.approx(0.000500488 / 0.000537272, rel=1e-5)
    # Within A, df = 2: t(0.975, 2) = 4.302653, half-width 4.302653 · 0.025 = 0.107566, clipped at 0
    assert est.low[0] == 0.0
    assert est.high[0] == pytest.approx(0.05 + 0.107566, abs=1e-5)


def test_effective_sample_size_interval_by_hand() -> None:
    est = estimate_arrays(STRATUM, CHECKED, UNPAID, [1000, 3000], basis="riders")
    # n_eff = R(1 − R)/V = 0.06875 · 0.93125 / 0.000500488 = 127.92 (below the 140 riders checked);
    # Clopper-Pearson with x = R · n_eff = 8.795 "evaders" of 127.92.
    n_eff = 0.06875 * 0.93125 / 0.000500488281
    x = 0.06875 * n_eff
    assert est.city_low == pytest.approx(stats.beta.ppf(0.025, x, n_eff - x + 1), rel=1e-6)
    assert est.city_high == pytest.approx(stats.beta.ppf(0.975, x + 1, n_eff - x), rel=1e-6)
    assert 0.03 < est.city_low < 0.06875 < est.city_high < 0.13


def test_korn_graubard_widens_for_few_trips() -> None:
    kg = estimate_arrays(STRATUM, CHECKED, UNPAID, [1000, 3000], basis="riders", method="korn_graubard")
    eff = estimate_arrays(STRATUM, CHECKED, UNPAID, [1000, 3000], basis="riders")
    # n_eff · (z / t_4)² = 127.92 · (1.959964 / 2.776445)² = 63.75
    n_star = 0.06875 * 0.93125 / 0.000500488281 * (1.959964 / 2.776445) ** 2
    assert kg.city_high == pytest.approx(
        stats.beta.ppf(0.975, 0.06875 * n_star + 1, n_star - 0.06875 * n_star), rel=1e-5
    )
    assert kg.city_high - kg.city_low > eff.city_high - eff.city_low


def test_no_evader_found_still_has_an_interval() -> None:
    est = estimate_arrays([0, 0], [30, 30], [0, 0], [1000], basis="riders")
    # variance 0: n_eff is the 60 riders checked; Clopper-Pearson upper bound 1 − 0.025^(1/60)
    assert est.city_rate == 0.0
    assert est.city_low == 0.0
    assert est.city_high == pytest.approx(1 - 0.025 ** (1 / 60), rel=1e-6)


def test_validations_become_riders_with_the_second_order_correction() -> None:
    # One stratum, 950 validations; trips 40/2, 40/2, 40/4 -> r = 8/120, v = 3/2 · Σ(y − r m)² / 120²
    est = estimate_arrays([0, 0, 0], [40, 40, 40], [2, 2, 4], [950])
    r = 8 / 120
    resid = np.array([2, 2, 4]) - r * 40
    v = 1.5 * (resid**2).sum() / 120**2
    g = r / (1 - r) - v / (1 - r) ** 3
    assert est.variance[0] == pytest.approx(v)
    assert est.city_rate == pytest.approx(g / (1 + g))
    assert est.riders[0] == pytest.approx(950 * (1 + g))


def test_a_stratum_of_one_rider_cannot_blow_up_the_city() -> None:
    # Stratum 1 checked one rider who had not paid: its own rate is 1, its weight uses the pooled rate.
    est = estimate_arrays([0, 0, 0, 1, 1], [50, 50, 50, 1, 0], [2, 3, 1, 1, 0], [10_000, 100])
    assert est.rate[1] == 1.0
    assert est.city_rate < 0.06


def _check(i: int, route: str, checked: int, unpaid: int, kind: str = "measurement", day: int = 3) -> Check:
    return Check(
        f"c{i}",
        route,
        "day",
        dt.datetime(2026, 6, day, 11, 0),
        riders_checked=checked,
        paid=checked - unpaid,
        unpaid=unpaid,
        exempt=0,
        kind=kind,  # type: ignore[arg-type]
    )


RIDERSHIP = [Ridership("1", "day", "2026-06", 1000, "riders"), Ridership("2", "day", "2026-06", 3000, "riders")]
CHECKS = [
    _check(i, "1" if s == 0 else "2", m, y) for i, (s, m, y) in enumerate(zip(STRATUM, CHECKED, UNPAID, strict=True))
]


def test_enforcement_raids_never_enter_the_rate() -> None:
    plain = estimate_month(CHECKS, RIDERSHIP, month="2026-06")
    raids = [_check(100 + i, "2", 50, 30, kind="enforcement") for i in range(5)]
    with_raids = estimate_month([*CHECKS, *raids], RIDERSHIP, month="2026-06")
    assert with_raids.city == plain.city
    assert with_raids.enforcement_checks_ignored == 5
    assert plain.city.rate == pytest.approx(0.06875)
    # riders without paying = N · R; revenue = that × fare
    assert plain.unpaid_riders.estimate == pytest.approx(4000 * 0.06875)
    assert estimate_month(CHECKS, RIDERSHIP, month="2026-06", fare=100).revenue_lost is not None


def test_unchecked_strata_are_named_and_the_coverage_of_ridership_told() -> None:
    rows = [*RIDERSHIP, Ridership("3", "day", "2026-06", 4000, "riders")]
    est = estimate_month(CHECKS, rows, month="2026-06")
    assert est.strata_unchecked == (("3", "day"),)
    assert est.ridership_covered == pytest.approx(0.5)
    assert est.strata[2].rate is None


def test_a_single_trip_stratum_borrows_the_design_effect() -> None:
    est = estimate_arrays([0, 0, 0, 1], [20, 30, 10, 40], [2, 1, 0, 4], [1000, 1000], basis="riders")
    deff_a = 0.000625 / (0.05 * 0.95 / 60)
    assert est.variance[1] == pytest.approx(max(deff_a, 1.0) * 0.1 * 0.9 / 40)


def test_estimate_month_says_what_is_missing() -> None:
    with pytest.raises(ValueError, match="no ridership for 2026-07"):
        estimate_month(CHECKS, RIDERSHIP, month="2026-07")
    with pytest.raises(ValueError, match="no measurement checks"):
        estimate_month([_check(1, "1", 10, 1, kind="enforcement")], RIDERSHIP, month="2026-06")
    with pytest.raises(ValueError, match="no ridership in 2026-06: 9/day"):
        estimate_month([_check(1, "9", 10, 1)], RIDERSHIP, month="2026-06")
    with pytest.raises(ValueError, match="mixes"):
        estimate_month(CHECKS, [*RIDERSHIP, Ridership("3", "day", "2026-06", 5)], month="2026-06")
    with pytest.raises(ValueError, match="more unpaid"):
        estimate_arrays([0], [5], [6], [100])
