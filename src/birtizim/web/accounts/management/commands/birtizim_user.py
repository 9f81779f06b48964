"""Create a user with a role and districts: how a region administrator opens an account."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.services import user_create


class Command(BaseCommand):
    help = "Create a user with a role; officers need --district, club providers --bin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--district", action="append", default=[], help="district code; repeat for several")
        parser.add_argument("--region", default="almaty-2019")
        parser.add_argument("--bin", default="", help="a club provider's organisation BIN")

    def handle(
        self, *args: Any, username: str, role: str, district: list[str], region: str, bin: str, **options: Any
    ) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")
        password = secrets.token_urlsafe(12)
        try:
            user_create(
                username=username,
                password=password,
                role=role,
                districts=district,
                region=region,
                organisation_bin=bin,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        # The password is shown once, to the administrator at the terminal; it is never logged.
        self.stdout.write(f"{username} {password}")
