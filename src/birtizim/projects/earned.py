"""Earned value and Earned Schedule from a baseline and progress reports.

Units. Time is in days counted from the baseline's first planned start; value is a share of the
whole work (0-1), the activities' weights normalised. Money enters only through the budget (BAC,
tenge) and the accepted money (AC): EV in tenge is the earned share times BAC.

Why Earned Schedule. Plain SPI = EV/PV compares value, and at the end of any project EV and PV
both reach the whole budget, so SPI drifts to 1.0 even for a project finished months late. Earned
Schedule measures time instead: ES is the moment at which the plan had earned what the project has
earned now, and SPI(t) = ES/AT stays below 1 for a late project to the very end.

The data date is the date of the latest report (on or before ``as_of``): EV is known only when a
report says it, and how old that knowledge is is a red flag of its own, not something to guess.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from birtizim.projects.model import Baseline, ProgressReport, progress_at, reports_until

# The window of the recent pace: two months, long enough for 5%-step reports to show movement.
RECENT_DAYS = 56

# Shares within this distance of 1 count as complete: weights summed in floating point rarely give 1.0.
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class EarnedValue:
    """Earned value and Earned Schedule indicators at the data date. Times in days, money in tenge."""

    data_date: dt.date  # date of the latest report used; as_of when there is none
    start: dt.date  # baseline's first planned start: day 0
    planned_finish: dt.date
    planned_duration: float  # PD
    actual_time: float  # AT: days from start to the data date
    pv: float  # planned share of the work due by the data date, 0-1
    ev: float  # earned share, 0-1
    bac: float  # budget at completion
    ac: float  # accepted money, cumulative
    earned_schedule: float  # ES, days
    spi: float | None  # EV/PV; None before anything was planned
    spi_t: float | None  # ES/AT; None at or before the start
    spi_t_recent: float | None  # ES gained per day over the last RECENT_DAYS; None without such history
    cpi: float | None  # EV(tenge)/AC; None while nothing has been accepted
    eac: float | None  # BAC/CPI; BAC while nothing has been accepted; None if money was accepted for no work
    forecast_finish: dt.date | None  # IEAC(t) = start + PD/SPI(t); the actual finish once done
    finished_on: dt.date | None  # first report with every activity at 100%

    @property
    def percent_complete(self) -> float:
        return self.ev * 100

    @property
    def percent_planned(self) -> float:
        return self.pv * 100

    @property
    def earned_money(self) -> float:
        return self.ev * self.bac

    @property
    def schedule_variance_days(self) -> float:
        """SV(t) = ES - AT: negative days behind the plan."""
        return self.earned_schedule - self.actual_time


def _days(baseline: Baseline) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Planned start, planned finish (days from the baseline start) and normalised weight of each activity."""
    origin = baseline.start
    starts = np.array([(a.planned_start - origin).days for a in baseline.activities], dtype=np.float64)
    finishes = np.array([(a.planned_finish - origin).days for a in baseline.activities], dtype=np.float64)
    weights = np.array([a.weight for a in baseline.activities], dtype=np.float64)
    return starts, finishes, weights / weights.sum()


def planned_share(baseline: Baseline, t: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """PV as a share of the work at times ``t`` (days from the baseline start), each activity's value
    spread evenly between its planned start and finish; a milestone counts in full from its day."""
    return _share(baseline, t, left=False)


def _share(baseline: Baseline, t: npt.ArrayLike, *, left: bool) -> npt.NDArray[np.float64]:
    """PV at ``t``; with ``left`` the value just before ``t`` (a milestone due at ``t`` not yet counted)."""
    times = np.atleast_1d(np.asarray(t, dtype=np.float64))
    starts, finishes, weights = _days(baseline)
    span = finishes - starts
    elapsed = times[:, None] - starts[None, :]
    reached = (elapsed > 0) if left else (elapsed >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(span > 0, elapsed / np.where(span > 0, span, 1.0), reached.astype(np.float64))
    share: npt.NDArray[np.float64] = np.clip(fraction, 0.0, 1.0) @ weights
    return share


def earned_share(baseline: Baseline, percents: Mapping[str, float]) -> float:
    """EV as a share of the work: activities' percent complete weighted by their weights."""
    total = baseline.total_weight
    share = sum(a.weight * percents.get(a.code, 0.0) / 100 for a in baseline.activities) / total
    return 1.0 if share > 1 - _EPS else share


def _pv_polyline(baseline: Baseline) -> list[tuple[float, float]]:
    """The planned curve as vertices (t, PV), a jump (milestone) as two vertices at one t.

    PV is linear between consecutive planned starts and finishes, so these vertices describe it
    exactly and Earned Schedule can be interpolated without any time step.
    """
    starts, finishes, _ = _days(baseline)
    points: list[tuple[float, float]] = []
    for t in sorted(set(starts.tolist()) | set(finishes.tolist())):
        before = float(_share(baseline, t, left=True)[0])
        at = float(_share(baseline, t, left=False)[0])
        if at - before > _EPS:
            points.append((t, before))
        points.append((t, at))
    # The first vertex is (0, 0): nothing counts just before the first start. Pin the last to exactly
    # the whole work, which weights summed in floating point may miss by an ulp.
    points[-1] = (points[-1][0], 1.0)
    return points


def earned_schedule(baseline: Baseline, ev: float, actual_time: float) -> float:
    """ES: the time at which the plan had earned ``ev``, in days from the baseline start.

    Where the plan holds still (a pause between activities, or before work starts) every time in
    the pause has earned the same value; the one nearest AT is taken, so a project standing exactly
    where the plan stands during a pause is on schedule rather than early or late. ES never exceeds
    PD: a finished project has earned the whole plan, which was due at PD.
    """
    points = _pv_polyline(baseline)
    ev = min(max(ev, 0.0), 1.0)
    first = points[-1][0]  # earliest t with PV(t) >= ev
    for (t0, v0), (t1, v1) in itertools.pairwise(points):
        if v0 >= ev:
            first = t0
            break
        if v1 >= ev:
            first = t0 + (ev - v0) / (v1 - v0) * (t1 - t0)
            break
    last = points[0][0]  # latest t with PV(t) <= ev
    pairs = list(itertools.pairwise(points))
    for (t0, v0), (t1, v1) in reversed(pairs):
        if v1 <= ev:
            last = t1
            break
        if v0 <= ev:
            last = t0 + (ev - v0) / (v1 - v0) * (t1 - t0)
            break
    return float(min(max(actual_time, first), last))


def earned_value(
    baseline: Baseline, reports: Sequence[ProgressReport], *, budget: float, as_of: dt.date
) -> EarnedValue:
    """Indicators from the reports dated on or before ``as_of``.

    Without any report nothing counts as earned at ``as_of``: a site that reports nothing gets no
    credit for work it may have done.
    """
    seen = reports_until(reports, as_of)
    start = baseline.start
    pd = float(baseline.planned_duration)

    finished_on: dt.date | None = None
    for r in seen:
        if earned_share(baseline, progress_at(baseline, seen, r.date)) >= 1.0:
            finished_on = r.date
            break

    # Once finished, the indicators freeze at the finish: later reports repeat 100% and must not
    # make the project look later than it was.
    data_date = finished_on or (seen[-1].date if seen else as_of)
    percents = progress_at(baseline, seen, data_date)
    ev = earned_share(baseline, percents)
    at = float((data_date - start).days)
    pv = float(planned_share(baseline, at)[0])
    pv = 1.0 if pv > 1 - _EPS else pv
    es = earned_schedule(baseline, ev, at)
    ac = max((r.accepted_money for r in seen if r.date <= data_date), default=0.0)

    spi = ev / pv if pv > 0 else None
    spi_t = es / at if at > 0 else None
    spi_t_recent = None
    earlier = [r for r in seen if r.date <= data_date - dt.timedelta(days=RECENT_DAYS)]
    if earlier and finished_on is None:
        then = earlier[-1].date
        es_then = earned_schedule(
            baseline, earned_share(baseline, progress_at(baseline, seen, then)), (then - start).days
        )
        spi_t_recent = (es - es_then) / (data_date - then).days
    earned_money = ev * budget
    cpi = earned_money / ac if ac > 0 else None
    if cpi is None:
        eac: float | None = budget
    elif cpi > 0:
        eac = budget / cpi
    else:
        eac = None

    if finished_on is not None:
        forecast_finish: dt.date | None = finished_on
    elif spi_t is None:
        forecast_finish = baseline.finish
    elif spi_t > 0:
        # IEAC(t) = AT + (PD - ES)/SPI(t), which simplifies to PD/SPI(t).
        forecast_finish = start + dt.timedelta(days=math.ceil(pd / spi_t - _EPS))
    else:
        forecast_finish = None  # nothing earned after AT days: no rate to extrapolate from

    return EarnedValue(
        data_date=data_date,
        start=start,
        planned_finish=baseline.finish,
        planned_duration=pd,
        actual_time=at,
        pv=pv,
        ev=ev,
        bac=budget,
        ac=ac,
        earned_schedule=es,
        spi=spi,
        spi_t=spi_t,
        spi_t_recent=spi_t_recent,
        cpi=cpi,
        eac=eac,
        forecast_finish=forecast_finish,
        finished_on=finished_on,
    )


@dataclass(frozen=True, slots=True)
class CurvePoint:
    date: dt.date
    percent: float


def planned_curve(baseline: Baseline, days: Sequence[dt.date]) -> tuple[CurvePoint, ...]:
    """Planned percent complete on each of ``days``, for the timeline chart."""
    offsets = [(d - baseline.start).days for d in days]
    shares = planned_share(baseline, offsets)
    return tuple(CurvePoint(d, round(float(s) * 100, 2)) for d, s in zip(days, shares, strict=True))


def actual_curve(baseline: Baseline, reports: Sequence[ProgressReport]) -> tuple[CurvePoint, ...]:
    """Reported percent complete at each report date, for the timeline chart."""
    ordered = sorted(reports, key=lambda r: r.date)
    return tuple(
        CurvePoint(r.date, round(earned_share(baseline, progress_at(baseline, ordered, r.date)) * 100, 2))
        for r in ordered
    )
