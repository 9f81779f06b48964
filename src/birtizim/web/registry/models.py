"""Uploaded agency files, reconciliation runs, the outcomes officers record for residents, and the
decisions people make where the engine cannot (review, merges, detached rows).

The single list itself (millions of rows) stays in each run's DuckDB file; these tables hold what
the web adds: who uploaded what, which run is published, and the work done on the lists. Residents
are named by their stable ``person_id`` (the engine's identity table), which means the same person
in every run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    # A finished run is a draft until an analyst publishes it (the dashboard, trend and work lists show
    # published runs only) or discards it; ``comparison`` is the engine's comparison with the run that was
    # published when this one finished (engine.compare_runs, with ``against_run``), warnings included.
    comparison = models.JSONField(default=dict)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discarded_at = models.DateTimeField(null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publication_note = models.TextField(blank=True, max_length=2000)  # why it was published over warnings

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.state})"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.SUCCEEDED and self.published_at is None and self.discarded_at is None


class Outcome(models.Model):
    """What a district officer found when working a resident of the list.

    ``result`` is one of the engine's outcome codes (``engine.OUTCOMES``: the next run reads them as
    evidence), with the fields that code needs (``engine.OUTCOME_FIELDS``): the date a resident left
    the country or died, the category they were actualised as, when to call again. Rows recorded before
    the codes existed keep their old codes (``reached``, ``moved``, ``not_found``), shown in words and
    never handed to a run.
    """

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="outcomes")
    # The stable person_id names the resident in every run; the IIN is kept as the registry wrote it then.
    person_id = models.BigIntegerField(null=True, db_index=True)
    iin = models.CharField(max_length=12, db_index=True)
    district = models.CharField(max_length=64, db_index=True)
    result = models.CharField(max_length=24)
    category = models.CharField(max_length=64, blank=True)  # the category, when actualised (a code)
    on_date = models.DateField(null=True, blank=True)  # when they left the country or died
    follow_up = models.DateField(null=True, blank=True)  # when to call again ("will pay")
    status_then = models.CharField(max_length=32, blank=True)  # the run's status when recorded
    comment = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]


class Assignment(models.Model):
    """Which officer works a resident: set by an analyst or a district's officer, one live row per resident
    (a new assignment replaces the old one). Progress is counted against it: an assigned resident is worked
    once an outcome is recorded for them after ``assigned_at``."""

    person_id = models.BigIntegerField(unique=True)
    district = models.CharField(max_length=64, db_index=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="assignments")  # the run shown when assigned
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district", "officer_id", "person_id"]


class PeopleSettled(models.Model):
    """Who settled something the engine could not (a decision, a merge) and when; undone, never deleted:
    a later run applies only what is live, and the audit keeps both."""

    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-decided_at", "-id"]


class Decision(PeopleSettled):
    """What a person decided about an agency row the engine could not settle (or linked wrongly).

    The row is named by what stays true of it from one file to the next (its source kind and the
    engine's fingerprint of its content), the residents by their stable ids and the fingerprints of
    their registry records at the time; every later run applies it (engine.decisions). One live decision
    per row: a second person deciding the same row at once is refused by the unique constraint.
    Undoing keeps the row (``undone_at``): nothing is lost, and the engine's own answer returns.
    """

    class Verdict(models.TextChoices):
        SAME = "same", _("Same person")
        NONE = "none", _("None of these")
        UNSURE = "unsure", _("Unsure")
        DETACH = "detach", _("Detached from the resident")

    source = models.CharField(max_length=32)
    fingerprint = models.CharField(max_length=16)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    person_id = models.BigIntegerField(null=True, blank=True)  # SAME: the resident
    person_fingerprint = models.CharField(max_length=16, blank=True)
    # NONE and DETACH: the residents people said the row is not ([{"person_id", "fingerprint"}])
    rejected = models.JSONField(default=list, blank=True)
    district = models.CharField(max_length=64, db_index=True)  # whose work it is (the scope)
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="decisions")  # the run it was shown from
    record_id = models.BigIntegerField()  # the row in that run
    comment = models.TextField(blank=True, max_length=2000)

    class Meta(PeopleSettled.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["source", "fingerprint"], condition=Q(undone_at__isnull=True), name="one_live_decision_per_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.fingerprint} {self.verdict}"


class Merge(PeopleSettled):
    """Two residents who are one person (a registry duplicate): ``person_id`` goes into ``into_id`` in every
    later run. Undoing keeps the row; the next run has both residents again."""

    person_id = models.BigIntegerField()  # the resident absorbed
    person_fingerprint = models.CharField(max_length=16)
    into_id = models.BigIntegerField()  # the resident who stays
    into_fingerprint = models.CharField(max_length=16)
    different_iins = models.BooleanField(default=False)  # both IINs valid and different: confirmed with a reason
    reason = models.TextField(max_length=2000)
    district = models.CharField(max_length=64, db_index=True)  # the staying resident's
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="merges")

    class Meta(PeopleSettled.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["person_id"], condition=Q(undone_at__isnull=True), name="one_live_merge_per_resident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} -> {self.into_id}"
