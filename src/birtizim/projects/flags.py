"""Red flags: facts in the reports that call for a question to the contractor, each with its numbers.

A flag carries a code, a severity, one English sentence with the numbers, and the numbers themselves
in ``params`` so the web can write the sentence in the reader's language. A severe flag turns an
object red whatever its forecast says (see ``risk``): a site nobody reports on or where money runs
ahead of the work makes the forecast itself untrustworthy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from birtizim.projects.earned import EarnedValue, earned_value
from birtizim.projects.model import Baseline, ProgressReport, ProjectObject, progress_at, reports_until
from birtizim.tables.bin_number import InvalidBIN, validate_bin


class Severity(StrEnum):
    WARNING = "warning"
    SEVERE = "severe"


class FlagCode(StrEnum):
    """The params each flag carries (dates as ISO strings, percents rounded to 0.1):

    * stale_reports: days, last_report, reports (0: none at all, last_report is then the planned start)
    * money_ahead_of_progress: paid_percent, built_percent, gap_points, accepted (tenge)
    * repeated_deadline_moves: moves, days, chain
    * no_workforce: report, remaining_percent, case ("not_stated" or "nobody")
    * overdue_activities: count, worst_days, worst, worst_name, worst_percent, worst_due
    * invalid_contractor_bin: bin, reason
    """

    STALE_REPORTS = "stale_reports"
    MONEY_AHEAD = "money_ahead_of_progress"
    DEADLINE_MOVES = "repeated_deadline_moves"
    NO_WORKFORCE = "no_workforce"
    OVERDUE_ACTIVITIES = "overdue_activities"
    INVALID_BIN = "invalid_contractor_bin"


@dataclass(frozen=True, slots=True)
class Flag:
    code: FlagCode
    severity: Severity
    message: str
    params: Mapping[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FlagSettings:
    stale_after_days: int = 35  # a monthly report plus a working week of grace
    money_ahead_points: float = 10.0  # accepted money share above physical percent, in percentage points
    money_ahead_severe_points: float = 25.0
    deadline_moves: int = 2
    deadline_moves_severe: int = 3
    overdue_severe_days: int = 60


def stale_reports(
    baseline: Baseline,
    reports: Sequence[ProgressReport],
    *,
    as_of: dt.date,
    finished: bool,
    settings: FlagSettings,
) -> Flag | None:
    """No report for more than ``stale_after_days`` while work should be going on; severe past twice that."""
    if finished or as_of <= baseline.start:
        return None
    seen = reports_until(reports, as_of)
    since = seen[-1].date if seen else baseline.start
    gap = (as_of - since).days
    if gap <= settings.stale_after_days:
        return None
    severity = Severity.SEVERE if gap > 2 * settings.stale_after_days else Severity.WARNING
    if seen:
        message = f"No progress report for {gap} days: the last one is dated {since.isoformat()}."
    else:
        message = f"No progress report at all, {gap} days after work was planned to start on {since.isoformat()}."
    # ``reports`` tells "the last one is dated" from "none at all" (then ``last_report`` is the planned start).
    params: dict[str, str | int | float] = {"days": gap, "last_report": since.isoformat(), "reports": len(seen)}
    return Flag(FlagCode.STALE_REPORTS, severity, message, params)


def money_ahead_of_progress(earned: EarnedValue, *, settings: FlagSettings) -> Flag | None:
    """Accepted money's share of the budget exceeds the physical percent complete by the threshold.

    Acts signed for work that is not on site are the classic way a late object looks busy on paper.
    """
    if earned.bac <= 0:
        return None
    paid = earned.ac / earned.bac * 100
    built = earned.percent_complete
    gap = paid - built
    if gap <= settings.money_ahead_points:
        return None
    severity = Severity.SEVERE if gap > settings.money_ahead_severe_points else Severity.WARNING
    message = (
        f"Accepted work is {paid:.0f}% of the budget ({earned.ac:,.0f} tenge) but physical progress is "
        f"{built:.0f}%: money is {gap:.0f} points ahead of the work."
    )
    return Flag(
        FlagCode.MONEY_AHEAD,
        severity,
        message,
        {
            "paid_percent": round(paid, 1),
            "built_percent": round(built, 1),
            "gap_points": round(gap, 1),
            "accepted": round(earned.ac, 2),
        },
    )


def repeated_deadline_moves(project: ProjectObject, *, settings: FlagSettings) -> Flag | None:
    moves = project.deadline_moves
    if len(moves) < settings.deadline_moves:
        return None
    severity = Severity.SEVERE if len(moves) >= settings.deadline_moves_severe else Severity.WARNING
    dates = [m.old_deadline for m in moves[:1]] + [m.new_deadline for m in moves]
    chain = " -> ".join(d.isoformat() for d in dates if d is not None)
    first, last = moves[0].old_deadline, moves[-1].new_deadline
    shift = (last - first).days if first is not None and last is not None else 0
    message = f"The contract deadline was moved {len(moves)} times ({chain}), {shift} days in all."
    return Flag(FlagCode.DEADLINE_MOVES, severity, message, {"moves": len(moves), "days": shift, "chain": chain})


def no_workforce(reports: Sequence[ProgressReport], earned: EarnedValue, *, as_of: dt.date) -> Flag | None:
    """The latest report shows nobody on site (severe) or does not say (warning) while work remains."""
    seen = reports_until(reports, as_of)
    if not seen or earned.finished_on is not None or as_of < earned.start:
        return None
    latest = seen[-1]
    remaining = 100 - earned.percent_complete
    if latest.workforce is None:
        return Flag(
            FlagCode.NO_WORKFORCE,
            Severity.WARNING,
            f"The report of {latest.date.isoformat()} does not say how many people work on site; "
            f"{remaining:.0f}% of the work remains.",
            {"report": latest.date.isoformat(), "remaining_percent": round(remaining, 1), "case": "not_stated"},
        )
    if latest.workforce == 0:
        return Flag(
            FlagCode.NO_WORKFORCE,
            Severity.SEVERE,
            f"Nobody was on site at the report of {latest.date.isoformat()}; {remaining:.0f}% of the work remains.",
            {"report": latest.date.isoformat(), "remaining_percent": round(remaining, 1), "case": "nobody"},
        )
    return None


def overdue_activities(
    baseline: Baseline, reports: Sequence[ProgressReport], *, as_of: dt.date, settings: FlagSettings
) -> Flag | None:
    """Activities past their planned finish below 100%, the most overdue named first."""
    percents = progress_at(baseline, reports, as_of)
    late = sorted(
        (
            ((as_of - a.planned_finish).days, a, percents[a.code])
            for a in baseline.activities
            if a.planned_finish < as_of and percents[a.code] < 100
        ),
        key=lambda item: -item[0],  # stable: equally late activities keep the schedule's order
    )
    if not late:
        return None
    worst_days = late[0][0]
    severity = Severity.SEVERE if worst_days > settings.overdue_severe_days else Severity.WARNING
    named = "; ".join(f"{a.name} at {pct:.0f}%, due {a.planned_finish.isoformat()}" for _, a, pct in late[:3])
    more = f" and {len(late) - 3} more" if len(late) > 3 else ""
    count = "1 activity is" if len(late) == 1 else f"{len(late)} activities are"
    message = f"{count} past the planned finish unfinished: {named}{more}."
    return Flag(
        FlagCode.OVERDUE_ACTIVITIES,
        severity,
        message,
        {
            "count": len(late),
            "worst_days": worst_days,
            "worst": late[0][1].code,
            "worst_name": late[0][1].name,
            "worst_percent": round(late[0][2], 1),
            "worst_due": late[0][1].planned_finish.isoformat(),
        },
    )


def invalid_contractor_bin(project: ProjectObject) -> Flag | None:
    """A contractor whose BIN fails validation cannot be checked against the registers."""
    try:
        validate_bin(project.contractor_bin)
    except InvalidBIN as exc:
        return Flag(
            FlagCode.INVALID_BIN,
            Severity.WARNING,
            f"The contractor's BIN {project.contractor_bin!r} is not valid: {exc}.",
            {"bin": project.contractor_bin, "reason": str(exc)},
        )
    return None


def red_flags(
    project: ProjectObject,
    baseline: Baseline,
    reports: Sequence[ProgressReport],
    *,
    as_of: dt.date,
    earned: EarnedValue | None = None,
    settings: FlagSettings | None = None,
) -> tuple[Flag, ...]:
    """Every flag that fires for the object as of a date, severe ones first."""
    settings = settings or FlagSettings()
    seen = reports_until(reports, as_of)
    earned = earned or earned_value(baseline, seen, budget=project.budget, as_of=as_of)
    finished = earned.finished_on is not None
    found = [
        stale_reports(baseline, seen, as_of=as_of, finished=finished, settings=settings),
        money_ahead_of_progress(earned, settings=settings),
        repeated_deadline_moves(project, settings=settings),
        no_workforce(seen, earned, as_of=as_of),
        overdue_activities(baseline, seen, as_of=as_of, settings=settings),
        invalid_contractor_bin(project),
    ]
    flags = [f for f in found if f is not None]
    return tuple(sorted(flags, key=lambda f: f.severity != Severity.SEVERE))
