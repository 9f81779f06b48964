"""One call that gives the object page everything: indicators, simulation, flags, rating and chart series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from birtizim.projects.earned import CurvePoint, EarnedValue, actual_curve, earned_value, planned_curve
from birtizim.projects.flags import Flag, FlagSettings, red_flags
from birtizim.projects.model import Baseline, ProgressReport, ProjectObject, progress_at, reports_until
from birtizim.projects.montecarlo import Simulation, SimulationParams, simulate
from birtizim.projects.risk import RiskRating, RiskThresholds, rank_portfolio, rate

DEFAULT_TRIALS = 2000


@dataclass(frozen=True, slots=True)
class Forecast:
    project: ProjectObject
    baseline: Baseline
    as_of: dt.date
    earned: EarnedValue
    simulation: Simulation
    flags: tuple[Flag, ...]
    risk: RiskRating
    progress: Mapping[str, float]  # percent complete of each activity at the data date
    planned: tuple[CurvePoint, ...]  # weekly planned percent, baseline start to planned finish
    actual: tuple[CurvePoint, ...]  # reported percent at each report up to as_of


def _weekly(start: dt.date, finish: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=k) for k in range(0, (finish - start).days + 1, 7)]
    return days if days and days[-1] == finish else [*days, finish]


def forecast(
    project: ProjectObject,
    baseline: Baseline,
    reports: Sequence[ProgressReport],
    *,
    as_of: dt.date,
    trials: int = DEFAULT_TRIALS,
    seed: int = 0,
    flag_settings: FlagSettings | None = None,
    params: SimulationParams | None = None,
    thresholds: RiskThresholds | None = None,
) -> Forecast:
    """Forecast an object as of a date from the baseline in force and the reports up to that date.

    The deadline judged is the object's own (``project.deadline``), never the baseline's finish: a
    new baseline may move the plan, but it does not move the first school day.
    """
    seen = reports_until(reports, as_of)
    earned = earned_value(baseline, seen, budget=project.budget, as_of=as_of)
    simulation = simulate(baseline, seen, earned, deadline=project.deadline, trials=trials, seed=seed, params=params)
    flags = red_flags(project, baseline, seen, as_of=as_of, earned=earned, settings=flag_settings)
    return Forecast(
        project=project,
        baseline=baseline,
        as_of=as_of,
        earned=earned,
        simulation=simulation,
        flags=flags,
        risk=rate(simulation, earned, flags, thresholds=thresholds),
        progress=progress_at(baseline, seen, earned.data_date),
        planned=planned_curve(baseline, _weekly(baseline.start, baseline.finish)),
        actual=actual_curve(baseline, seen),
    )


def forecast_portfolio(
    items: Iterable[tuple[ProjectObject, Baseline, Sequence[ProgressReport]]],
    *,
    as_of: dt.date,
    trials: int = DEFAULT_TRIALS,
    seed: int = 0,
    flag_settings: FlagSettings | None = None,
    params: SimulationParams | None = None,
    thresholds: RiskThresholds | None = None,
) -> list[Forecast]:
    """Forecast every object and rank them worst first (see ``risk.rank_portfolio``)."""
    return rank_portfolio(
        forecast(
            project,
            baseline,
            reports,
            as_of=as_of,
            trials=trials,
            seed=seed,
            flag_settings=flag_settings,
            params=params,
            thresholds=thresholds,
        )
        for project, baseline, reports in items
    )
