"""Failed logins counted per account and per client address (``common.throttle``); what every
module's record of an imported file holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LoginFailures(models.Model):
    # "account:<hash>" or "address:<hash>": keyed hashes, so the table names no one and no address.
    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key[:16]}: {self.failures}"


class ImportedFile(models.Model):
    """One file a module imported (or its demo's load): who brought which file, what was taken and
    which rows were not. Each module adds its kinds and what its importer reports besides."""

    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    accepted = models.PositiveIntegerField(default=0)
    # The rows not taken, each with its spreadsheet row number; the fields beside it are the module's.
    rejects = models.JSONField(default=list)
    columns = models.JSONField(default=dict)  # field -> header found in the file

    class Meta:
        abstract = True
        ordering = ["-imported_at", "-id"]
