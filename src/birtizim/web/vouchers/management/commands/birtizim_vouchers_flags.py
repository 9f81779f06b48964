"""``manage.py birtizim_vouchers_flags``: run the fraud flags over the voucher records (e.g. nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from birtizim.web.vouchers.flag_cases import flags_run


class Command(BaseCommand):
    help = "Run the voucher fraud flags and store them as cases (re-running opens no duplicate case)."

    def handle(self, *args: Any, **options: Any) -> None:
        record = flags_run(scope=None)
        counts = ", ".join(f"{code} {n}" for code, n in sorted(record.counts.items())) or "none"
        self.stdout.write(f"flags: {record.found} found, {record.new} new cases ({counts})")
