"""Baseline versions side by side: how far each re-baselining moved the planned finish, and what it
did to each activity (its finish and its share of the work).

Re-baselining can hide slippage: the object looks on schedule against the new plan. Laying the
versions next to each other keeps visible how many days the plan itself has moved, and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from birtizim.projects.model import Baseline


@dataclass(frozen=True, slots=True)
class VersionSummary:
    version: int
    made_on: dt.date
    reason: str
    start: dt.date
    finish: dt.date
    activities: int
    moved_days: int | None  # planned finish against the previous version; None for the first
    moved_total: int  # planned finish against the first version


@dataclass(frozen=True, slots=True)
class ActivityVersion:
    planned_start: dt.date
    planned_finish: dt.date
    share: float  # percent of the version's total weight


@dataclass(frozen=True, slots=True)
class ActivityComparison:
    code: str
    name: str  # as the latest version holding it names it
    versions: tuple[ActivityVersion | None, ...]  # one per version, oldest first; None where absent
    finish_moved_days: int | None  # last planned finish against the first, among versions holding it

    @property
    def added(self) -> bool:
        """Absent from the first version: work that re-baselining added."""
        return self.versions[0] is None

    @property
    def removed(self) -> bool:
        return self.versions[-1] is None


@dataclass(frozen=True, slots=True)
class BaselineComparison:
    versions: tuple[VersionSummary, ...]
    activities: tuple[ActivityComparison, ...]

    @property
    def moved_total(self) -> int:
        return self.versions[-1].moved_total if self.versions else 0


def compare_baselines(baselines: Iterable[Baseline]) -> BaselineComparison:
    """Every version oldest first; activities in the latest version's order, dropped ones after them."""
    ordered = sorted(baselines, key=lambda b: b.version)
    if not ordered:
        return BaselineComparison((), ())
    first = ordered[0].finish
    summaries = tuple(
        VersionSummary(
            version=b.version,
            made_on=b.made_on,
            reason=b.reason,
            start=b.start,
            finish=b.finish,
            activities=len(b.activities),
            moved_days=None if k == 0 else (b.finish - ordered[k - 1].finish).days,
            moved_total=(b.finish - first).days,
        )
        for k, b in enumerate(ordered)
    )
    codes: list[str] = [a.code for a in ordered[-1].activities]
    for b in reversed(ordered[:-1]):
        codes += [a.code for a in b.activities if a.code not in codes]
    rows = []
    for code in codes:
        cells: list[ActivityVersion | None] = []
        name = ""
        for b in ordered:
            found = next((a for a in b.activities if a.code == code), None)
            if found is None:
                cells.append(None)
                continue
            name = found.name
            share = found.weight / b.total_weight * 100
            cells.append(ActivityVersion(found.planned_start, found.planned_finish, share))
        present = [c for c in cells if c is not None]
        moved = (present[-1].planned_finish - present[0].planned_finish).days if len(present) > 1 else None
        rows.append(ActivityComparison(code, name, tuple(cells), moved))
    return BaselineComparison(summaries, tuple(rows))
