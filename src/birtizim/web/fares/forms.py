"""Forms: the analyst's (plan, imports, periods) and the phone's entries, which arrive as JSON and
are validated by the same forms, so every refusal has a sentence in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from birtizim.web.common.widgets import date_input
from birtizim.web.fares.models import ImportBatch
from birtizim.web.fares.services import CheckEntry, PlanRequest, ProtocolEntry, iin_problem

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def month_field(**kwargs: Any) -> forms.RegexField:
    return forms.RegexField(
        label=_("Month"),
        regex=MONTH,
        error_messages={"invalid": _("Write the month as YYYY-MM.")},
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-06"}),
        **kwargs,
    )


class PlanForm(forms.Form):
    month = month_field()
    measurement_checks = forms.IntegerField(label=_("Measurement checks (random trips)"), min_value=1, max_value=20000)
    enforcement_checks = forms.IntegerField(
        label=_("Enforcement raids"), min_value=0, max_value=20000, initial=0, required=False
    )
    floor = forms.IntegerField(label=_("Checks at least per route and time band"), min_value=2, max_value=20, initial=2)
    fare = forms.IntegerField(label=_("Fare, tenge"), min_value=1, max_value=100000, required=False)
    publish_lead_minutes = forms.IntegerField(
        label=_("A team sees its shift this many minutes before it starts"), min_value=15, max_value=720, initial=60
    )

    def request(self) -> PlanRequest:
        d = self.cleaned_data
        return PlanRequest(
            month=d["month"],
            measurement_checks=d["measurement_checks"],
            enforcement_checks=d["enforcement_checks"] or 0,
            floor=d["floor"],
            fare=d["fare"],
            publish_lead_minutes=d["publish_lead_minutes"],
        )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("File"),
        choices=[(k, label) for k, label in ImportBatch.Kind.choices if k != ImportBatch.Kind.DEMO],
    )
    file = forms.FileField(label=_("File (XLSX or CSV)"))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=date_input())
    end = forms.DateField(label=_("To"), required=False, widget=date_input())
    at_least = forms.IntegerField(label=_("Protocols at least"), min_value=2, max_value=100, initial=2, required=False)


class CheckEntryForm(forms.Form):
    """A check recorded on the phone: the riders found paid, unpaid and exempt on the planned trip."""

    client_id = forms.UUIDField()
    check = forms.CharField(max_length=32)
    paid = forms.IntegerField(label=_("Paid"), min_value=0, max_value=500)
    unpaid = forms.IntegerField(label=_("Unpaid"), min_value=0, max_value=500)
    exempt = forms.IntegerField(label=_("Exempt"), min_value=0, max_value=500)
    riders_checked = forms.IntegerField(label=_("Riders checked"), min_value=0, max_value=1500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        counted = sum(data.get(k) or 0 for k in ("paid", "unpaid", "exempt"))
        stated = data.get("riders_checked")
        if stated is not None and not self.errors and stated != counted:
            raise forms.ValidationError(
                _("%(paid)s paid + %(unpaid)s unpaid + %(exempt)s exempt is not the %(riders)s riders checked.")
                % {**{k: data[k] for k in ("paid", "unpaid", "exempt")}, "riders": stated}
            )
        return data

    def entry(self) -> CheckEntry:
        d = self.cleaned_data
        return CheckEntry(d["client_id"], d["check"], d["paid"], d["unpaid"], d["exempt"])


class ProtocolEntryForm(forms.Form):
    """A protocol drawn up on the phone; the fine is never typed (2 MRP of the offence year)."""

    client_id = forms.UUIDField()
    check = forms.CharField(max_length=32, required=False)
    route = forms.CharField(max_length=16, required=False)
    stop = forms.CharField(max_length=32, required=False)
    offence_at = forms.DateTimeField(
        label=_("Time of the offence"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
    )
    iin = forms.RegexField(
        label=_("IIN"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("An IIN has 12 digits.")},
    )
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    served = forms.BooleanField(label=_("Decision handed over on the spot"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("iin") and not data.get("birth_date") and "iin" not in self.errors:
            raise forms.ValidationError(_("Write the IIN or, without a document, the date of birth."))
        problem = iin_problem(data.get("iin") or "", data.get("birth_date"))
        if problem:
            self.add_error("iin", problem)
        return data

    def entry(self) -> ProtocolEntry:
        d = self.cleaned_data
        offence_at: dt.datetime = d["offence_at"]
        return ProtocolEntry(
            client_id=d["client_id"],
            offence_at=offence_at if timezone.is_aware(offence_at) else timezone.make_aware(offence_at),
            check=d["check"] or "",
            route=d["route"] or "",
            stop=d["stop"] or "",
            iin=d["iin"] or "",
            last_name=d["last_name"].strip(),
            first_name=d["first_name"].strip(),
            patronymic=(d["patronymic"] or "").strip(),
            birth_date=d["birth_date"],
            address=(d["address"] or "").strip(),
            served=bool(d["served"]),
        )
