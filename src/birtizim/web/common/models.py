"""Failed logins counted per account and per client address (``common.throttle``)."""

from __future__ import annotations

from django.db import models


class LoginFailures(models.Model):
    # "account:<hash>" or "address:<hash>": keyed hashes, so the table names no one and no address.
    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key[:16]}: {self.failures}"
