"""Objects under construction or capital repair, their schedules and reports, forecasts and alerts.

The rows mirror the core's dataclasses (``birtizim.projects.model``); ``convert.py`` turns them into
those dataclasses for every computation. Baselines are never edited: re-baselining adds a version.
``Snapshot`` keeps each object's latest forecast so the portfolio page reads rows instead of
simulating every object; ``Alert`` tells the responsible officer when an object got worse.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from birtizim.projects.model import ObjectKind, WorkType
from birtizim.projects.risk import Rag


class Project(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = ObjectKind.SCHOOL.value, _("School")
        KINDERGARTEN = ObjectKind.KINDERGARTEN.value, _("Kindergarten")
        CLINIC = ObjectKind.CLINIC.value, _("Clinic")
        HOSPITAL = ObjectKind.HOSPITAL.value, _("Hospital")
        APARTMENT_BUILDING = ObjectKind.APARTMENT_BUILDING.value, _("Apartment building")
        SPORTS_FACILITY = ObjectKind.SPORTS_FACILITY.value, _("Sports facility")
        CULTURAL_CENTRE = ObjectKind.CULTURAL_CENTRE.value, _("Cultural centre")
        OTHER = ObjectKind.OTHER.value, _("Other")

    class Work(models.TextChoices):
        NEW_BUILD = WorkType.NEW_BUILD.value, _("New build")
        CAPITAL_REPAIR = WorkType.CAPITAL_REPAIR.value, _("Capital repair")

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    work = models.CharField(max_length=32, choices=Work.choices)
    region = models.CharField(max_length=32)  # birtizim.reference region code
    district = models.CharField(max_length=64, db_index=True)  # district code: officers are scoped by it
    locality = models.CharField(max_length=255)
    address = models.CharField(max_length=255, blank=True)
    deadline = models.DateField()  # current: a contract change that moves it updates it
    deadline_reason = models.TextField()
    budget = models.DecimalField(max_digits=16, decimal_places=2)  # current contract amount, tenge, the forecasts' BAC
    contractor_name = models.CharField(max_length=255)
    contractor_bin = models.CharField(max_length=12)
    contract_number = models.CharField(max_length=64)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The last edit of the facts that are not contract terms (name, address, officer, ...): who and when.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ContractChange(models.Model):
    """An additional agreement: what changed, with the deadline or amount before and after."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    date = models.DateField()
    what = models.TextField()
    old_deadline = models.DateField(null=True, blank=True)
    new_deadline = models.DateField(null=True, blank=True)
    old_amount = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=2)
    new_amount = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]


class Baseline(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    version = models.PositiveIntegerField()
    made_on = models.DateField()
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]
        constraints = [models.UniqueConstraint(fields=["project", "version"], name="projects_baseline_version")]


class Activity(models.Model):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField()  # the schedule's order
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    planned_start = models.DateField()
    planned_finish = models.DateField()
    weight = models.DecimalField(max_digits=16, decimal_places=2)  # budget in tenge or a relative share
    depends_on = models.JSONField(default=list, blank=True)  # codes of activities of the same baseline

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["baseline", "code"], name="projects_activity_code")]


class Report(models.Model):
    """What the site reported on a date; percents are cumulative, per activity (``ReportLine``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField()
    accepted_money = models.DecimalField(max_digits=16, decimal_places=2)  # cumulative, tenge
    workforce = models.PositiveIntegerField(null=True, blank=True)  # None: the report did not say
    issues = models.TextField(blank=True)
    photos = models.PositiveIntegerField(default=0)  # the stored photos' count once any is attached
    source = models.CharField(max_length=16, default="form")  # form, sheet (XLSX import) or demo
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "date"], name="projects_report_date")]


class ReportPhoto(models.Model):
    """A photo attached to a report, kept byte for byte under DATA_DIR/projects/<object id>/<sha256>.<ext>.

    Served only through the object's scoped view, never from a static URL. The same bytes attached to
    two reports of one object are one file on disk and two rows.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photo_files")
    original_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=255)  # relative to settings.DATA_DIR
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=32)  # from the magic bytes, not the name
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["report", "sha256"], name="projects_photo_once")]


class ReportLine(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="lines")
    activity_code = models.CharField(max_length=32)
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "activity_code"], name="projects_line_activity")]


class Snapshot(models.Model):
    """The object's latest forecast, as the portfolio shows it; refreshed after every change to its data."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="snapshot")
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    rag = models.CharField(max_length=8, choices=[(r.value, r.value) for r in Rag])
    rag_order = models.PositiveSmallIntegerField()  # 0 red, 1 amber, 2 green: the portfolio's first key
    cause = models.CharField(max_length=32)  # birtizim.projects.risk.Cause
    cause_flag = models.CharField(max_length=40, blank=True)
    reason = models.TextField()  # the core's English sentence (OC4IDS, logs); pages write their own
    p_on_time = models.FloatField()
    trials = models.PositiveIntegerField()
    p50 = models.DateField()
    p80 = models.DateField()
    spi = models.FloatField(null=True)
    spi_t = models.FloatField(null=True)
    cpi = models.FloatField(null=True)
    eac = models.FloatField(null=True)
    forecast_finish = models.DateField(null=True)
    percent_complete = models.FloatField()
    percent_planned = models.FloatField()
    data_date = models.DateField()
    finished_on = models.DateField(null=True)
    flags = models.JSONField(default=list)  # [{"code", "severity", "params"}], severe first
    severe_flags = models.PositiveSmallIntegerField(default=0)
    flag_count = models.PositiveSmallIntegerField(default=0)


class Alert(models.Model):
    class Kind(models.TextChoices):
        RAG_WORSE = "rag_worse", _("Rating worsened")
        SEVERE_FLAG = "severe_flag", _("New severe red flag")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old_rag = models.CharField(max_length=8, blank=True)  # empty: the object's first forecast
    new_rag = models.CharField(max_length=8)
    flag = models.JSONField(null=True, blank=True)  # the severe flag {"code", "severity", "params"}
    as_of = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="projects_alert_unread")]


class Clock(models.Model):
    """The date forecasts are made as of, when pinned (one row at most).

    Unpinned, forecasts are as of today. The demo pins the date its synthetic histories end on, so
    its objects are judged when their reports are fresh instead of a year later with every report
    stale; the settings' PROJECTS_AS_OF, when set, overrides both.
    """

    as_of = models.DateField()
    note = models.CharField(max_length=255, blank=True)
    set_at = models.DateTimeField(auto_now=True)
