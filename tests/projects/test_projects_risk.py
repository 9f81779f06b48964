"""Red, amber, green with the reason, and the portfolio worst first."""

from __future__ import annotations

import dataclasses

import pytest
from projects_builders import BUDGET, D, report, two_step_baseline

from birtizim.projects.earned import EarnedValue, earned_value
from birtizim.projects.flags import Flag, FlagCode, Severity
from birtizim.projects.montecarlo import Simulation
from birtizim.projects.risk import Cause, Rag, RiskRating, chance, chance_parts, rank_portfolio, rate

WARNING = Flag(FlagCode.OVERDUE_ACTIVITIES, Severity.WARNING, "1 activity is past the planned finish unfinished.")
SEVERE = Flag(FlagCode.NO_WORKFORCE, Severity.SEVERE, "Nobody was on site at the report of 2025-06-18.")


def _sim(p: float, trials: int = 2000) -> Simulation:
    day = D(2025, 8, 20)
    return Simulation(
        trials=trials,
        seed=0,
        data_date=D(2025, 6, 18),
        deadline=D(2025, 9, 1),
        productivity=1.0,
        p_on_time=p,
        p10=day,
        p50=day,
        p80=D(2025, 8, 28),
        p90=day,
        histogram=(),
        band=(),
    )


def _running() -> EarnedValue:
    return earned_value(two_step_baseline(), (report(D(2025, 3, 20), {"A": 50}),), budget=BUDGET, as_of=D(2025, 3, 25))


@pytest.mark.parametrize(
    ("p", "flags", "rag", "starts", "cause", "cause_flag"),
    [
        (
            0.30,
            (),
            Rag.RED,
            "Only 30% chance of being ready by 2025-09-01; P80 date 2025-08-28.",
            Cause.LOW_CHANCE,
            None,
        ),
        (0.90, (SEVERE,), Rag.RED, "Severe red flag: Nobody was on site", Cause.SEVERE_FLAG, FlagCode.NO_WORKFORCE),
        (0.70, (), Rag.AMBER, "Only 70% chance", Cause.MODERATE_CHANCE, None),
        (0.90, (WARNING,), Rag.AMBER, "Red flag: 1 activity is past", Cause.FLAG, FlagCode.OVERDUE_ACTIVITIES),
        (0.90, (), Rag.GREEN, "90% chance of being ready by 2025-09-01", Cause.ON_COURSE, None),
    ],
)
def test_it_rates_by_chance_and_flags(
    p: float, flags: tuple[Flag, ...], rag: Rag, starts: str, cause: Cause, cause_flag: FlagCode | None
) -> None:
    r = rate(_sim(p), _running(), flags)
    assert r.rag == rag
    assert r.reason.startswith(starts)
    assert (r.cause, r.cause_flag) == (cause, cause_flag)


def test_it_names_the_other_flags_in_the_reason() -> None:
    r = rate(_sim(0.2), _running(), (SEVERE, WARNING))
    assert r.reason.endswith("Red flags: no workforce, overdue activities.")
    assert (r.severe_flags, r.flags) == (1, 2)


def test_it_does_not_round_a_chance_across_the_amber_line() -> None:
    # 79.96% is below 80%: amber, and it must not read "80%".
    r = rate(_sim(0.7996), _running(), ())
    assert r.rag == Rag.AMBER
    assert "79% chance" in r.reason


def test_it_never_claims_certainty() -> None:
    assert chance(0.0, 2000) == "under 0.2%"  # rule of three: 3 / 2000 = 0.15%
    assert chance(1.0, 2000) == "over 99.8%"
    assert chance(0.004, 2000) == "under 1%"
    assert chance(0.5, 2000) == "50%"
    # The parts the web writes in other languages are the same numbers.
    assert chance_parts(0.0, 2000) == ("under", 0.2)
    assert chance_parts(0.7999, 2000) == ("", 79.0)


def test_it_rates_a_finished_object_by_when_it_finished() -> None:
    done = (report(D(2025, 5, 30), {"A": 100, "B": 100}),)
    e = earned_value(two_step_baseline(), done, budget=BUDGET, as_of=D(2025, 6, 1))
    on_time = rate(dataclasses.replace(_sim(1.0), deadline=D(2025, 6, 1)), e, ())
    assert on_time.rag == Rag.GREEN and "2 days before" in on_time.reason
    assert on_time.cause == Cause.FINISHED_ON_TIME
    late = rate(dataclasses.replace(_sim(0.0), deadline=D(2025, 5, 1)), e, ())
    assert late.rag == Rag.RED and "29 days after the deadline 2025-05-01" in late.reason
    assert late.cause == Cause.FINISHED_LATE


@dataclasses.dataclass(frozen=True)
class _Item:
    name: str
    risk: RiskRating


def _item(name: str, rag: Rag, p: float, severe: int = 0, flags: int = 0) -> _Item:
    return _Item(name, RiskRating(rag=rag, reason="", p_on_time=p, severe_flags=severe, flags=flags))


def test_it_ranks_the_portfolio_worst_first() -> None:
    items = [
        _item("green", Rag.GREEN, 0.95),
        _item("amber-flagged", Rag.AMBER, 0.9, flags=1),
        _item("red-likely-but-severe", Rag.RED, 0.9, severe=1, flags=1),
        _item("amber-odds", Rag.AMBER, 0.6),
        _item("red-hopeless", Rag.RED, 0.0, flags=2),
        _item("red-hopeless-quiet", Rag.RED, 0.0),
    ]
    assert [i.name for i in rank_portfolio(items)] == [
        "red-hopeless",
        "red-hopeless-quiet",
        "red-likely-but-severe",
        "amber-odds",
        "amber-flagged",
        "green",
    ]
