"""``manage.py birtizim_fares_demo [--seed N]``: the fares demo city into the database, with logins.

Creates (or recreates) two accounts and prints their passwords once: ``inspector`` (team T1, the
phone page) and ``transport`` (the transport department's analyst). Then loads three months of the
synthetic city, the last (June 2026) with exactly 983 protocols, and draws this month's plan so the
inspector's page has shifts.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.services import user_create
from birtizim.web.demo.fares import demo_load, next_shift
from birtizim.web.fares.services import inspector_create

INSPECTOR, ANALYST, TEAM = "inspector", "transport", "T1"


class Command(BaseCommand):
    help = "Load the fare inspection demo (3 months, June 2026 with 983 protocols) and create its logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        User.objects.filter(username__in=(INSPECTOR, ANALYST)).delete()
        analyst_password, inspector_password = secrets.token_urlsafe(9), secrets.token_urlsafe(9)
        analyst = user_create(username=ANALYST, password=analyst_password, role=Role.FARES_ANALYST)
        loaded = demo_load(user=analyst, seed=seed)
        inspector_create(username=INSPECTOR, password=inspector_password, team=TEAM, name="Демо контролёр")
        self.stdout.write("Fare inspection logins (passwords are shown only now):")
        self.stdout.write(f"  {ANALYST:10} {analyst_password:14} {Role.FARES_ANALYST.label}")
        self.stdout.write(f"  {INSPECTOR:10} {inspector_password:14} {Role.INSPECTOR.label}, team {TEAM}")
        self.stdout.write(
            f"fares demo (seed {seed}): months {', '.join(loaded.months)}; {loaded.protocols} protocols, "
            f"{loaded.last_month_protocols} in {loaded.months[-1]}; {loaded.checks} checks; {loaded.payments} payments"
        )
        if loaded.current_plan is not None:
            shift = next_shift(TEAM)
            when = (
                f"{timezone.localtime(shift.start):%Y-%m-%d %H:%M}–{timezone.localtime(shift.end):%H:%M}"
                if shift
                else "none left this month"
            )
            self.stdout.write(f"plan for {loaded.current_plan.month} drawn; team {TEAM}'s next shift: {when}")
