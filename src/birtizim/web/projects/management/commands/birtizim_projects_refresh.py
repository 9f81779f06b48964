"""``manage.py birtizim_projects_refresh``: recompute every object's forecast snapshot as of today.

Snapshots are refreshed whenever an object's data changes, but time passing changes forecasts too:
a report grows stale, an activity passes its planned finish. Run daily (cron or a systemd timer);
alerts for objects that got worse go out as with any refresh.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from birtizim.web.projects import selectors, services


class Command(BaseCommand):
    help = "Recompute the forecast snapshot of every construction object as of the forecasts' date."

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = selectors.forecast_as_of()
        n = services.snapshots_refresh(as_of=as_of)
        self.stdout.write(f"{n} forecasts as of {as_of.isoformat()}")
