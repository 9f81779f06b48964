"""What the web keeps for fare inspection: the entities of ``birtizim.fares.model`` and the plans.

The core works on frozen dataclasses; ``web.fares.core`` turns these rows into them. Times are
stored aware and handed to the core as local (Asia/Almaty) wall-clock times, which is what the
plan draws and what inspectors write.

Constraints keep the data whole:

- a protocol's and a recorded check's ``client_id`` (the UUID the phone gives an entry) is unique,
  so an entry sent twice (the connection dropped after the server saved it) is one row;
- a payment points at a protocol (PROTECT: a protocol with payments is never deleted), so a
  payment for an unknown protocol cannot be stored; the importer rejects it with its row number;
- a check's counts add up (paid + unpaid + exempt = riders checked) or are all empty (planned,
  not yet carried out).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from birtizim.web.common.models import ImportedFile
from birtizim.wording import language_of


class Band(models.Model):
    """A time band of the service day (``fares.model.TimeBand``): start_hour ≤ hour < end_hour."""

    code = models.CharField(max_length=16, unique=True)
    start_hour = models.PositiveSmallIntegerField()
    end_hour = models.PositiveSmallIntegerField()
    name_ru = models.CharField(max_length=64)
    name_kk = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64)

    class Meta:
        ordering = ["start_hour"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_hour__lt=F("end_hour")) & Q(end_hour__lte=24), name="fares_band_span"
            )
        ]

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        wanted = language_of(language or get_language())
        return {"ru": self.name_ru, "kk": self.name_kk}.get(wanted, self.name_en)


class Stop(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]


class Route(models.Model):
    code = models.CharField(max_length=16, unique=True)  # as the operator writes it: "12", "45А"
    name = models.CharField(max_length=200)
    headway_minutes = models.PositiveSmallIntegerField(default=12)
    stops = models.JSONField(default=list)  # stop codes in running order

    class Meta:
        ordering = ["code"]


class ImportBatch(ImportedFile):
    """One file read (ridership, payments) or the demo's load: rows in = accepted + rejected.

    ``rejects`` are ``[{row, code, values}]``: the core's reject codes, put into words in the reader's
    language when shown."""

    class Kind(models.TextChoices):
        RIDERSHIP = "ridership", _("Ridership (validator export)")
        PAYMENTS = "payments", _("Payments of fines")
        DEMO = "demo", _("Demo data")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    rows_in = models.PositiveIntegerField(default=0)
    blank_rows = models.PositiveIntegerField(default=0)
    months = models.JSONField(default=list)  # ridership: the months the file replaced


class Ridership(models.Model):
    """Boardings of one route in one band over one month (``fares.model.Ridership``)."""

    class Basis(models.TextChoices):
        VALIDATIONS = "validations", _("validations")
        RIDERS = "riders", _("riders counted")

    route = models.CharField(max_length=16)
    band = models.CharField(max_length=16)
    month = models.CharField(max_length=7)  # YYYY-MM
    boardings = models.PositiveBigIntegerField()
    basis = models.CharField(max_length=16, choices=Basis.choices, default=Basis.VALIDATIONS)
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.SET_NULL, related_name="ridership")

    class Meta:
        ordering = ["month", "route", "band"]
        constraints = [models.UniqueConstraint(fields=["route", "band", "month"], name="fares_ridership_stratum")]


class Team(models.Model):
    code = models.CharField(max_length=16, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Inspector(models.Model):
    """A fare inspector's account and team: the team's shifts are what their page shows."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fare_inspector")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="inspectors")
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["team__code", "user__username"]


class Plan(models.Model):
    """A month's published inspection plan (``fares.plan.Plan``): its inputs, weights and digest.

    The seed is kept from the start but shown only after the month (``seed_revealed``): before, the
    commitment (its SHA-256) is public, so the seed cannot be changed later without it showing.
    """

    month = models.CharField(max_length=7, unique=True)
    seed = models.BigIntegerField()
    seed_commitment = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    parameters = models.JSONField(default=dict)  # PlanSettings as drawn (checks, raids, floor, teams, lead)
    weights = models.JSONField(default=list)  # StratumWeight per stratum, as the core computed them
    fare = models.PositiveIntegerField(null=True, blank=True)  # tenge per ride, for revenue lost
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]


class Shift(models.Model):
    """A team's checks of one day and band; the team sees it ``publish_lead_minutes`` before it starts."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="shifts")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="shifts")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "team__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "team", "start"], name="fares_shift_once"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="fares_shift_span"),
        ]


class Check(models.Model):
    """A planned check (one vehicle trip) and, once carried out, what the inspectors found on it."""

    class Kind(models.TextChoices):
        MEASUREMENT = "measurement", _("measurement check")
        ENFORCEMENT = "enforcement", _("enforcement raid")

    code = models.CharField(max_length=32, unique=True)  # the plan's id, "2026-06-00017"
    plan = models.ForeignKey(Plan, null=True, on_delete=models.CASCADE, related_name="checks")
    shift = models.ForeignKey(Shift, null=True, on_delete=models.SET_NULL, related_name="checks")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="checks")
    route = models.CharField(max_length=16)
    band = models.CharField(max_length=16)
    start = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    riders_checked = models.PositiveIntegerField(null=True, blank=True)
    paid = models.PositiveIntegerField(null=True, blank=True)
    unpaid = models.PositiveIntegerField(null=True, blank=True)
    exempt = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True)  # the phone's id of the entry
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="checks")

    class Meta:
        ordering = ["start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(riders_checked__isnull=True, paid__isnull=True, unpaid__isnull=True, exempt__isnull=True)
                    | Q(riders_checked=F("paid") + F("unpaid") + F("exempt"))
                ),
                name="fares_check_counts_add_up",
            )
        ]

    @property
    def recorded(self) -> bool:
        return self.riders_checked is not None


class Protocol(models.Model):
    """A protocol on an administrative offence (art. 622 part 2): the fine is 2 MRP of the offence year."""

    number = models.CharField(max_length=32, unique=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True)  # one protocol per phone entry
    check_ref = models.ForeignKey(Check, null=True, blank=True, on_delete=models.SET_NULL, related_name="protocols")
    offence_at = models.DateTimeField(db_index=True)
    route = models.CharField(max_length=16, blank=True)
    stop = models.CharField(max_length=32, blank=True)
    iin = models.CharField(max_length=32, blank=True)  # as written: may be damaged in imported ones
    last_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    patronymic = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    fine = models.PositiveIntegerField()  # tenge, computed from the offence date, never typed
    served_on = models.DateField(null=True, blank=True)
    appealed = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="protocols")
    created_at = models.DateTimeField(auto_now_add=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="protocols")

    class Meta:
        ordering = ["-offence_at", "-id"]


class Payment(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField()
    amount = models.PositiveIntegerField()  # tenge
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.SET_NULL, related_name="payments")

    class Meta:
        ordering = ["paid_on", "id"]
        # The same payment listed in two files is one payment: nothing is counted twice.
        constraints = [models.UniqueConstraint(fields=["protocol", "paid_on", "amount"], name="fares_payment_once")]
