"""Objects under construction or capital repair, their baseline schedules and their progress reports.

Plain frozen dataclasses: the web app persists them in its own models and rebuilds them for every
computation, so nothing here touches a database.

Time is measured in calendar days between dates taken as points: an activity planned from 1 March
to 31 March lasts 30 days and is due complete on 31 March; one whose start and finish are the same
day is a milestone (an acceptance commission, say) done all at once. Money is in tenge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class ObjectKind(StrEnum):
    SCHOOL = "school"
    KINDERGARTEN = "kindergarten"
    CLINIC = "clinic"
    HOSPITAL = "hospital"
    APARTMENT_BUILDING = "apartment_building"
    SPORTS_FACILITY = "sports_facility"
    CULTURAL_CENTRE = "cultural_centre"
    OTHER = "other"


class WorkType(StrEnum):
    NEW_BUILD = "new_build"
    CAPITAL_REPAIR = "capital_repair"


@dataclass(frozen=True, slots=True)
class Activity:
    """One line of the baseline schedule.

    ``weight`` is the activity's share of the work: its budget in tenge or any relative number; only
    ratios between activities matter. ``depends_on`` lists the activities this one follows. Building
    schedules overlap trades (finishes start on floors whose networks are done), so the planned gap
    or overlap between a predecessor's finish and this activity's start is kept when forecasting:
    if the predecessor finishes late, this activity starts correspondingly late, and it never
    finishes before its predecessors.
    """

    code: str
    name: str
    planned_start: dt.date
    planned_finish: dt.date
    weight: float
    depends_on: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("an activity needs a code")
        if self.planned_finish < self.planned_start:
            raise ValueError(f"activity {self.code}: planned finish {self.planned_finish} before start")
        if not self.weight >= 0:  # also rejects NaN
            raise ValueError(f"activity {self.code}: weight must be >= 0, got {self.weight}")
        if self.code in self.depends_on:
            raise ValueError(f"activity {self.code} depends on itself")

    @property
    def planned_duration(self) -> int:
        """Days from planned start to planned finish (0 for a milestone)."""
        return (self.planned_finish - self.planned_start).days


@dataclass(frozen=True, slots=True)
class Baseline:
    """A version of the agreed schedule. Re-baselining adds a version with its reason; none is edited,
    so slippage hidden by a new plan stays visible by comparing versions."""

    version: int
    made_on: dt.date
    reason: str
    activities: tuple[Activity, ...]

    def __post_init__(self) -> None:
        if not self.activities:
            raise ValueError(f"baseline {self.version} has no activities")
        codes = [a.code for a in self.activities]
        if len(set(codes)) != len(codes):
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            raise ValueError(f"baseline {self.version}: duplicate activity codes {dupes}")
        known = set(codes)
        for a in self.activities:
            missing = [d for d in a.depends_on if d not in known]
            if missing:
                raise ValueError(f"activity {a.code} depends on unknown activities {missing}")
        if self.total_weight <= 0:
            raise ValueError(f"baseline {self.version}: activity weights add up to zero")
        topological_order(self.activities)  # raises on a cycle

    @property
    def start(self) -> dt.date:
        return min(a.planned_start for a in self.activities)

    @property
    def finish(self) -> dt.date:
        return max(a.planned_finish for a in self.activities)

    @property
    def planned_duration(self) -> int:
        """PD of Earned Schedule: days from the first planned start to the last planned finish."""
        return (self.finish - self.start).days

    @property
    def total_weight(self) -> float:
        return sum(a.weight for a in self.activities)

    def activity(self, code: str) -> Activity:
        for a in self.activities:
            if a.code == code:
                return a
        raise KeyError(f"baseline {self.version} has no activity {code!r}")


def topological_order(activities: Iterable[Activity]) -> tuple[Activity, ...]:
    """Activities ordered so that each comes after everything it depends on.

    Ties keep the given order (Kahn's algorithm over a stable queue), so a schedule entered in a
    sensible order comes back unchanged. Raises ValueError naming the activities in a cycle.
    """
    items = list(activities)
    by_code = {a.code: a for a in items}
    waiting = {a.code: {d for d in a.depends_on if d in by_code} for a in items}
    done: list[Activity] = []
    placed: set[str] = set()
    while len(done) < len(items):
        ready = [a for a in items if a.code not in placed and not (waiting[a.code] - placed)]
        if not ready:
            cycle = sorted(c for c in waiting if c not in placed)
            raise ValueError(f"activities depend on each other in a cycle: {cycle}")
        # One at a time, so an activity freed by the one just placed still comes in input order.
        done.append(ready[0])
        placed.add(ready[0].code)
    return tuple(done)


def current_baseline(baselines: Iterable[Baseline]) -> Baseline:
    """The baseline in force: the highest version."""
    items = list(baselines)
    if not items:
        raise ValueError("no baseline")
    return max(items, key=lambda b: b.version)


@dataclass(frozen=True, slots=True)
class ContractChange:
    """An additional agreement to the contract: what changed, with the deadline or amount before and after."""

    date: dt.date
    what: str
    old_deadline: dt.date | None = None
    new_deadline: dt.date | None = None
    old_amount: float | None = None
    new_amount: float | None = None

    @property
    def moves_deadline(self) -> bool:
        old, new = self.old_deadline, self.new_deadline
        return old is not None and new is not None and new != old


@dataclass(frozen=True, slots=True)
class ProjectObject:
    """A building being built or repaired under one contract.

    ``deadline`` is the date the object must be ready for use; ``deadline_reason`` says why it cannot
    move (the first school day, the heating season) or that it is the contract's completion date.
    ``region`` and ``district`` are codes from ``birtizim.reference`` (the web scopes officers by
    district); ``budget`` is the current contract amount in tenge, the BAC of the forecasts.
    """

    code: str
    name: str
    kind: ObjectKind
    work: WorkType
    region: str
    district: str
    locality: str
    address: str
    deadline: dt.date
    deadline_reason: str
    budget: float
    contractor_name: str
    contractor_bin: str
    contract_number: str
    contract_changes: tuple[ContractChange, ...] = ()

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("an object needs a code")
        if not self.budget >= 0:
            raise ValueError(f"object {self.code}: budget must be >= 0, got {self.budget}")

    @property
    def deadline_moves(self) -> tuple[ContractChange, ...]:
        return tuple(c for c in sorted(self.contract_changes, key=lambda c: c.date) if c.moves_deadline)


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """What the site reported on a date.

    ``percent_complete`` maps activity codes to 0-100; reports are cumulative snapshots, and an
    activity a report leaves out keeps the value it had in the previous report. ``accepted_money``
    is the cumulative amount of work accepted (signed acts), in tenge. ``workforce`` is None when
    the report did not say, which is not the same as a report of nobody on site.

    ``percent_complete`` is kept as a read-only copy (persist it with ``dict(...)``); a report is
    therefore compared by value but not hashable.
    """

    date: dt.date
    percent_complete: Mapping[str, float]
    accepted_money: float
    workforce: int | None = None
    issues: str = ""
    photos: int = 0

    def __post_init__(self) -> None:
        for code, pct in self.percent_complete.items():
            if not 0 <= pct <= 100:
                raise ValueError(f"report {self.date}: {code} at {pct}% is outside 0-100")
        if not self.accepted_money >= 0:
            raise ValueError(f"report {self.date}: accepted money must be >= 0")
        if self.workforce is not None and self.workforce < 0:
            raise ValueError(f"report {self.date}: workforce must be >= 0")
        if self.photos < 0:
            raise ValueError(f"report {self.date}: photos must be >= 0")
        # A read-only copy: a caller mutating its dict later must not change a report in place.
        object.__setattr__(self, "percent_complete", MappingProxyType(dict(self.percent_complete)))


def reports_until(reports: Iterable[ProgressReport], day: dt.date) -> list[ProgressReport]:
    """Reports dated on or before ``day``, oldest first (a forecast as of a date must not see later ones)."""
    return sorted((r for r in reports if r.date <= day), key=lambda r: r.date)


def progress_at(baseline: Baseline, reports: Iterable[ProgressReport], day: dt.date) -> dict[str, float]:
    """Percent complete of every baseline activity as last reported on or before ``day`` (0 if never)."""
    out = {a.code: 0.0 for a in baseline.activities}
    for r in reports_until(reports, day):
        for code, pct in r.percent_complete.items():
            if code in out:
                out[code] = float(pct)
    return out
