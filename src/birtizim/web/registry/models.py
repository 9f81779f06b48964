"""Uploaded agency files, reconciliation runs, and the outcomes officers record for residents.

The single list itself (millions of rows) stays in each run's DuckDB file; these tables hold what
the web adds: who uploaded what, which run is current, and the work done on the lists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from birtizim.engine import KINDS


class Upload(models.Model):
    kind = models.CharField(max_length=32, choices=[(k, k) for k in KINDS])
    original_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)  # relative to DATA_DIR; the bytes as received
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    preview = models.JSONField(default=dict)  # birtizim.engine.Preview, without personal rows

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"


class Run(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploads = models.ManyToManyField(Upload, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The worker executing the run writes the time here every few seconds (services.RunHeartbeat); a
    # running run whose heartbeat stopped lost its worker and is requeued or failed (run_recover_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # claims so far; each attempt has its own folder
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=100, blank=True)
    log = models.TextField(blank=True)  # steps and counts only: never a person
    error = models.TextField(blank=True)
    folder = models.CharField(max_length=500, blank=True)  # relative to DATA_DIR
    region = models.CharField(max_length=32, blank=True)
    as_of = models.DateField(null=True, blank=True)
    summary = models.JSONField(default=dict)  # region and district figures, for trends across runs

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.state})"


class Outcome(models.Model):
    """What a district officer found when working a resident of the list."""

    class Result(models.TextChoices):
        REACHED = "reached", _("Reached")
        ACTUALISED = "actualised", _("Status actualised")
        REFUSED = "refused", _("Refused")
        MOVED = "moved", _("Moved away")
        DECEASED = "deceased", _("Deceased")
        NOT_FOUND = "not_found", _("Not found")

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="outcomes")
    # The IIN, not the run's person_id, identifies the resident across runs.
    iin = models.CharField(max_length=12, db_index=True)
    district = models.CharField(max_length=64, db_index=True)
    result = models.CharField(max_length=16, choices=Result.choices)
    actualised_as = models.CharField(max_length=64, blank=True)  # the category, when actualised
    status_then = models.CharField(max_length=32, blank=True)  # the run's status when recorded
    comment = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
