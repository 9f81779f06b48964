"""Login throttling: a growing delay per account and per client address, never a long lock.

An account may fail ``LOGIN_THROTTLE["account_free"]`` times; then it waits ``delay``, and each further
failure doubles the wait, up to ``max_delay``: a guesser slows to a few
tries an hour while the owner, who mistyped, waits seconds to minutes, not hours. The client address
(``common.client``: the real one, from the proxy's header) has its own, larger allowance, because a
whole office may sit behind one address. Failures are forgotten after ``forget`` of quiet, and an
account's count is cleared by a successful login. Keys are keyed hashes: the table names no one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from birtizim.web.common.client import client_address
from birtizim.web.common.models import LoginFailures


@dataclass(frozen=True)
class Rules:
    free: int
    delay: dt.timedelta
    max_delay: dt.timedelta
    forget: dt.timedelta


def _rules(kind: str) -> Rules:
    table: dict[str, Any] = settings.LOGIN_THROTTLE
    return Rules(
        free=int(table[f"{kind}_free"]),
        delay=dt.timedelta(seconds=float(table["delay_seconds"])),
        max_delay=dt.timedelta(seconds=float(table["max_delay_seconds"])),
        forget=dt.timedelta(hours=float(table["forget_hours"])),
    )


def _key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:64]}"


def _keys(request: HttpRequest, username: str) -> list[tuple[str, Rules]]:
    return [
        (_key("account", username.strip().casefold()), _rules("account")),
        (_key("address", client_address(request)), _rules("address")),
    ]


def wait_seconds(request: HttpRequest, username: str, *, now: dt.datetime | None = None) -> int:
    """Seconds before this account may try again from this address (0: now)."""
    now = now or timezone.now()
    keys = [k for k, _rules in _keys(request, username)]
    until = [
        b for b in LoginFailures.objects.filter(key__in=keys).values_list("blocked_until", flat=True) if b is not None
    ]
    latest = max(until, default=now)
    return max(0, int((latest - now).total_seconds() + 0.999))


def failure_record(request: HttpRequest, username: str, *, now: dt.datetime | None = None) -> None:
    """Count one failed login against the account and the address; set the wait that follows."""
    now = now or timezone.now()
    for key, rules in _keys(request, username):
        with transaction.atomic():
            row, _created = LoginFailures.objects.select_for_update().get_or_create(
                key=key, defaults={"failures": 0, "last_failure_at": now}
            )
            failures = 0 if now - row.last_failure_at > rules.forget else row.failures
            failures += 1
            past = failures - rules.free  # 0 at the last free failure: the first wait follows it
            blocked = None
            if past >= 0:
                blocked = now + min(rules.delay * 2 ** min(past, 30), rules.max_delay)
            LoginFailures.objects.filter(pk=row.pk).update(
                failures=failures, last_failure_at=now, blocked_until=blocked
            )


def success_record(request: HttpRequest, username: str) -> None:
    """A correct password clears the account's count (the address keeps its own)."""
    account, _rules = _keys(request, username)[0]
    LoginFailures.objects.filter(key=account).delete()
