from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from birtizim.vouchers.model import TimesheetStatus
from birtizim.web.vouchers.models import MARK_CHOICES, OUTCOME_CHOICES, TIMESHEET_STATUS_CHOICES, Flag


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=240, initial=90)


class AttendanceForm(forms.Form):
    """One mark and an optional check-in time per enrolled child (``kind_<enrolment id>``)."""

    def __init__(self, *args: Any, enrolments: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for e in enrolments:
            self.fields[f"kind_{e}"] = forms.ChoiceField(choices=MARK_CHOICES, widget=forms.RadioSelect)
            self.fields[f"checkin_{e}"] = forms.TimeField(
                required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )

    def kinds(self) -> dict[int, str]:
        return {e: self.cleaned_data[f"kind_{e}"] for e in self.enrolments}

    def checkins(self, day: dt.date, zone: dt.tzinfo) -> dict[int, dt.datetime | None]:
        out: dict[int, dt.datetime | None] = {}
        for e in self.enrolments:
            at = self.cleaned_data.get(f"checkin_{e}")
            out[e] = None if at is None else dt.datetime.combine(day, at, tzinfo=zone)
        return out


class TimesheetMoveForm(forms.Form):
    target = forms.ChoiceField(choices=TIMESHEET_STATUS_CHOICES)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def target_status(self) -> TimesheetStatus:
        return TimesheetStatus(self.cleaned_data["target"])


class CaseForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Flag.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class AllocationForm(forms.Form):
    vouchers = forms.IntegerField(label=_("Vouchers the budget pays for"), min_value=0, max_value=1_000_000)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    nominal_value = forms.DecimalField(
        label=_("Nominal value per month, tenge"), max_digits=14, decimal_places=2, min_value=Decimal(0)
    )
    time_bucket_hours = forms.IntegerField(
        label=_("Application time counted in steps of (hours)"), min_value=1, initial=24
    )
    salt = forms.CharField(
        label=_("Lottery salt published before the intake (empty: draw one now)"), required=False, max_length=64
    )


class ConfirmForm(forms.Form):
    outcome = forms.ChoiceField(choices=OUTCOME_CHOICES)
    comment = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
