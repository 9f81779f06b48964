"""The voucher programme's records, mirroring the core's tables (``birtizim.vouchers.schema``).

Each model holds one core table; ``flagdata`` exports them under the core's names and columns so
the core's SQL (flags, payment lines) runs on them unchanged. Statuses are the core's codes
(``birtizim.vouchers.model``) and change only through the core's rules, called by ``services``.
Children's IINs and names are personal data: pages show first names and masked IINs, and every
page or export listing children is written to the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from birtizim.engine import iin, is_valid_bin
from birtizim.vouchers.model import (
    AGE_LIMIT,
    AGE_MIN,
    LIVE_VOUCHER_STATUSES,
    ConfirmationOutcome,
    LeaveReason,
    MarkKind,
    Priority,
    TimesheetStatus,
    VoucherStatus,
)


def validate_bin(value: str) -> None:
    """A BIN carries the IIN's check digit: a typo would attach payments to no organisation."""
    if not is_valid_bin(value):
        raise ValidationError(_("Not a valid BIN (12 digits with a check digit)."))


def validate_iin(value: str) -> None:
    if not iin.is_valid(value):
        raise ValidationError(_("Not a valid IIN (12 digits with a check digit)."))


VOUCHER_STATUS_CHOICES = [
    (VoucherStatus.ISSUED.value, _("issued")),
    (VoucherStatus.ACCEPTED.value, _("accepted")),
    (VoucherStatus.ACTIVE.value, _("active")),
    (VoucherStatus.FROZEN.value, _("frozen")),
    (VoucherStatus.EXPIRED.value, _("expired")),
]
TIMESHEET_STATUS_CHOICES = [
    (TimesheetStatus.DRAFT.value, _("draft")),
    (TimesheetStatus.SUBMITTED.value, _("submitted")),
    (TimesheetStatus.PARENT_CONFIRMED.value, _("confirmed by parents")),
    (TimesheetStatus.VERIFIED.value, _("verified")),
    (TimesheetStatus.APPROVED.value, _("approved")),
    (TimesheetStatus.PAID.value, _("paid")),
]
MARK_CHOICES = [
    (MarkKind.PRESENT.value, _("present")),
    (MarkKind.EXCUSED_ABSENCE.value, _("excused absence")),
    (MarkKind.UNEXCUSED_ABSENCE.value, _("unexcused absence")),
]
OUTCOME_CHOICES = [
    (ConfirmationOutcome.CONFIRMED.value, _("confirmed")),
    (ConfirmationOutcome.DISPUTED.value, _("disputed")),
]
PRIORITY_CHOICES = [
    (Priority.ORPHAN.value, _("orphan or without parental care")),
    (Priority.DISABILITY.value, _("child with a disability")),
    (Priority.LARGE_FAMILY.value, _("large family")),
    (Priority.SOCIAL_ASSISTANCE.value, _("targeted social assistance")),
]
LEAVE_CHOICES = [
    (LeaveReason.MOVED.value, _("moved to another group")),
    (LeaveReason.DROPPED_OUT.value, _("dropped out")),
    (LeaveReason.AGED_OUT.value, _("aged out")),
    (LeaveReason.VOUCHER_FROZEN.value, _("voucher frozen")),
]
WEEKDAYS = [
    (1, _("Mon")),
    (2, _("Tue")),
    (3, _("Wed")),
    (4, _("Thu")),
    (5, _("Fri")),
    (6, _("Sat")),
    (7, _("Sun")),
]
KIND_CHOICES = [
    ("sport", _("sport")),
    ("creative", _("creative")),
    ("technical", _("technical")),
    ("intellectual", _("intellectual")),
]


class Provider(models.Model):
    bin = models.CharField(max_length=12, unique=True, validators=[validate_bin])
    name = models.CharField(max_length=200)
    district = models.CharField(max_length=64, db_index=True)  # where it is registered: its officer's scope

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """A period the education department contracts the provider for; sessions outside it are not paid."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contracts")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["provider_id", "starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="vouchers_contract_dates")]


class Venue(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="venues")
    district = models.CharField(max_length=64)
    address = models.CharField(max_length=300)
    capacity = models.PositiveIntegerField()  # people the premises hold at once


class Staff(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="staff")
    full_name = models.CharField(max_length=200)
    background_check_on = models.DateField(null=True, blank=True)  # date of the criminal record certificate


class Programme(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    age_min = models.PositiveSmallIntegerField()
    age_max = models.PositiveSmallIntegerField()  # inclusive
    rate_per_session = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__gte=AGE_MIN, age_max__lt=AGE_LIMIT, age_min__lte=F("age_max")),
                name="vouchers_programme_ages",
            ),
            models.CheckConstraint(condition=Q(rate_per_session__gte=0), name="vouchers_programme_rate"),
        ]


class Group(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="groups")
    # Repeats the programme's provider so that every scope filter is one column away.
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="groups")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="groups")
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="groups")
    name = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField()  # children per group

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ScheduleSlot(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="schedule")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)  # ISO: 1 = Monday ... 7 = Sunday
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="vouchers_slot_weekday"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="vouchers_slot_times"),
        ]


class Parent(models.Model):
    """The parent or guardian who receives confirmation links; no account, so only a contact is kept."""

    contact = models.CharField(max_length=200, blank=True)  # phone or e-mail the links go to


class Child(models.Model):
    iin = models.CharField(max_length=12, unique=True, validators=[validate_iin])  # one child, one register entry
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, blank=True)
    district = models.CharField(max_length=64, db_index=True)
    parent = models.ForeignKey(Parent, null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    priority = models.CharField(max_length=32, choices=PRIORITY_CHOICES, blank=True)


class AllocationBatch(models.Model):
    """One run of the allocation queue over every application not yet ranked (see ``allocation``)."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    salt = models.CharField(max_length=64)  # published with the results: anyone can recompute the lottery
    salt_sha256 = models.CharField(max_length=64)
    time_bucket_hours = models.PositiveIntegerField(default=24)
    vouchers = models.PositiveIntegerField()  # vouchers the budget pays for in this batch
    ranked = models.PositiveIntegerField(default=0)
    allocated = models.PositiveIntegerField(default=0)
    nominal_value = models.DecimalField(max_digits=14, decimal_places=2)
    valid_until = models.DateField()

    class Meta:
        ordering = ["-created_at", "-id"]


class Application(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="applications")
    applied_at = models.DateTimeField()
    priorities = models.JSONField(default=list, blank=True)  # model.Priority codes
    batch = models.ForeignKey(
        AllocationBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    rank = models.PositiveIntegerField(null=True, blank=True)  # 1 = first; null: not ranked or a duplicate
    allocated = models.BooleanField(null=True, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["applied_at", "id"]


class Voucher(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="vouchers")
    status = models.CharField(max_length=16, choices=VOUCHER_STATUS_CHOICES, default=VoucherStatus.ISSUED.value)
    issued_on = models.DateField()
    valid_until = models.DateField()
    nominal_value = models.DecimalField(max_digits=14, decimal_places=2)
    batch = models.ForeignKey(AllocationBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            # One live voucher per child: the service refuses with a reason, this index makes a race fail too.
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status__in=sorted(s.value for s in LIVE_VOUCHER_STATUSES)),
                name="vouchers_one_live_voucher_per_child",
            )
        ]


class Enrolment(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="enrolments")
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="enrolments")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="enrolments")
    start_date = models.DateField()  # the contract with the parent
    end_date = models.DateField(null=True, blank=True)  # inclusive; null while open
    leave_reason = models.CharField(max_length=32, choices=LEAVE_CHOICES, blank=True)

    class Meta:
        ordering = ["start_date", "id"]


class Session(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="vouchers_session_times")]


class Mark(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="marks")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="marks")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=MARK_CHOICES)
    checked_in_at = models.DateTimeField(null=True, blank=True)  # the door scan; null when absent
    # When the mark was saved: a month saved at once is a flag; indexed, as the dashboard's data stamp reads it.
    entered_at = models.DateTimeField(db_index=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="vouchers_one_mark_per_session")]


class Timesheet(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="timesheets")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="timesheets")
    period = models.DateField()  # first day of the month
    status = models.CharField(max_length=24, choices=TIMESHEET_STATUS_CHOICES, default=TimesheetStatus.DRAFT.value)
    created_at = models.DateTimeField()
    # Figures as of the last transition (payment.compute over the month's marks and confirmations).
    sessions = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    confirmed_present = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["-period", "group_id", "id"]
        # No unique (group, period): imported registers may hold a second timesheet for a month, and
        # the duplicate_timesheet flag must be able to see it; the web path opens one per month.
        indexes = [models.Index(fields=["group", "period"])]


class TimesheetEvent(models.Model):
    """Who moved a timesheet from which status to which, and when: the payment's paper trail."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "id"]


class ConfirmationLink(models.Model):
    """A signed link sent to a parent for one enrolment's month; the token is rebuilt from these fields."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="links")
    parent = models.ForeignKey(Parent, null=True, on_delete=models.SET_NULL, related_name="links")
    timesheet = models.ForeignKey(Timesheet, null=True, on_delete=models.SET_NULL, related_name="links")
    period = models.DateField()
    nonce = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "period"], name="vouchers_one_link_per_month")]


class Confirmation(models.Model):
    link = models.ForeignKey(ConfirmationLink, on_delete=models.CASCADE, related_name="confirmations")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="confirmations")
    parent = models.ForeignKey(Parent, null=True, on_delete=models.SET_NULL, related_name="+")
    period = models.DateField()
    outcome = models.CharField(max_length=16, choices=OUTCOME_CHOICES)
    responded_at = models.DateTimeField()
    # The link's nonce, UNIQUE: of two clicks racing, the second insert fails and is refused as reuse.
    nonce = models.CharField(max_length=64, unique=True)
    present_shown = models.PositiveIntegerField(default=0)  # sessions the parent saw marked present
    comment = models.TextField(blank=True, max_length=1000)


class FlagRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    run = models.ForeignKey("registry.Run", null=True, on_delete=models.SET_NULL, related_name="+")
    found = models.PositiveIntegerField(default=0)  # rows the flags returned
    new = models.PositiveIntegerField(default=0)  # of those, cases opened by this run
    counts = models.JSONField(default=dict)  # flag code -> rows

    class Meta:
        ordering = ["-started_at", "-id"]


class Flag(models.Model):
    """One lead from the flags (``birtizim.vouchers.flags``), and its case."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        INVESTIGATING = "investigating", _("investigating")
        CONFIRMED = "confirmed", _("confirmed fraud")
        DISMISSED = "dismissed", _("dismissed")

    # code:entity_kind:entity_id:period: re-running the flags finds the same case instead of a second one.
    key = models.CharField(max_length=120, unique=True)
    code = models.CharField(max_length=32, db_index=True)
    entity_kind = models.CharField(max_length=16)
    entity_id = models.BigIntegerField()
    period = models.DateField(null=True, blank=True)
    provider_ids = models.JSONField(default=list)
    district = models.CharField(max_length=64, db_index=True)  # the first provider's: its officer's case
    value = models.FloatField(default=0)
    evidence = models.TextField()  # in English, as the core writes it
    facts = models.JSONField(default=dict)  # the evidence's figures, named: pages say them in the reader's language
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    active = models.BooleanField(default=True)  # false once the data no longer raise it (the case stays)
    first_run = models.ForeignKey(FlagRun, null=True, on_delete=models.SET_NULL, related_name="+")
    last_run = models.ForeignKey(FlagRun, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code", "entity_id", "period", "id"]


class CaseNote(models.Model):
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="notes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    status_from = models.CharField(max_length=16)
    status_to = models.CharField(max_length=16)
    text = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["at", "id"]
