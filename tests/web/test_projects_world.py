"""Objects in Talgar and Karasay built through the web's own services, shared by the projects web
tests (``from test_projects_world import ...``), and the checks that the rows rebuild the core's data.

Two schools with one two-activity schedule each: Talgar's on course, Karasay's late. Forecasts are
as of 20 June 2025 (the clock is pinned, as the demo pins it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from conftest import HOME, OTHER, World

from birtizim import projects as core
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.projects import convert, selectors, services
from birtizim.web.projects.models import Project

D = dt.date
AS_OF = D(2025, 6, 20)
ADMIN = Scope(Role.ADMIN, None)


def valid_bin(serial: int = 321) -> str:
    value = core.make_bin(D(2015, 4, 1), serial)
    assert value is not None
    return value


def activities() -> list[core.Activity]:
    """A: roof, 1 March - 30 April (weight 40); B: interior, 1 May - 31 July (weight 60), after A."""
    return [
        core.Activity("A", "Кровля", D(2025, 3, 1), D(2025, 4, 30), 40),
        core.Activity("B", "Отделка", D(2025, 5, 1), D(2025, 7, 31), 60, ("A",)),
    ]


def object_fields(*, code: str, district: str) -> dict[str, Any]:
    """A school's fields as ``project_create`` takes them: every object the web tests make is one."""
    return {
        "code": code,
        "name": f"Школа {code}",
        "kind": Project.Kind.SCHOOL,
        "work": Project.Work.CAPITAL_REPAIR,
        "region": "almaty-2019",
        "district": district,
        "locality": "с. Тестовое",
        "address": "ул. Абая, 1",
        "deadline": D(2025, 8, 31),
        "deadline_reason": "1 сентября",
        "budget": Decimal("100000000"),
        "contractor_name": "ТОО «Тест Құрылыс»",
        "contractor_bin": valid_bin(),
        "contract_number": f"{code}/2025",
    }


def make_object(
    *, code: str, district: str, reports: list[tuple[dt.date, dict[str, float], int | None]], responsible: Any = None
) -> Project:
    project = services.project_create(
        scope=ADMIN, user=None, responsible=responsible, **object_fields(code=code, district=district)
    )
    services.baseline_create(
        scope=ADMIN, user=None, project=project, made_on=D(2025, 2, 1), reason="график", activities=activities()
    )
    for day, percents, workforce in reports:
        services.report_create(
            scope=ADMIN,
            user=None,
            project=project,
            date=day,
            percents=percents,
            accepted_money=Decimal(0),
            workforce=workforce,
        )
    project.refresh_from_db()
    return project


ON_COURSE = [(D(2025, 4, 30), {"A": 100}, 12), (D(2025, 6, 15), {"A": 100, "B": 50}, 14)]
LATE = [(D(2025, 4, 30), {"A": 60}, 6), (D(2025, 6, 15), {"A": 80, "B": 0}, 4)]


@dataclass(frozen=True)
class Objects:
    home: Project  # Talgar, on course, the Talgar officer responsible
    other: Project  # Karasay, late


def build_objects(world: World) -> Objects:
    """The two schools, forecasts pinned to 20 June 2025. Each test module wraps this in its own
    ``objects`` fixture (a fixture imported from another module would shadow its parameters)."""
    services.clock_pin(as_of=AS_OF, note="tests")
    home = make_object(code="T-HOME", district=HOME, reports=ON_COURSE, responsible=world.users["officer"])
    other = make_object(code="T-OTHER", district=OTHER, reports=LATE)
    return Objects(home, other)


@pytest.fixture
def objects(world: World, db: None) -> Objects:
    return build_objects(world)


# --------------------------------------------------------------------------------------------


def test_the_rows_rebuild_the_objects_core_data(objects: Objects) -> None:
    data = convert.object_data(convert.with_data(Project.objects.filter(pk=objects.home.pk)).get())
    assert data.project.district == HOME and data.project.budget == 100e6
    assert data.baseline is not None and [a.code for a in data.baseline.activities] == ["A", "B"]
    assert data.baseline.activity("B").depends_on == ("A",)
    assert [(r.date, dict(r.percent_complete), r.workforce) for r in data.reports] == ON_COURSE


def test_the_snapshot_is_the_cores_forecast_of_the_same_data(objects: Objects) -> None:
    snapshot = objects.other.snapshot
    f = core.forecast(
        convert.core_project(objects.other),
        core.Baseline(1, D(2025, 2, 1), "график", tuple(activities())),
        [core.ProgressReport(day, pct, 0.0, wf) for day, pct, wf in LATE],
        as_of=AS_OF,
        trials=selectors.TRIALS,
        seed=selectors.SEED,
    )
    assert snapshot.as_of == AS_OF
    assert (snapshot.rag, snapshot.p_on_time, snapshot.p80) == (
        f.risk.rag.value,
        f.simulation.p_on_time,
        f.simulation.p80,
    )
    assert snapshot.spi_t == f.earned.spi_t and snapshot.rag == "red"
    assert objects.home.snapshot.rag == "green"
