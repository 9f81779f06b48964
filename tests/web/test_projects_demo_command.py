"""``manage.py birtizim_projects_demo``: the core's demo portfolio as rows, the same rows when run twice."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from conftest import World
from django.core.management import call_command

from birtizim.synth.projects import demo_forecasts, demo_portfolio
from birtizim.web.projects import selectors, services
from birtizim.web.projects.models import (
    Activity,
    Alert,
    Baseline,
    ContractChange,
    Project,
    Report,
    ReportLine,
    Snapshot,
)


def _rows() -> dict[str, Any]:
    return {
        "projects": sorted(Project.objects.values_list("code", "district", "deadline", "budget", "contractor_bin")),
        "baselines": sorted(Baseline.objects.values_list("project__code", "version", "reason")),
        "activities": Activity.objects.count(),
        "changes": sorted(ContractChange.objects.values_list("project__code", "date", "new_deadline")),
        "reports": sorted(Report.objects.values_list("project__code", "date", "accepted_money", "workforce")),
        "lines": ReportLine.objects.count(),
        "snapshots": sorted(Snapshot.objects.values_list("project__code", "rag", "p_on_time", "p80")),
        "alerts": sorted(Alert.objects.values_list("recipient__username", "project__code", "kind", "new_rag")),
    }


def test_the_demo_loads_the_cores_portfolio_twice_to_the_same_rows(world: World, db: None) -> None:
    out = io.StringIO()
    call_command("birtizim_projects_demo", stdout=out)
    first = _rows()
    call_command("birtizim_projects_demo", stdout=io.StringIO())
    assert _rows() == first
    portfolio = demo_portfolio()
    assert len(first["projects"]) == 30 and len(first["reports"]) == sum(len(o.reports) for o in portfolio.objects)
    assert "30 objects" in out.getvalue()
    # The forecasts are pinned to the demo's date and are the core's own.
    assert selectors.forecast_as_of() == portfolio.as_of
    core = {f.project.code: f for f in demo_forecasts(portfolio)}
    for code, rag, p_on_time, p80 in first["snapshots"]:
        f = core[code]
        assert (rag, p_on_time, p80) == (f.risk.rag.value, f.simulation.p_on_time, f.simulation.p80), code
    # Every object that is not green on its first forecast alerted the region's administrator once.
    not_green = sum(1 for row in first["snapshots"] if row[1] != "green")
    told = sum(1 for a in first["alerts"] if a[0] == "admin" and a[2] == "rag_worse")
    assert 0 < not_green < 30 and told == not_green


def test_the_demo_officers_are_made_responsible_for_their_districts(world: World, db: None) -> None:
    call_command("birtizim_projects_demo", "--officers", stdout=io.StringIO())
    school = Project.objects.get(code="ZH-SCH-LESNOVKA")
    building = Project.objects.get(code="SHY-MKD-01")
    assert school.responsible is not None and school.responsible.username == "officer_zhetisu"
    assert building.responsible is not None and building.responsible.username == "officer_shymkent"


def test_the_daily_refresh_recomputes_forecasts_as_the_clock_moves(world: World, db: None) -> None:
    call_command("birtizim_projects_demo", stdout=io.StringIO())
    school = Snapshot.objects.get(project__code="ZH-SCH-KTL-TALDYKORGAN")
    assert school.rag == "green"
    # Two months on with no new report: every report is stale and the school is no longer green.
    services.clock_pin(as_of=dt.date(2025, 8, 20))
    out = io.StringIO()
    call_command("birtizim_projects_refresh", stdout=out)
    assert out.getvalue().startswith("30 forecasts as of 2025-08-20")
    later = Snapshot.objects.get(project__code="ZH-SCH-KTL-TALDYKORGAN")
    assert later.as_of == dt.date(2025, 8, 20) and later.rag != "green"
    assert any(f["code"] == "stale_reports" for f in later.flags)
