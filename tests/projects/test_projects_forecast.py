"""The one-call API the web page uses, and the package's promise never to import Django."""

from __future__ import annotations

from projects_builders import D, report, school, two_step_baseline

from birtizim.projects import forecast, forecast_portfolio
from birtizim.projects.flags import FlagCode
from birtizim.projects.risk import Rag

REPORTS = (report(D(2025, 3, 31), {"A": 50}, money=10e6), report(D(2025, 4, 30), {"A": 100, "B": 50}, money=70e6))


def test_it_bundles_everything_the_object_page_needs() -> None:
    f = forecast(school(), two_step_baseline(), REPORTS, as_of=D(2025, 5, 2), trials=400, seed=3)
    assert f.as_of == D(2025, 5, 2)
    assert f.earned.spi_t == 0.75  # ES 45 / AT 60, see the earned value tests
    assert f.progress == {"A": 100.0, "B": 50.0}
    assert f.simulation.trials == 400 and f.simulation.deadline == D(2025, 9, 1)
    # Weekly planned points from 1 March, ending on the planned finish at 100%.
    assert f.planned[0].date == D(2025, 3, 1) and f.planned[0].percent == 0.0
    assert f.planned[1].date == D(2025, 3, 8) and f.planned[1].percent == 7.0  # 0.3 * 7 / 30
    assert f.planned[-1].date == D(2025, 4, 30) and f.planned[-1].percent == 100.0
    assert [(p.date, p.percent) for p in f.actual] == [(D(2025, 3, 31), 15.0), (D(2025, 4, 30), 65.0)]
    assert FlagCode.OVERDUE_ACTIVITIES in {flag.code for flag in f.flags}  # B was due 30 April
    assert f.risk.rag == Rag.AMBER  # likely on time for 1 September, but flagged


def test_it_judges_the_objects_deadline_not_the_baselines_finish() -> None:
    tight = forecast(school(deadline=D(2025, 5, 10)), two_step_baseline(), REPORTS, as_of=D(2025, 5, 2), trials=400)
    loose = forecast(school(deadline=D(2025, 9, 1)), two_step_baseline(), REPORTS, as_of=D(2025, 5, 2), trials=400)
    assert tight.simulation.p_on_time < 0.5 < loose.simulation.p_on_time
    assert tight.risk.rag == Rag.RED


def test_it_forecasts_a_portfolio_worst_first() -> None:
    items = [
        (school(deadline=D(2025, 9, 1)), two_step_baseline(), REPORTS),
        (school(deadline=D(2025, 5, 10)), two_step_baseline(), REPORTS),
    ]
    ranked = forecast_portfolio(items, as_of=D(2025, 5, 2), trials=300)
    assert [f.project.deadline for f in ranked] == [D(2025, 5, 10), D(2025, 9, 1)]
