"""A small fares city loaded once per test session (``from fares_world import fares, FaresWorld``).

Six routes, two teams, three months to June 2026 (the demo's loader with a small city), a fares
analyst who imported it, two inspectors of team T1 and one of T2, and a plan for the current month
with an open shift for each team (so the inspector's page has checks). Loading is idempotent, so
every module that imports the fixture shares the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.services import user_create
from birtizim.web.demo.fares import SMALL, demo_load
from birtizim.web.fares.models import Check, Plan, Protocol, Shift, Team
from birtizim.web.fares.services import inspector_create

PASSWORD = "correct-horse-battery"
LAST = "2026-06"


@dataclass(frozen=True)
class FaresWorld:
    users: dict[str, User]
    protocol: int  # a demo protocol's id (June)
    mine: str  # a check of team T1 open now
    theirs: str  # a check of team T2 open now
    later: str  # a check of team T1 whose shift is not published yet

    def client(self, name: str) -> Client:
        c = Client()
        c.force_login(self.users[name], backend="django.contrib.auth.backends.ModelBackend")
        return c


def _load() -> FaresWorld:
    if not User.objects.filter(username="fares-analyst").exists():
        analyst = user_create(username="fares-analyst", password=PASSWORD, role=Role.FARES_ANALYST)
        demo_load(user=analyst, seed=4, settings=SMALL, protocols=None, current_plan=False)
        inspector_create(username="inspector-a", password=PASSWORD, team="T1")
        inspector_create(username="inspector-a2", password=PASSWORD, team="T1")
        inspector_create(username="inspector-b", password=PASSWORD, team="T2")
        now = timezone.now().replace(second=0, microsecond=0)
        plan = Plan.objects.create(
            month=timezone.localtime(now).strftime("%Y-%m"), seed=11, seed_commitment="c" * 64, digest="d" * 64,
            parameters={"publish_lead_minutes": 60},
        )  # fmt: skip
        t1, t2 = Team.objects.get(code="T1"), Team.objects.get(code="T2")
        route = Check.objects.order_by("code").first().route  # type: ignore[union-attr]
        hours = dt.timedelta(hours=3)
        for team, code in ((t1, "NOW-A"), (t2, "NOW-B")):
            shift = Shift.objects.create(plan=plan, team=team, start=now - dt.timedelta(minutes=30), end=now + hours)
            Check.objects.create(
                code=code, plan=plan, shift=shift, team=team, route=route, band="day", start=now, kind="measurement"
            )
        later = Shift.objects.create(plan=plan, team=t1, start=now + dt.timedelta(hours=5), end=now + 2 * hours + hours)
        Check.objects.create(
            code="LATER-A",
            plan=plan,
            shift=later,
            team=t1,
            route=route,
            band="day",
            start=later.start,
            kind="measurement",
        )
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["fares-analyst", "inspector-a", "inspector-a2", "inspector-b"])
    }
    protocol = Protocol.objects.filter(offence_at__year=2026, offence_at__month=6).order_by("pk").first()
    assert protocol is not None
    return FaresWorld(
        users={"analyst": users["fares-analyst"], "inspector": users["inspector-a"],
               "colleague": users["inspector-a2"], "other_team": users["inspector-b"]},
        protocol=protocol.pk, mine="NOW-A", theirs="NOW-B", later="LATER-A",
    )  # fmt: skip


@pytest.fixture(scope="session")
def fares_loaded(django_db_setup: None, django_db_blocker: Any) -> FaresWorld:
    with django_db_blocker.unblock():
        return _load()


@pytest.fixture
def fares(fares_loaded: FaresWorld, db: None) -> FaresWorld:
    return fares_loaded
