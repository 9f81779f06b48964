"""``manage.py birtizim_outreach_demo [--seed N]``: the outreach demo data into the database.

Events, questions, surveys and district reports from ``birtizim.synth.outreach`` (the regional
meeting's Talgar case, an outlier, late and missing reports...), scaled to the current run's
district figures when a run exists. Running it again replaces the earlier demo rows with the same
ones; data people entered is left alone. Then every check runs, so the red flags are ready.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from birtizim.web.demo.outreach import demo_load


class Command(BaseCommand):
    help = "Load the outreach demo data (idempotent) and raise its flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        try:
            loaded = demo_load(seed=seed)
        except ValueError as exc:  # the run lacks a district the demo plants a case in
            raise CommandError(str(exc)) from None
        figures = "the current run's district figures" if loaded.with_run else "no run yet: reference populations"
        self.stdout.write(
            f"outreach demo (seed {seed}, {figures}): {loaded.events} events, {loaded.questions} question rows, "
            f"{loaded.surveys} survey cells, {loaded.reports} district reports"
        )
        if loaded.evaluation is not None:
            self.stdout.write(f"{loaded.evaluation.flags} flags ({loaded.evaluation.raised} newly raised)")
