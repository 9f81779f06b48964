"""``manage.py birtizim_worker``: claim queued runs and execute them, one at a time.

No broker: the queue is the Run table, claimed with a conditional UPDATE, so several workers can
run side by side. Progress and the log are written onto the run row for the page to poll.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from birtizim.web.registry import services


class Command(BaseCommand):
    help = "Execute queued reconciliation runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="execute what is queued now, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks at the queue")

    def handle(self, *args: Any, once: bool = False, poll: float = 1.0, **options: Any) -> None:
        stale = services.run_fail_stale()
        if stale:
            self.stdout.write(f"{stale} run(s) left running by a stopped worker marked failed")
        while True:
            run = services.run_claim_next()
            if run is None:
                if once:
                    return
                time.sleep(poll)
                continue
            self.stdout.write(f"run {run.pk}: started")
            done = services.run_execute(run)
            self.stdout.write(f"run {run.pk}: {done.state}")
