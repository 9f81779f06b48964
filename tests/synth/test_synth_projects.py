"""The demo portfolio: deterministic, the four schools and 26 buildings, and a story with red and green."""

from __future__ import annotations

import datetime as dt
from functools import cache

from birtizim.cli.projects import forecast_table
from birtizim.projects.flags import FlagCode
from birtizim.projects.forecast import Forecast
from birtizim.projects.model import ObjectKind
from birtizim.projects.risk import Rag
from birtizim.reference import region
from birtizim.synth.projects import DemoPortfolio, demo_forecasts, demo_portfolio
from birtizim.tables.bin_number import is_valid_bin

SCHOOL_NAMES = ("Ракишева", "Крупской", "Карабулак", "Казахско-турецкий лицей")


@cache
def _portfolio() -> DemoPortfolio:
    return demo_portfolio()


@cache
def _forecasts() -> tuple[Forecast, ...]:
    return tuple(demo_forecasts(_portfolio(), trials=1000))


def _by_name(fragment: str) -> Forecast:
    (f,) = [f for f in _forecasts() if fragment in f.project.name]
    return f


def test_it_builds_the_same_portfolio_from_the_same_seed() -> None:
    assert demo_portfolio() == demo_portfolio()
    assert demo_portfolio(seed=1) != demo_portfolio()


def test_it_forecasts_the_same_way_twice() -> None:
    again = demo_forecasts(_portfolio(), trials=1000)
    assert [(f.project.code, f.simulation.p_on_time, f.risk.rag) for f in again] == [
        (f.project.code, f.simulation.p_on_time, f.risk.rag) for f in _forecasts()
    ]


def test_it_holds_the_four_schools_due_on_the_first_school_day() -> None:
    schools = [o.project for o in _portfolio().objects if o.project.kind == ObjectKind.SCHOOL]
    assert len(schools) == 4
    for fragment in SCHOOL_NAMES:
        (school,) = [s for s in schools if fragment in s.name]
        assert school.deadline == dt.date(_portfolio().year, 9, 1)
        assert "учебный год" in school.deadline_reason
    places = {s.locality for s in schools}
    assert places == {"с. Лесновка", "г. Жаркент", "п. Карабулак", "г. Талдыкорган"}
    assert {s.district for s in schools} <= {d.code for d in region("almaty-2019").districts}


def test_it_holds_26_shymkent_buildings_in_all_five_districts() -> None:
    buildings = [o.project for o in _portfolio().objects if o.project.kind == ObjectKind.APARTMENT_BUILDING]
    assert len(buildings) == 26
    assert {b.region for b in buildings} == {"shymkent"}
    assert {b.district for b in buildings} == {d.code for d in region("shymkent").districts}
    assert len({b.code for b in buildings}) == 26
    assert len({b.name for b in buildings}) == 26


def test_it_gives_plausible_baselines_and_valid_contractor_bins() -> None:
    for o in _portfolio().objects:
        assert 6 <= len(o.baseline.activities) <= 12, o.project.code
        assert is_valid_bin(o.project.contractor_bin), o.project.contractor_bin
        assert o.project.budget > 0
    assert any(len(o.baselines) > 1 for o in _portfolio().objects)  # a re-baselined object


def test_it_writes_histories_an_observer_could_have_written() -> None:
    as_of = _portfolio().as_of
    for o in _portfolio().objects:
        assert o.reports, o.project.code
        assert all(r.date <= as_of for r in o.reports)
        dates = [r.date for r in o.reports]
        assert dates == sorted(dates)
        money = [r.accepted_money for r in o.reports]
        assert money == sorted(money)  # acceptance is cumulative
        for code in (a.code for a in o.baseline.activities):
            values = [r.percent_complete.get(code, 0.0) for r in o.reports]
            assert values == sorted(values), (o.project.code, code)


def test_it_tells_a_story_with_red_and_green() -> None:
    rags = {f.risk.rag for f in _forecasts()}
    assert {Rag.RED, Rag.AMBER, Rag.GREEN} <= rags
    rakishev = _by_name("Ракишева")
    assert rakishev.risk.rag == Rag.RED
    assert rakishev.simulation.p_on_time < 0.05
    assert rakishev.simulation.p80 > dt.date(_portfolio().year, 9, 1)
    assert _by_name("Крупской").risk.rag == Rag.RED
    assert _by_name("Казахско-турецкий лицей").risk.rag == Rag.GREEN


def test_it_shows_every_kind_of_red_flag_somewhere() -> None:
    seen = {flag.code for f in _forecasts() for flag in f.flags}
    expected = set(FlagCode) - {FlagCode.INVALID_BIN}  # the demo's BINs are all valid
    assert expected <= seen


def test_it_ranks_the_demo_worst_first() -> None:
    order = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
    ranks = [order[f.risk.rag] for f in _forecasts()]
    assert ranks == sorted(ranks)


def test_it_prints_a_table_with_one_line_per_object() -> None:
    table = forecast_table(_forecasts())
    lines = table.splitlines()
    assert len(lines) == 1 + 30
    assert lines[0].split()[:3] == ["object", "SPI(t)", "P(on"]
    assert "Ракишева" in table and "red" in table
