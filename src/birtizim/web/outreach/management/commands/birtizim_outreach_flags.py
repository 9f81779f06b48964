"""``manage.py birtizim_outreach_flags``: run every plausibility check into the follow-up list (e.g. nightly).

Writes refresh the flags as they happen; this catches what time and new runs change without a write
here: a report that became overdue overnight, the district figures of a new run of the single list.
Nothing happens when nothing the checks read has changed since the last pass (unless ``--force``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from birtizim.web.outreach.services import flags_sync


class Command(BaseCommand):
    help = "Run the outreach checks and bring the follow-up list up to date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="check again even if nothing changed")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        evaluation = flags_sync(force=force)
        if evaluation is None:
            self.stdout.write("outreach checks: nothing changed since the last pass")
            return
        self.stdout.write(
            f"outreach checks: {evaluation.flags} flags, {evaluation.raised} raised, {evaluation.cleared} cleared"
        )
