"""Capital repair and construction: will each object be ready by its deadline?

Pure Python and numpy, no Django: the web app persists the dataclasses of ``model`` and calls
``forecast`` (one object) or ``forecast_portfolio`` (all of them, worst first).

* ``model``: objects, baselines (versioned), contract changes, progress reports
* ``bin_number``: contractor BIN validation (the IIN's check digit)
* ``earned``: earned value and Earned Schedule (SPI(t), IEAC(t), CPI, EAC); time in days
* ``montecarlo``: simulation of the remaining work: P(ready by the deadline), P50/P80 dates, band
* ``flags``: red flags with their numbers
* ``risk``: red/amber/green with the reason, portfolio ranking
* ``forecast``: all of the above for one object in one call
* ``oc4ids``: OC4IDS project package export
* ``compare``: baseline versions side by side (days the plan moved, activities added or dropped)
* ``sheet``: the XLSX progress sheet read into reports (rejects with row numbers) and its template

The demo portfolio (four schools, 26 apartment buildings) is synthetic data: ``birtizim.synth.projects``.
"""

from birtizim.projects.compare import BaselineComparison, compare_baselines
from birtizim.projects.earned import CurvePoint, EarnedValue, earned_value
from birtizim.projects.flags import Flag, FlagCode, FlagSettings, Severity, red_flags
from birtizim.projects.forecast import Forecast, forecast, forecast_portfolio
from birtizim.projects.model import (
    Activity,
    Baseline,
    ContractChange,
    ObjectKind,
    ProgressReport,
    ProjectObject,
    WorkType,
    current_baseline,
)
from birtizim.projects.montecarlo import BandPoint, HistogramBin, Simulation, SimulationParams, simulate
from birtizim.projects.oc4ids import oc4ids_package, oc4ids_project
from birtizim.projects.risk import Cause, Rag, RiskRating, RiskThresholds, chance, chance_parts, rank_portfolio
from birtizim.tables.bin_number import InvalidBIN, is_valid_bin, make_bin, validate_bin

__all__ = [
    "Activity",
    "BandPoint",
    "Baseline",
    "BaselineComparison",
    "Cause",
    "ContractChange",
    "CurvePoint",
    "EarnedValue",
    "Flag",
    "FlagCode",
    "FlagSettings",
    "Forecast",
    "HistogramBin",
    "InvalidBIN",
    "ObjectKind",
    "ProgressReport",
    "ProjectObject",
    "Rag",
    "RiskRating",
    "RiskThresholds",
    "Severity",
    "Simulation",
    "SimulationParams",
    "WorkType",
    "chance",
    "chance_parts",
    "compare_baselines",
    "current_baseline",
    "earned_value",
    "forecast",
    "forecast_portfolio",
    "is_valid_bin",
    "make_bin",
    "oc4ids_package",
    "oc4ids_project",
    "rank_portfolio",
    "red_flags",
    "simulate",
    "validate_bin",
]
