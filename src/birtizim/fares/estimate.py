"""The evasion rate from measurement checks: stratified, cluster-aware, weighted by ridership.

The method, in the words of survey statistics:

- **Strata** are route × time band; **clusters** are vehicle trips. Within a stratum the plan draws
  trips at random, and on each trip inspectors check the riders on board: m_i riders checked,
  y_i of them without a valid payment (exempt riders are riders who did not have to pay).
- Within a stratum the rate is a **ratio estimate**, r_h = Σy / Σm (riders, not trips, are what a
  rate is about), with the linearised variance of a ratio over clusters:
  v_h = n/(n − 1) · Σ(y_i − r_h m_i)² / (Σm)², where n is the number of trips. Sampling a few
  trips from the month's thousands makes the finite-population correction negligible; leaving it
  out errs on the safe side.
- The city rate weights each stratum by its **riders**: R = Σ N_h r_h / Σ N_h. When ridership
  comes from validators, N_h is not known directly, because evaders do not tap: with B_h
  validations, N_h = B_h / (1 − r_h). A stratum where fewer than 30 riders were checked takes the
  pooled rate of all checks for this inflation (one rider of one unpaid would otherwise make its
  riders infinite); its own rate still enters R. Because r/(1 − r) is convex, a stratum's rate
  that came out high by chance would also weigh more; the second-order Taylor term v_h/(1 − r_h)³
  is taken off r_h/(1 − r_h) to remove that lean. The variance is linearised (Taylor series):
  dR/dr_h = W_h (1 − R) / (1 − r_h).
- The **design effect** is the variance over what the same number of riders drawn independently
  would give; it says how much the clustering costs. Intervals come from
  ``birtizim.fares.intervals`` with df = trips − strata (city) or trips − 1 (a stratum).
- A stratum checked on one trip only has a rate but no variance of its own; its variance is taken
  as independent riders' variance times the design effect of the strata that have one. A stratum
  with no measurement check cannot be estimated: the city figure then covers the checked strata
  only, and ``ridership_covered`` says what share of ridership that is (the plan's floor exists to
  keep this at 1).

Enforcement raids are dropped before anything is computed: they are sent where evaders are
expected, so counting them would overstate the rate.

Everything is computed on arrays over all strata at once (``estimate_arrays``); ``estimate_month``
wraps it for the model's records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from birtizim.fares.intervals import FloatArray, Method, rate_interval
from birtizim.fares.model import Check, Ridership, RidershipBasis, Stratum
from birtizim.tables.months import month_of

IntArray = npt.NDArray[np.int64]
MAX_RATE = 0.999  # a stratum where nobody paid would make B / (1 − r) infinite
MIN_CHECKED_FOR_WEIGHT = 30  # riders checked in a stratum before its own rate sets its weight


@dataclass(frozen=True)
class ArrayEstimate:
    """Per-stratum arrays (index = stratum) and the city figures."""

    trips: IntArray
    checked: IntArray
    unpaid: IntArray
    rate: FloatArray  # NaN where unchecked
    variance: FloatArray
    low: FloatArray
    high: FloatArray
    deff: FloatArray
    riders: FloatArray  # N_h: given, or estimated from validations
    city_rate: float
    city_variance: float
    city_low: float
    city_high: float
    city_deff: float
    city_df: int
    checked_strata: npt.NDArray[np.bool_]


def estimate_arrays(
    stratum: npt.ArrayLike,
    checked: npt.ArrayLike,
    unpaid: npt.ArrayLike,
    boardings: npt.ArrayLike,
    *,
    basis: RidershipBasis = "validations",
    method: Method = "effective",
    confidence: float = 0.95,
) -> ArrayEstimate:
    """Estimate from one row per measurement trip (its stratum index, riders checked, unpaid).

    ``boardings[h]`` is stratum h's ridership for the month on ``basis``.
    """
    b = np.asarray(boardings, dtype=np.float64)
    k = len(b)
    s = np.asarray(stratum, dtype=np.int64)
    m = np.asarray(checked, dtype=np.float64)
    y = np.asarray(unpaid, dtype=np.float64)
    if not (len(s) == len(m) == len(y)):
        raise ValueError("stratum, checked and unpaid need one value per trip each")
    if len(s) and (s.min() < 0 or s.max() >= k):
        raise ValueError("a trip's stratum index is outside the ridership table")
    if np.any(y > m) or np.any(m < 0) or np.any(y < 0):
        raise ValueError("a trip has more unpaid riders than riders checked, or a negative count")
    n = np.bincount(s, minlength=k)
    big_m = np.bincount(s, weights=m, minlength=k)
    big_y = np.bincount(s, weights=y, minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(big_m > 0, big_y / big_m, np.nan)
        e = y - np.nan_to_num(r)[s] * m
        ss = np.bincount(s, weights=e * e, minlength=k)
        var = np.where(n >= 2, n / (n - 1) * ss / big_m**2, np.nan)
        var_srs = np.where(big_m > 0, r * (1 - r) / big_m, np.nan)
    has_var = n >= 2
    pooled = np.nansum(var[has_var]) / np.nansum(var_srs[has_var]) if np.nansum(var_srs[has_var]) > 0 else 1.0
    pooled = max(float(pooled), 1.0) if np.isfinite(pooled) else 1.0
    single = (n == 1) & (big_m > 0)
    var = np.where(single, var_srs * pooled, var)
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(var_srs > 0, var / var_srs, np.nan)
    low, high = rate_interval(r, var, big_m, np.maximum(n - 1, 1), method=method, confidence=confidence)

    ok = big_m > 0
    r_ok = np.nan_to_num(r)
    rate_used = r_ok  # the rate each stratum contributes to R
    if basis == "riders":
        riders = b
        weight_rate = r_ok
    else:
        # N_h = B_h / (1 − r_h) = B_h (1 + g_h), g_h = r_h / (1 − r_h) unpaid riders per validation. g is
        # convex, so g(r̂) overstates g(r) by about v / (1 − r)³ (second-order Taylor term): that is
        # taken off, otherwise strata whose rate came out high by chance would also weigh more and the
        # city rate would lean upwards. A stratum with a handful of riders checked can show 1 of 1
        # unpaid, which would make its riders infinite: its weight uses the pooled rate instead.
        pooled_rate = float(big_y.sum() / big_m.sum()) if big_m.sum() > 0 else 0.0
        big = big_m >= MIN_CHECKED_FOR_WEIGHT
        rr = np.minimum(r_ok, MAX_RATE)
        g = np.maximum(rr / (1 - rr) - np.nan_to_num(var) / (1 - rr) ** 3, 0.0)
        weight_rate = np.where(big, g / (1 + g), pooled_rate)
        rate_used = np.where(big, weight_rate, r_ok)
        riders = b / (1 - np.minimum(weight_rate, MAX_RATE))
    total = riders[ok].sum()
    w = np.where(ok, riders / total, 0.0) if total > 0 else np.zeros(k)
    city = float((w * rate_used).sum()) if total > 0 else float("nan")
    # R = Σ N_h r_h / Σ N_h; with validations N_h depends on r_h too, and dR/dr_h = W_h (1 − R) / (1 − r_h).
    grad = w if basis == "riders" else w * (1 - city) / (1 - np.minimum(weight_rate, MAX_RATE))
    city_var = float(np.nansum(grad**2 * np.where(ok, var, 0.0)))
    city_srs = float(np.nansum(grad**2 * np.where(ok, var_srs, 0.0)))
    trips = int(n[ok].sum())
    df = max(trips - int(ok.sum()), 1)
    c_low, c_high = rate_interval([city], [city_var], [float(big_m.sum())], [df], method=method, confidence=confidence)
    return ArrayEstimate(
        trips=n.astype(np.int64),
        checked=big_m.astype(np.int64),
        unpaid=big_y.astype(np.int64),
        rate=r,
        variance=var,
        low=low,
        high=high,
        deff=deff,
        riders=riders,
        city_rate=city,
        city_variance=city_var,
        city_low=float(c_low[0]),
        city_high=float(c_high[0]),
        city_deff=city_var / city_srs if city_srs > 0 else float("nan"),
        city_df=df,
        checked_strata=ok,
    )


@dataclass(frozen=True, slots=True)
class Interval:
    estimate: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class RateEstimate:
    rate: float
    low: float
    high: float
    se: float
    deff: float | None  # None where no evader was found (nothing to compare with)
    df: int
    trips: int
    riders_checked: int
    unpaid_found: int


@dataclass(frozen=True, slots=True)
class StratumEstimate:
    route: str
    band: str
    ridership: int
    rate: RateEstimate | None  # None: no measurement check in this stratum
    unpaid_riders: Interval | None
    revenue_lost: Interval | None


@dataclass(frozen=True, slots=True)
class EvasionEstimate:
    """A month's evasion rate with everything that follows from it."""

    month: str
    basis: RidershipBasis
    method: Method
    confidence: float
    fare: float | None
    city: RateEstimate
    riders: float  # riders in the checked strata (estimated if ridership counts validations)
    unpaid_riders: Interval  # riders without paying in the month, in the checked strata
    revenue_lost: Interval | None  # unpaid riders × fare (None without a fare)
    ridership_covered: float  # share of the month's ridership in strata with measurement checks
    strata: tuple[StratumEstimate, ...]
    strata_unchecked: tuple[Stratum, ...]
    enforcement_checks_ignored: int


def _unpaid(boardings: float, rate: float, basis: RidershipBasis) -> float:
    """Riders without paying from a rate: N·r for riders, B·r/(1 − r) for validations (both rise with r)."""
    if basis == "riders":
        return boardings * rate
    r = min(rate, MAX_RATE)
    return boardings * r / (1 - r)


def _interval(boardings: float, low: float, est: float, high: float, basis: RidershipBasis) -> Interval:
    return Interval(_unpaid(boardings, est, basis), _unpaid(boardings, low, basis), _unpaid(boardings, high, basis))


def _times(interval: Interval | None, fare: float | None) -> Interval | None:
    if interval is None or fare is None:
        return None
    return Interval(interval.estimate * fare, interval.low * fare, interval.high * fare)


def estimate_month(
    checks: Iterable[Check],
    ridership: Iterable[Ridership],
    *,
    month: str,
    fare: float | None = None,
    method: Method = "effective",
    confidence: float = 0.95,
) -> EvasionEstimate:
    """The evasion rate of ``month`` from its measurement checks, weighted by its ridership."""
    rows = [r for r in ridership if r.month == month]
    if not rows:
        raise ValueError(f"no ridership for {month}: the rate is weighted by ridership, so it is needed")
    bases = {r.basis for r in rows}
    if len(bases) > 1:
        raise ValueError(f"ridership of {month} mixes validations and rider counts; use one basis")
    basis = rows[0].basis
    boardings: dict[Stratum, int] = {}
    for r in rows:
        boardings[r.stratum] = boardings.get(r.stratum, 0) + r.boardings
    strata = sorted(boardings)
    index = {s: i for i, s in enumerate(strata)}
    month_checks = [c for c in checks if month_of(c.start.date()) == month]
    measured = [c for c in month_checks if c.kind == "measurement"]
    unknown = sorted({c.stratum for c in measured} - set(index))
    if unknown:
        shown = ", ".join(f"{r}/{b}" for r, b in unknown[:5])
        raise ValueError(f"checks on routes and bands with no ridership in {month}: {shown}")
    if not measured:
        raise ValueError(f"no measurement checks in {month}: the rate is estimated from random checks only")
    est = estimate_arrays(
        [index[c.stratum] for c in measured],
        [c.riders_checked for c in measured],
        [c.unpaid for c in measured],
        [boardings[s] for s in strata],
        basis=basis,
        method=method,
        confidence=confidence,
    )
    total_b = float(sum(boardings.values()))
    covered_b = float(sum(boardings[s] for s in strata if est.checked_strata[index[s]]))
    per_stratum = []
    for i, (route, band) in enumerate(strata):
        if not est.checked_strata[i]:
            per_stratum.append(StratumEstimate(route, band, boardings[(route, band)], None, None, None))
            continue
        rate = RateEstimate(
            rate=float(est.rate[i]),
            low=float(est.low[i]),
            high=float(est.high[i]),
            se=float(np.sqrt(est.variance[i])),
            deff=None if np.isnan(est.deff[i]) else float(est.deff[i]),
            df=max(int(est.trips[i]) - 1, 1),
            trips=int(est.trips[i]),
            riders_checked=int(est.checked[i]),
            unpaid_found=int(est.unpaid[i]),
        )
        unpaid = _interval(boardings[(route, band)], rate.low, rate.rate, rate.high, basis)
        per_stratum.append(StratumEstimate(route, band, boardings[(route, band)], rate, unpaid, _times(unpaid, fare)))
    city = RateEstimate(
        rate=est.city_rate,
        low=est.city_low,
        high=est.city_high,
        se=float(np.sqrt(est.city_variance)),
        deff=None if np.isnan(est.city_deff) else est.city_deff,
        df=est.city_df,
        trips=int(est.trips.sum()),
        riders_checked=int(est.checked.sum()),
        unpaid_found=int(est.unpaid.sum()),
    )
    # The city's unpaid riders follow from its rate exactly as a stratum's do (R = ΣU/(ΣB + ΣU)).
    unpaid_city = _interval(covered_b, city.low, city.rate, city.high, basis)
    return EvasionEstimate(
        month=month,
        basis=basis,
        method=method,
        confidence=confidence,
        fare=fare,
        city=city,
        riders=float(est.riders[est.checked_strata].sum()),
        unpaid_riders=unpaid_city,
        revenue_lost=_times(unpaid_city, fare),
        ridership_covered=covered_b / total_b if total_b > 0 else 0.0,
        strata=tuple(per_stratum),
        strata_unchecked=tuple(s for s in strata if not est.checked_strata[index[s]]),
        enforcement_checks_ignored=len(month_checks) - len(measured),
    )
