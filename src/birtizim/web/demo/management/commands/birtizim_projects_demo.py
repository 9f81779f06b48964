"""``manage.py birtizim_projects_demo [--officers]``: the construction demo (four schools, 26 buildings).

Idempotent: the demo's objects are replaced by fresh copies, snapshots computed, the forecasts'
clock pinned to the demo's date (see ``projects.demo``). ``--officers`` also creates one district
officer for the schools' districts and one for Shymkent (passwords printed once), made responsible
for the objects of their districts.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.services import user_create
from birtizim.web.demo.projects import demo_load

DEMO_OFFICERS: tuple[tuple[str, str, list[str]], ...] = (
    ("officer_zhetisu", "almaty-2019", ["eskeldi", "panfilov", "taldykorgan"]),
    ("officer_shymkent", "shymkent", ["abay", "al-farabi", "enbekshi", "karatau", "turan"]),
)


class Command(BaseCommand):
    help = "Load the construction demo portfolio (idempotent) and compute its forecasts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--officers", action="store_true", help="also create the demo's district officers")
        parser.add_argument("--no-pin", action="store_true", help="forecast as of today instead of the demo's date")

    def handle(self, *args: Any, officers: bool = False, no_pin: bool = False, **options: Any) -> None:
        if officers:
            self.stdout.write("Construction demo officers (passwords are shown only now):")
            for username, region, districts in DEMO_OFFICERS:
                User.objects.filter(username=username).delete()
                password = secrets.token_urlsafe(9)
                user_create(username=username, password=password, role=Role.OFFICER, districts=districts, region=region)
                self.stdout.write(f"  {username:17} {password:14} {', '.join(districts)}")
        loaded = demo_load(pin_clock=not no_pin)
        self.stdout.write(
            f"{loaded.objects} objects, {loaded.reports} reports, {loaded.snapshots} forecasts"
            + (f" as of {loaded.as_of.isoformat()} (pinned)" if not no_pin else "")
        )
