"""``manage.py birtizim_restore BACKUP.tar``: into an empty database and data folder (``common.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from birtizim.web.common import backup


class Command(BaseCommand):
    help = "Restore a birtizim_backup file into an empty database (migrated first) and its data folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a birtizim-<date>-<time>.tar file")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            found = backup.backup_restore(Path(path))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {sum(found.values())} rows of {len(found)} models, and the data folder")
