"""``manage.py birtizim_backup``: the database and the data folder in one tar file (``common.backup``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from birtizim.web.common import backup


class Command(BaseCommand):
    help = "Back up the database (dumpdata) and the data folder's files and runs into one tar file."

    def add_arguments(self, parser: CommandParser) -> None:
        default = os.environ.get("BIRTIZIM_BACKUP_DIR") or str(Path(settings.DATA_DIR).parent / "backups")
        parser.add_argument("--out", default=default, help=f"folder of the backups (default {default})")
        parser.add_argument("--keep-days", type=int, default=0, help="remove backups older than this (0: keep all)")

    def handle(self, *args: Any, out: str, keep_days: int, **options: Any) -> None:
        folder = Path(out)
        path = backup.backup_write(folder)
        self.stdout.write(f"{path} ({path.stat().st_size / 2**20:.1f} MB)")
        if keep_days:
            for old in backup.backups_prune(folder, keep_days=keep_days):
                self.stdout.write(f"removed {old}")
