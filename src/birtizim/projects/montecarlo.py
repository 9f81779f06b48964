"""Monte Carlo over the remaining work: the chance of finishing by the deadline and the P50/P80 dates.

Each trial redraws the remaining duration of every unfinished activity and pushes it through the
dependencies; the spread of project finishes over many trials is the forecast. Trials are numpy
vectors: the only Python loop is over activities in dependency order.

How a remaining duration is drawn (days):

    remaining = planned duration * (1 - percent done) / productivity * exp(common + own)

* productivity is the pace observed relative to the plan: the project's SPI(t) over the last two
  months (see ``project_productivity``), blended for an activity under way with its own pace
  (see ``activity_productivity``) as its own history grows to four weeks. Early on a
  pace is a ratio of small numbers, so it is trusted in proportion to the days of evidence behind
  it; it is bounded to 0.1-2.0 so a site that has earned nothing is forecast as very slow rather
  than never finishing, and a lucky fortnight does not promise miracles.
* ``common`` is one lognormal factor per trial shared by every activity (the same contractor, the
  same weather, the same supply problems): without it the activities' errors would cancel and the
  forecast would be falsely sure. ``own`` is each activity's independent part. Both are centred on
  zero, so the median trial is the pace seen so far.

Work already under way continues from the data date. Work not yet begun starts no earlier than its
planned start (crews are booked for then) and keeps the planned gap or overlap after each unfinished
predecessor's finish (see ``model.Activity``). Nothing finishes before what it depends on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from birtizim.projects.earned import EarnedValue
from birtizim.projects.model import Activity, Baseline, ProgressReport, progress_at, reports_until, topological_order

Vector = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SimulationParams:
    activity_sigma: float = 0.2  # lognormal sigma of each activity's own deviation
    project_sigma: float = 0.15  # lognormal sigma of the factor all activities of a trial share
    min_productivity: float = 0.1
    max_productivity: float = 2.0
    evidence_days: float = 28.0  # days of history after which an observed pace is trusted in full
    band_points: int = 40  # dates in the forecast band of the timeline chart


@dataclass(frozen=True, slots=True)
class HistogramBin:
    start: dt.date  # first day of the bin
    end: dt.date  # day after the last day of the bin
    share: float  # share of trials finishing in the bin


@dataclass(frozen=True, slots=True)
class BandPoint:
    """Percent complete expected on a date: the 10th, 50th and 90th percentiles over trials."""

    date: dt.date
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True, slots=True)
class Simulation:
    trials: int
    seed: int
    data_date: dt.date
    deadline: dt.date
    productivity: float  # the project-wide pace factor the trials are centred on
    p_on_time: float  # share of trials finishing on or before the deadline
    p10: dt.date
    p50: dt.date
    p80: dt.date
    p90: dt.date
    histogram: tuple[HistogramBin, ...]
    band: tuple[BandPoint, ...]


def project_productivity(earned: EarnedValue, params: SimulationParams) -> float:
    """The pace of the last two months in Earned Schedule terms (SPI(t) since the start when there is
    no such history), bounded, and weighted towards the plan's pace (1.0) while little time has passed.

    The recent pace rather than the cumulative one: a site that started a month late has suffered
    that month once, and cumulative SPI(t) would charge it again to every remaining activity, while
    a site that slowed down lately would hide behind its good start.
    """
    pace = earned.spi_t_recent if earned.spi_t_recent is not None else earned.spi_t
    if pace is None:
        return 1.0
    observed = min(max(pace, params.min_productivity), params.max_productivity)
    trust = min(1.0, earned.actual_time / params.evidence_days)
    return float(observed**trust)


def activity_productivity(
    activity: Activity,
    reports: Sequence[ProgressReport],
    data_date: dt.date,
    project: float,
    params: SimulationParams,
) -> float:
    """The activity's own pace blended with the project's, by how many days of its own history there are.

    Its own pace is the progress gained from the first report that showed it begun to the data date,
    per day, against the planned pace. When it began is not known (reports are fortnightly or monthly,
    in steps of 5%, and a late predecessor holds it back), so the first sighting is the baseline of
    the measurement rather than a guessed start; no gain over two weeks is a pace of nearly nothing.
    """
    if activity.planned_duration <= 0:
        return project
    first: tuple[dt.date, float] | None = None
    now = 0.0
    for r in reports:
        pct = r.percent_complete.get(activity.code)
        if pct is None:
            continue
        if pct > 0 and first is None:
            first = (r.date, float(pct))
        now = float(pct)
    if first is None or now >= 100:
        return project
    elapsed = (data_date - first[0]).days
    if elapsed < 14:
        return project
    planned_per_day = 100 / activity.planned_duration
    own = (now - first[1]) / elapsed / planned_per_day
    own = min(max(own, params.min_productivity), params.max_productivity)
    trust = min(1.0, elapsed / params.evidence_days)
    return float(project ** (1 - trust) * own**trust)


def _quantile_date(data_date: dt.date, finish_days: Vector, q: float) -> dt.date:
    return data_date + dt.timedelta(days=math.ceil(float(np.quantile(finish_days, q)) - 1e-9))


def simulate(
    baseline: Baseline,
    reports: Sequence[ProgressReport],
    earned: EarnedValue,
    *,
    deadline: dt.date,
    trials: int = 2000,
    seed: int = 0,
    params: SimulationParams | None = None,
) -> Simulation:
    """Simulate the remaining work from ``earned.data_date``; times inside are days from that date."""
    if trials < 1:
        raise ValueError("trials must be >= 1")
    params = params or SimulationParams()
    d0 = earned.data_date
    seen = reports_until(reports, d0)
    percents = progress_at(baseline, seen, d0)
    pace = project_productivity(earned, params)
    order = topological_order(baseline.activities)

    rng = np.random.default_rng(seed)
    # All draws up front, one row per activity in a fixed order: the same seed gives the same trials
    # whatever the activities' progress, so two forecasts of one object differ only by its data.
    common = rng.standard_normal(trials) * params.project_sigma
    own = rng.standard_normal((len(order), trials)) * params.activity_sigma

    zeros = np.zeros(trials)
    by_code = {a.code: a for a in order}
    starts: dict[str, Vector] = {}
    finishes: dict[str, Vector] = {}
    for i, a in enumerate(order):
        done = percents[a.code] / 100
        if done >= 1:
            starts[a.code] = finishes[a.code] = zeros
            continue
        # Finished predecessors constrain nothing any more; unfinished ones pass on their delay.
        open_preds = [c for c in a.depends_on if percents[c] < 100]
        finish_after = np.max([finishes[c] for c in open_preds], axis=0) if open_preds else zeros
        rate = activity_productivity(a, seen, d0, pace, params) if done > 0 else pace
        remaining = a.planned_duration * (1 - done) / rate * np.exp(common + own[i])
        if done > 0:
            starts[a.code] = zeros
        else:
            start = np.full(trials, float(max(0, (a.planned_start - d0).days)))
            for c in open_preds:
                lag = (a.planned_start - by_code[c].planned_finish).days  # negative: planned overlap
                start = np.maximum(start, finishes[c] + lag)
            starts[a.code] = start
        finishes[a.code] = np.maximum(starts[a.code] + remaining, finish_after)

    finish_days: Vector = np.max(np.stack(list(finishes.values())), axis=0)
    deadline_day = (deadline - d0).days
    return Simulation(
        trials=trials,
        seed=seed,
        data_date=d0,
        deadline=deadline,
        productivity=pace,
        p_on_time=float(np.mean(finish_days <= deadline_day)),
        p10=_quantile_date(d0, finish_days, 0.1),
        p50=_quantile_date(d0, finish_days, 0.5),
        p80=_quantile_date(d0, finish_days, 0.8),
        p90=_quantile_date(d0, finish_days, 0.9),
        histogram=_histogram(d0, finish_days),
        band=_band(baseline, percents, starts, finishes, d0, finish_days, deadline_day, params.band_points),
    )


def _histogram(d0: dt.date, finish_days: Vector) -> tuple[HistogramBin, ...]:
    """Finish dates in weekly bins (wider when the spread is over a year, to stay under ~52 bars)."""
    low = math.floor(float(finish_days.min()))
    high = math.ceil(float(finish_days.max())) + 1
    width = max(7, 7 * math.ceil((high - low) / (7 * 52)))
    edges = np.arange(low, high + width, width)
    counts, _ = np.histogram(np.ceil(finish_days - 1e-9), bins=edges)
    n = len(finish_days)
    return tuple(
        HistogramBin(
            start=d0 + dt.timedelta(days=int(edges[k])),
            end=d0 + dt.timedelta(days=int(edges[k + 1])),
            share=float(counts[k]) / n,
        )
        for k in range(len(counts))
    )


def _band(
    baseline: Baseline,
    percents: dict[str, float],
    starts: dict[str, Vector],
    finishes: dict[str, Vector],
    d0: dt.date,
    finish_days: Vector,
    deadline_day: int,
    points: int,
) -> tuple[BandPoint, ...]:
    """Percent complete over time across trials: the forecast band drawn after the last report.

    Within a trial an unfinished activity's remaining work is spread evenly between its simulated
    start and finish, as the plan spreads it between planned dates.
    """
    horizon = max(float(np.quantile(finish_days, 0.95)), float(deadline_day), 1.0)
    grid = np.unique(np.ceil(np.linspace(0.0, horizon, max(points, 2))))
    total = sum(a.weight for a in baseline.activities)
    trials = len(finish_days)
    complete = np.zeros((trials, len(grid)))
    for a in baseline.activities:
        done = percents[a.code] / 100
        share = a.weight / total
        if done >= 1:
            complete += share
            continue
        s = starts[a.code][:, None]
        span = (finishes[a.code] - starts[a.code])[:, None]
        elapsed = grid[None, :] - s
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.where(span > 0, elapsed / np.where(span > 0, span, 1.0), (elapsed >= 0).astype(np.float64))
        complete += share * (done + (1 - done) * np.clip(fraction, 0.0, 1.0))
    q10, q50, q90 = np.quantile(np.minimum(complete, 1.0) * 100, [0.1, 0.5, 0.9], axis=0)
    return tuple(
        BandPoint(
            date=d0 + dt.timedelta(days=int(day)),
            p10=round(float(a), 2),
            p50=round(float(b), 2),
            p90=round(float(c), 2),
        )
        for day, a, b, c in zip(grid, q10, q50, q90, strict=True)
    )
