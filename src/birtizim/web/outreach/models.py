"""What the web keeps for outreach and plausibility (issue 8).

The logs (events, citizens' questions), surveys and the districts' own reports are the inputs of
``birtizim.outreach``; the follow-up records are what leadership does about the flags it raises.
A follow-up is keyed by the core's ``Flag.key`` and keeps the flag's sentence and numbers as they
were when it was raised: the data may change later, the question that was asked stays readable.
Follow-ups are never deleted; a flag that stops firing is marked "no longer flagged".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from birtizim.outreach.messages import language_of
from birtizim.web.common.models import ImportedFile


class ImportBatch(ImportedFile):
    """One imported log file (or the demo's data): what was read, what was accepted, what was not.

    ``rejects`` are ``[{row, reason, cells}]``: cells hold only the columns the importer recognised,
    never a whole row."""

    class Kind(models.TextChoices):
        EVENTS = "events", _("Outreach log")
        QUESTIONS = "questions", _("Citizens' questions")
        DEMO = "demo", _("Demo data")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    ignored_columns = models.JSONField(default=list)
    blank_rows = models.JSONField(default=list)
    header_row = models.PositiveIntegerField(default=1)
    districts = models.JSONField(default=list)  # districts of the accepted rows: who may see the batch

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"


class OutreachEvent(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting")
        PUBLICATION = "publication", _("publication")
        BROADCAST = "broadcast", _("broadcast")
        PUBLIC_RECEPTION = "public_reception", _("public reception")
        STAND = "stand", _("stand at an event")

    district = models.CharField(max_length=64, db_index=True)
    date = models.DateField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    audience = models.CharField(max_length=300, blank=True)
    reach = models.PositiveIntegerField()
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["-date", "id"]


class CitizenQuestion(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("question")
        COMPLAINT = "complaint", _("complaint")

    district = models.CharField(max_length=64, db_index=True)
    date = models.DateField()
    channel = models.CharField(max_length=200, blank=True)
    topic = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=1)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.QUESTION)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="questions")

    class Meta:
        ordering = ["-date", "id"]


class SurveyResult(models.Model):
    """One cell of a survey; an empty occupation is the district-wide sample."""

    district = models.CharField(max_length=64, db_index=True)
    occupation = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=7)  # YYYY-MM
    sample_size = models.PositiveIntegerField()
    n_unaware = models.PositiveIntegerField()
    n_poor = models.PositiveIntegerField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys")

    class Meta:
        ordering = ["-period", "district", "occupation"]
        constraints = [
            models.UniqueConstraint(fields=["district", "occupation", "period"], name="outreach_survey_cell"),
        ]


class DistrictReport(models.Model):
    """A district's own monthly report; shares are fractions (0.23), as in the core."""

    district = models.CharField(max_length=64, db_index=True)
    period = models.CharField(max_length=7)
    reported_reach_share = models.FloatField(null=True, blank=True)
    reported_actualisation = models.FloatField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)  # None: expected, not received
    due_on = models.DateField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")

    class Meta:
        ordering = ["-period", "district"]
        constraints = [models.UniqueConstraint(fields=["district", "period"], name="outreach_report_period")]


class RuleSet(models.Model):
    """Validation rules as TOML, saved by the region administrator; the newest one is in force.

    Empty text means the built-in rules. Every save is a new row, so what was in force when a flag
    was raised can be looked up.
    """

    text = models.TextField(blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-saved_at", "-id"]


class Evaluation(models.Model):
    """One pass of every check over the data, and what it changed in the follow-up list."""

    at = models.DateTimeField(auto_now_add=True)
    fingerprint = models.CharField(max_length=300)  # run, rules, day and data it saw: unchanged means no new pass
    run_id_seen = models.PositiveIntegerField(null=True, blank=True)
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    as_of = models.DateField()
    flags = models.PositiveIntegerField(default=0)
    raised = models.PositiveIntegerField(default=0)
    cleared = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]


class FollowUp(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("open")
        ASSIGNED = "assigned", _("assigned")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")

    key = models.CharField(max_length=200, unique=True)  # the core's Flag.key: check:district:period
    code = models.CharField(max_length=64)
    district = models.CharField(max_length=64, db_index=True)
    period = models.CharField(max_length=7)
    severity = models.CharField(max_length=8)  # high, medium, low
    severity_rank = models.PositiveSmallIntegerField()  # 0 high: orders the list
    source = models.CharField(max_length=16)  # rule, outlier, completeness
    texts = models.JSONField(default=dict)  # language -> the sentence, as raised
    numbers = models.JSONField(default=dict)  # the figures behind it, as raised
    raised_at = models.DateTimeField(default=timezone.now)
    flagged = models.BooleanField(default=True)  # False: the checks no longer raise it
    cleared_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    close_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["severity_rank", "-period", "district", "code"]

    def __str__(self) -> str:
        return self.key

    def text(self, language: str | None = None) -> str:
        """The sentence in ``language`` (the active one by default), else Russian, else any."""
        texts: dict[str, str] = self.texts or {}
        wanted = language_of(language or get_language())
        return texts.get(wanted) or texts.get("ru") or next(iter(texts.values()), self.key)

    @property
    def explanation(self) -> str:
        return self.text()


class FollowUpStep(models.Model):
    """Who did what to a follow-up, and when: the record leadership reads back."""

    class Action(models.TextChoices):
        RAISED = "raised", _("raised")
        ASSIGNED = "assigned", _("assigned")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")
        CLEARED = "cleared", _("no longer flagged")
        RAISED_AGAIN = "raised_again", _("flagged again")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
