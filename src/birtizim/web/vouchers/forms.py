from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from birtizim.engine import iin as iins
from birtizim.vouchers.model import AGE_LIMIT, AGE_MIN, TimesheetStatus, age
from birtizim.web.common.widgets import date_input, time_input
from birtizim.web.vouchers.models import (
    LEAVE_CHOICES,
    MARK_CHOICES,
    OUTCOME_CHOICES,
    PRIORITY_CHOICES,
    TIMESHEET_STATUS_CHOICES,
    Child,
    Flag,
)


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=date_input())
    start = forms.TimeField(label=_("Start"), widget=time_input())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=240, initial=90)


class AttendanceForm(forms.Form):
    """One mark and an optional check-in time per enrolled child (``kind_<enrolment id>``)."""

    def __init__(self, *args: Any, enrolments: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for e in enrolments:
            self.fields[f"kind_{e}"] = forms.ChoiceField(choices=MARK_CHOICES, widget=forms.RadioSelect)
            self.fields[f"checkin_{e}"] = forms.TimeField(required=False, widget=time_input())

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
    valid_until = forms.DateField(label=_("Valid until"), widget=date_input())
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


def _iin_field() -> forms.CharField:
    return forms.CharField(label=_("IIN"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"}))


def _clean_iin(raw: str) -> iins.IIN:
    """The engine's rules: spaces and quotes a clerk copies along are dropped, then the date and check digit."""
    cleaned = iins.clean(raw)
    try:
        return iins.parse(cleaned.iin or "")
    except iins.InvalidIIN:
        raise forms.ValidationError(
            _("Not a valid IIN: it must be 12 digits with a birth date and a matching check digit."), code="iin"
        ) from None


class ChildForm(forms.Form):
    """A child for the register; the birth date and sex are read from the IIN, so they cannot disagree."""

    iin = _iin_field()
    last_name = forms.CharField(label=_("Surname"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    district = forms.ChoiceField(label=_("District"))
    priority = forms.ChoiceField(
        label=_("Priority category"), choices=[("", _("none")), *PRIORITY_CHOICES], required=False
    )
    parent_contact = forms.CharField(label=_("Parent's phone or e-mail"), max_length=200)

    def __init__(self, *args: Any, districts: list[tuple[str, str]], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["district"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = districts

    def clean_iin(self) -> str:
        parsed = _clean_iin(self.cleaned_data["iin"])
        years = age(parsed.birth_date, self.today)
        if not AGE_MIN <= years < AGE_LIMIT:
            raise forms.ValidationError(
                _("Vouchers are for children aged %(min)s to %(max)s; by the IIN this child is %(age)s.")
                % {"min": AGE_MIN, "max": AGE_LIMIT - 1, "age": years},
                code="age",
            )
        if Child.objects.filter(iin=parsed.value).exists():
            raise forms.ValidationError(_("A child with this IIN is already registered."), code="duplicate")
        self.parsed = parsed
        return parsed.value

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "iin": data["iin"],
            "last_name": data["last_name"].strip(),
            "first_name": data["first_name"].strip(),
            "birth_date": self.parsed.birth_date,
            "sex": self.parsed.sex,
            "district": data["district"],
            "priority": data["priority"],
            "parent_contact": data["parent_contact"],
            "on": self.today,
        }


class VoucherIssueForm(forms.Form):
    valid_until = forms.DateField(label=_("Valid until"), widget=date_input())
    nominal_value = forms.DecimalField(
        label=_("Nominal value per month, tenge"), max_digits=14, decimal_places=2, min_value=Decimal(0)
    )


class EnrolForm(forms.Form):
    """The child's IIN as the parent gives it with the voucher, and the contract's first day."""

    iin = _iin_field()
    start_date = forms.DateField(label=_("First day (the contract's date)"), widget=date_input())

    def clean_iin(self) -> str:
        return _clean_iin(self.cleaned_data["iin"]).value


class EnrolmentEndForm(forms.Form):
    end_date = forms.DateField(label=_("Last day"), widget=date_input())
    reason = forms.ChoiceField(label=_("Reason for leaving"), choices=LEAVE_CHOICES)
