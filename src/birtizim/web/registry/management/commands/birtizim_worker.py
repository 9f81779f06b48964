"""``manage.py birtizim_worker``: claim queued runs and execute them, one at a time.

No broker: the queue is the Run table, claimed with a conditional UPDATE, so several workers can
run side by side. Progress, the log and a heartbeat are written onto the run row; between runs every
worker requeues (or fails) the runs whose heartbeat stopped -- a worker killed with ``kill -9``, a
machine restarted -- and removes run folders nothing refers to.
"""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from birtizim.web.registry import services


class Command(BaseCommand):
    help = "Execute queued reconciliation runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="execute what is queued now, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks at the queue")

    def handle(self, *args: Any, once: bool = False, poll: float = 1.0, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            # systemd stops with SIGTERM: finish the run in hand (its heartbeat keeps it ours), then exit.
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        removed = services.run_folders_sweep()
        if removed:
            self.stdout.write(f"{removed} run folder(s) nothing refers to removed")
        while not stopping:
            close_old_connections()  # a database restarted meanwhile gives a new connection, not an error
            requeued, failed = services.run_recover_stale()
            if requeued or failed:
                self.stdout.write(f"runs whose worker stopped: {requeued} requeued, {failed} failed")
            run = services.run_claim_next()
            if run is None:
                if once:
                    return
                time.sleep(poll)
                continue
            self.stdout.write(f"run {run.pk}: started (attempt {run.attempts})")
            done = services.run_execute(run)
            self.stdout.write(f"run {run.pk}: {done.state}")
