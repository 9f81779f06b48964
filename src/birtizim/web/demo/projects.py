"""The core's demo portfolio (four schools, 26 Shymkent buildings) stored as rows, idempotently.

Loading replaces the demo's objects (matched by code) with fresh copies, so running it twice gives
the same rows; objects entered by people are left alone. The demo's histories end in June of the
demo year, so the forecasts' clock is pinned to the demo's date: the objects are judged as of their
latest reports, not a year later when every report would be stale and every deadline past.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from birtizim.synth.projects import DemoObject, demo_portfolio
from birtizim.web.accounts.models import Profile, Role
from birtizim.web.demo.records import row_from
from birtizim.web.projects import services
from birtizim.web.projects.models import ContractChange, Project, Report, ReportLine

DEMO_NOTE = "demo portfolio: forecasts as of the date its synthetic reports end"


@dataclass(frozen=True)
class Loaded:
    objects: int
    reports: int
    as_of: dt.date
    snapshots: int


def _officer_for(district: str) -> User | None:
    """The first officer (by username) whose districts include the object's, to be its responsible."""
    for p in Profile.objects.select_related("user").filter(role=Role.OFFICER).order_by("user__username"):
        if district in (p.districts or []):
            return p.user
    return None


def _store(o: DemoObject) -> int:
    p = o.project
    exact = {"budget": services.money(p.budget), "kind": p.kind.value, "work": p.work.value}
    project = row_from(Project, p, responsible=_officer_for(p.district), **exact)
    project.save()
    ContractChange.objects.bulk_create(
        row_from(
            ContractChange,
            c,
            project=project,
            old_amount=None if c.old_amount is None else services.money(c.old_amount),
            new_amount=None if c.new_amount is None else services.money(c.new_amount),
        )
        for c in p.contract_changes
    )
    for b in o.baselines:
        services.baseline_store(project=project, baseline=b)
    reports = Report.objects.bulk_create(
        row_from(Report, r, project=project, accepted_money=services.money(r.accepted_money), source="demo")
        for r in o.reports
    )
    ReportLine.objects.bulk_create(
        ReportLine(report=row, activity_code=code, percent=services.percent(pct))
        for row, r in zip(reports, o.reports, strict=True)
        for code, pct in r.percent_complete.items()
    )
    return len(reports)


@transaction.atomic
def demo_load(*, pin_clock: bool = True) -> Loaded:
    portfolio = demo_portfolio()
    Project.objects.filter(code__in=[o.project.code for o in portfolio.objects]).delete()
    reports = sum(_store(o) for o in portfolio.objects)
    if pin_clock:
        services.clock_pin(as_of=portfolio.as_of, note=DEMO_NOTE)
    demo = Project.objects.filter(code__in=[o.project.code for o in portfolio.objects])
    snapshots = services.snapshots_refresh(projects=demo)
    return Loaded(objects=len(portfolio.objects), reports=reports, as_of=portfolio.as_of, snapshots=snapshots)
