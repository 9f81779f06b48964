"""Red, amber or green for an object, with the reason in one sentence, and the portfolio ranked worst first.

Red: less than an even chance of being ready by the deadline, or a severe red flag (a site that
does not report, has nobody on it or is paid ahead of its work cannot be believed on schedule).
Amber: less than 80% chance, or any flag. Green otherwise. An object already finished is green if it
finished by its deadline and red if after.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from birtizim.projects.earned import EarnedValue
from birtizim.projects.flags import Flag, FlagCode, Severity
from birtizim.projects.montecarlo import Simulation


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


_RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


class Cause(StrEnum):
    """Which rule gave the rating, so the reason can be written in the reader's language."""

    FINISHED_ON_TIME = "finished_on_time"
    FINISHED_LATE = "finished_late"
    LOW_CHANCE = "low_chance"  # below the red threshold
    SEVERE_FLAG = "severe_flag"  # the first severe flag is ``RiskRating.cause_flag``
    MODERATE_CHANCE = "moderate_chance"  # below the amber threshold
    FLAG = "flag"  # the first flag is ``RiskRating.cause_flag``
    ON_COURSE = "on_course"


@dataclass(frozen=True, slots=True)
class RiskThresholds:
    red_below: float = 0.5
    amber_below: float = 0.8


@dataclass(frozen=True, slots=True)
class RiskRating:
    rag: Rag
    reason: str
    p_on_time: float
    severe_flags: int
    flags: int
    cause: Cause = Cause.ON_COURSE
    cause_flag: FlagCode | None = None


def chance_parts(p: float, trials: int) -> tuple[str, float]:
    """A probability as a reader should take it, as ("under" | "over" | "", percent): never a bare 0% or
    100%, never rounded across a threshold. ``chance`` writes it in English; the web in other languages."""
    if p <= 0:
        # No trial on time: by the rule of three the chance is below 3/n with 95% confidence.
        return "under", math.ceil(3000 / trials) / 10
    if p >= 1:
        return "over", 100 - math.ceil(3000 / trials) / 10
    if p < 0.01:
        return "under", 1.0
    if p > 0.99:
        return "over", 99.0
    return "", float(math.floor(p * 100))  # floor: 79.9% must not read as the 80% that would make it green


def chance(p: float, trials: int) -> str:
    bound, percent = chance_parts(p, trials)
    return f"{bound} {percent:g}%" if bound else f"{percent:g}%"


def _flag_names(flags: Sequence[Flag]) -> str:
    return ", ".join(f.code.value.replace("_", " ") for f in flags)


def rate(
    simulation: Simulation,
    earned: EarnedValue,
    flags: Sequence[Flag],
    *,
    thresholds: RiskThresholds | None = None,
) -> RiskRating:
    t = thresholds or RiskThresholds()
    p = simulation.p_on_time
    deadline = simulation.deadline
    severe = [f for f in flags if f.severity == Severity.SEVERE]

    def rating(rag: Rag, reason: str, cause: Cause, flag: Flag | None = None) -> RiskRating:
        return RiskRating(
            rag=rag,
            reason=reason,
            p_on_time=p,
            severe_flags=len(severe),
            flags=len(flags),
            cause=cause,
            cause_flag=flag.code if flag is not None else None,
        )

    def also(shown: Flag | None) -> str:
        rest = [f for f in flags if f is not shown]
        return f" Red flags: {_flag_names(rest)}." if rest else ""

    if earned.finished_on is not None:
        finished = earned.finished_on.isoformat()
        days = (earned.finished_on - deadline).days
        if days <= 0:
            reason = f"Finished on {finished}, {-days} days before the deadline."
            return rating(Rag.GREEN, reason, Cause.FINISHED_ON_TIME)
        return rating(
            Rag.RED,
            f"Finished on {finished}, {days} days after the deadline {deadline.isoformat()}.",
            Cause.FINISHED_LATE,
        )

    odds = (
        f"{chance(p, simulation.trials)} chance of being ready by {deadline.isoformat()}; "
        f"P80 date {simulation.p80.isoformat()}"
    )
    if p < t.red_below:
        return rating(Rag.RED, f"Only {odds}.{also(None)}", Cause.LOW_CHANCE)
    if severe:
        return rating(
            Rag.RED, f"Severe red flag: {severe[0].message} ({odds}).{also(severe[0])}", Cause.SEVERE_FLAG, severe[0]
        )
    if p < t.amber_below:
        return rating(Rag.AMBER, f"Only {odds}.{also(None)}", Cause.MODERATE_CHANCE)
    if flags:
        return rating(Rag.AMBER, f"Red flag: {flags[0].message} ({odds}).{also(flags[0])}", Cause.FLAG, flags[0])
    return rating(Rag.GREEN, f"{odds[0].upper()}{odds[1:]}.", Cause.ON_COURSE)


class Rated(Protocol):
    @property
    def risk(self) -> RiskRating: ...


R = TypeVar("R", bound=Rated)


def rank_portfolio(items: Iterable[R]) -> list[R]:
    """Worst first: red before amber before green, then the lower chance of being on time, then more
    severe flags and more flags. Ties keep the given order."""
    return sorted(
        items,
        key=lambda x: (_RAG_ORDER[x.risk.rag], x.risk.p_on_time, -x.risk.severe_flags, -x.risk.flags),
    )
