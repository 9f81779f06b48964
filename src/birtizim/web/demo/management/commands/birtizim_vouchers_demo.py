"""``manage.py birtizim_vouchers_demo [--region-dir DIR]``: a synthetic voucher world in the database.

Draws the world from the current run's single list (or a ``birtizim synth`` folder) with the core's
generator, replaces the previous demo records with it, runs the flags, and creates a login for the
provider with the most flags (its password is printed once).
"""

from __future__ import annotations

import secrets
from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from birtizim.web.accounts.services import user_create
from birtizim.web.demo import vouchers as demo
from birtizim.web.registry import runstore
from birtizim.web.registry.selectors import run_current
from birtizim.web.vouchers.flag_cases import flags_run
from birtizim.web.vouchers.models import Flag, Provider

USERNAME = "provider"


class Command(BaseCommand):
    help = "Load a synthetic voucher world (with injected ghosts) and print a provider login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region-dir", type=Path, default=None, help="a `birtizim synth` folder (default: current run)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--months", type=int, default=3)

    def handle(self, *args: Any, region_dir: Path | None, seed: int, months: int, **options: Any) -> None:
        run = run_current()
        run_folder = None
        if region_dir is None:
            if run is None:
                raise CommandError("no finished run yet: run birtizim_demo first or pass --region-dir")
            run_folder = runstore.run_path(run.folder)
        try:
            world, start, end = demo.build(run_folder=run_folder, region_dir=region_dir, seed=seed, months=months)
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        counts = demo.load(world)
        self.stdout.write(f"voucher world {start} to {end}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        record = flags_run(scope=None)
        self.stdout.write(f"flags: {record.found} found")
        per_provider: Counter[int] = Counter()
        for provider_ids in Flag.objects.values_list("provider_ids", flat=True):
            per_provider.update(set(provider_ids))
        if not per_provider:
            return
        provider = Provider.objects.get(pk=per_provider.most_common(1)[0][0])
        User.objects.filter(username=USERNAME).delete()
        password = secrets.token_urlsafe(9)
        user_create(username=USERNAME, password=password, role="provider", organisation_bin=provider.bin)
        self.stdout.write(
            f"  {USERNAME:8} {password:14} club provider: {provider.name} (BIN {provider.bin}, "
            f"{per_provider[provider.pk]} flags)"
        )
