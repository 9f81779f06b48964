"""``manage.py birtizim_demo REGION_DIR``: demo users (one per role) and a first run of a synthetic region.

Uploads the region's files through the same service analysts use, then executes the run here so
the dashboard has numbers when the server starts. Passwords are generated and printed once.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandParser

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.accounts.services import user_create
from birtizim.web.registry import services

DEMO_USERS: tuple[tuple[str, Role, list[str]], ...] = (
    ("admin", Role.ADMIN, []),
    ("analyst", Role.ANALYST, []),
    ("officer", Role.OFFICER, ["talgar", "karasay"]),
    ("viewer", Role.VIEWER, []),
)


class Command(BaseCommand):
    help = "Create demo users and reconcile a synthetic region."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("region_dir", type=Path)

    def handle(self, *args: Any, region_dir: Path, **options: Any) -> None:
        self.stdout.write("Demo users (passwords are shown only now):")
        analyst: User | None = None
        for username, role, districts in DEMO_USERS:
            User.objects.filter(username=username).delete()
            password = secrets.token_urlsafe(9)
            user = user_create(username=username, password=password, role=role, districts=districts)
            analyst = user if role == Role.ANALYST else analyst
            where = f" ({', '.join(districts)})" if districts else ""
            self.stdout.write(f"  {username:8} {password:14} {role.label}{where}")
        assert analyst is not None  # DEMO_USERS has one
        manifest = json.loads((region_dir / "manifest.json").read_text(encoding="utf-8"))
        scope = Scope(Role.ANALYST, None)
        for source in manifest["sources"]:
            path = region_dir / source["path"]
            upload = SimpleUploadedFile(path.name, path.read_bytes())
            services.upload_create(scope=scope, user=analyst, kind=source["kind"], file=upload)
        run = services.run_create(scope=scope, user=analyst)
        while (claimed := services.run_claim_next()) is not None:  # this run and any queued before it
            services.run_execute(claimed)
        run.refresh_from_db()
        if run.is_draft:  # the demo's first run is published by its analyst, as a person would after reading it
            run = services.run_publish(scope=scope, user=analyst, run=run, acknowledged=True, note="demo")
        self.stdout.write(f"run {run.pk}: {run.state} {run.error}".rstrip())
