"""Forms: a progress report (one percent field per activity of the baseline in force, photos), photos
for a report already recorded, a contract change, a new baseline version (a formset of activities),
a new object and the edit of its facts, a progress sheet upload."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from birtizim import projects as core
from birtizim.reference import COUNTRY, regions
from birtizim.web.accounts.models import Profile, Role
from birtizim.web.common import intake
from birtizim.web.common.widgets import date_input
from birtizim.web.projects.models import Project

DATE = date_input()
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of files (none when not required); size and type are checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": PHOTO_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = [d for d in (data if isinstance(data, (list, tuple)) else [data]) if d]
        if not items:
            super().clean(None, initial)  # "This field is required." when it is
            return []
        return [super(PhotosField, self).clean(d, initial) for d in items]


def _photo_help(form: forms.Form) -> None:
    """The size limit in the help text, in the reader's language (settings may change the limit)."""
    mb = f"{int(intake.rules('photo')['max_bytes']) / 2**20:g}"
    form.fields["photos"].help_text = _("JPEG, PNG or WebP, up to %(mb)s MB each.") % {"mb": mb}


class ReportForm(forms.Form):
    """``activities``: (code, name, latest percent) of the baseline in force, in schedule order."""

    date = forms.DateField(label=_("Report date"), widget=DATE)
    accepted_money = forms.DecimalField(
        label=_("Accepted work, cumulative (tenge)"), min_value=Decimal(0), max_digits=16, decimal_places=2
    )
    workforce = forms.IntegerField(
        label=_("Workforce on site"),
        min_value=0,
        required=False,
        help_text=_("Leave empty if the report does not say; 0 means nobody was on site."),
    )
    issues = forms.CharField(label=_("Issues"), required=False, max_length=4000, widget=forms.Textarea({"rows": 2}))
    photos = PhotosField(label=_("Photos"), required=False)

    def __init__(self, *args: Any, activities: list[tuple[str, str, float]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _photo_help(self)
        self.activities = activities
        for n, (code, name, latest) in enumerate(activities):
            self.fields[f"pct_{n}"] = forms.DecimalField(
                label=f"{code} · {name}",
                min_value=Decimal(0),
                max_value=Decimal(100),
                decimal_places=2,
                initial=latest,
                widget=forms.NumberInput(attrs={"step": "any", "data-activity": code}),
            )

    def activity_fields(self) -> list[forms.BoundField]:
        return [self[f"pct_{n}"] for n in range(len(self.activities))]

    def percents(self) -> dict[str, float]:
        return {code: float(self.cleaned_data[f"pct_{n}"]) for n, (code, _n, _l) in enumerate(self.activities)}

    def service_kwargs(self) -> dict[str, Any]:
        """The report as ``services.report_create`` takes it."""
        d = self.cleaned_data
        return {
            "date": d["date"],
            "percents": self.percents(),
            "accepted_money": d["accepted_money"],
            "workforce": d.get("workforce"),
            "issues": d.get("issues") or "",
            "photos": d.get("photos") or [],
        }


class PhotosForm(forms.Form):
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _photo_help(self)


class ContractChangeForm(forms.Form):
    date = forms.DateField(label=_("Date of the additional agreement"), widget=DATE)
    what = forms.CharField(label=_("What changes"), max_length=2000, widget=forms.Textarea({"rows": 2}))
    new_deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE)
    new_amount = forms.DecimalField(
        label=_("New contract amount (tenge)"), required=False, min_value=Decimal(0), max_digits=16, decimal_places=2
    )


class SheetForm(forms.Form):
    file = forms.FileField(label=_("Progress sheet (XLSX)"))


class ActivityForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Activity"), max_length=255)
    planned_start = forms.DateField(label=_("Planned start"), widget=DATE)
    planned_finish = forms.DateField(label=_("Planned finish"), widget=DATE)
    weight = forms.DecimalField(label=_("Weight or budget"), min_value=Decimal(0), max_digits=16, decimal_places=2)
    depends_on = forms.CharField(label=_("After (codes)"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, finish = data.get("planned_start"), data.get("planned_finish")
        if isinstance(start, dt.date) and isinstance(finish, dt.date) and finish < start:
            raise ValidationError(_("The planned finish is before the planned start."))
        return data

    def activity(self) -> core.Activity:
        d = self.cleaned_data
        deps = tuple(c for c in str(d.get("depends_on", "")).replace(";", ",").replace(" ", ",").split(",") if c)
        return core.Activity(
            code=d["code"].strip(),
            name=d["name"].strip(),
            planned_start=d["planned_start"],
            planned_finish=d["planned_finish"],
            weight=float(d["weight"]),
            depends_on=deps,
        )


ActivityFormSet = forms.formset_factory(ActivityForm, extra=2, can_delete=True)


def formset_activities(formset: forms.BaseFormSet[ActivityForm]) -> list[core.Activity]:
    """The rows kept: filled in and not marked for deletion (empty extra rows have no cleaned data)."""
    return [f.activity() for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class BaselineForm(forms.Form):
    made_on = forms.DateField(label=_("Agreed on"), widget=DATE)
    reason = forms.CharField(label=_("Why the schedule changes"), max_length=2000, widget=forms.Textarea({"rows": 2}))


def _district_choices() -> list[tuple[str, str]]:
    # The synthetic country repeats every region's districts under its own codes (for national-scale
    # runs); an object is registered in its region, so the country is not offered.
    return [
        (f"{r.code}:{d.code}", f"{d.name_ru} ({r.name_ru})")
        for r in regions().values()
        if r.code != COUNTRY
        for d in r.districts
    ]


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind of object"), choices=Project.Kind.choices)
    work = forms.ChoiceField(label=_("Type of work"), choices=Project.Work.choices)
    place = forms.ChoiceField(label=_("District"))
    locality = forms.CharField(label=_("Locality"), max_length=255)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    deadline_reason = forms.CharField(
        label=_("Why the deadline cannot move"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    budget = forms.DecimalField(
        label=_("Contract amount (tenge)"), min_value=Decimal(0), max_digits=16, decimal_places=2
    )
    contractor_name = forms.CharField(label=_("Contractor"), max_length=255)
    contractor_bin = forms.CharField(label=_("Contractor's BIN"), max_length=14)
    contract_number = forms.CharField(label=_("Contract number"), max_length=64)
    responsible = forms.ModelChoiceField(label=_("Responsible officer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, districts: frozenset[str] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["place"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, t) for v, t in _district_choices() if districts is None or v.split(":")[1] in districts]
        officers = Profile.objects.filter(role=Role.OFFICER).values_list("user_id", flat=True)
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.queryset = User.objects.filter(pk__in=list(officers)).order_by("username")
        responsible.widget.attrs["translate"] = "no"  # usernames: names, not the page's words

    def clean_contractor_bin(self) -> str:
        value = str(self.cleaned_data["contractor_bin"])
        try:
            return core.validate_bin(value)
        except core.InvalidBIN as exc:
            raise ValidationError(_("Not a valid BIN: %(reason)s."), params={"reason": str(exc)}) from None

    def region_and_district(self) -> tuple[str, str]:
        region, district = str(self.cleaned_data["place"]).split(":", 1)
        return region, district

    def service_kwargs(self) -> dict[str, Any]:
        """The object as ``services.project_create`` takes it (text fields come stripped)."""
        region, district = self.region_and_district()
        fields = {name: value for name, value in self.cleaned_data.items() if name != "place"}
        return {**fields, "region": region, "district": district}


class ProjectEditForm(forms.Form):
    """The object's facts that are not contract terms; the deadline and amount change by contract changes."""

    name = forms.CharField(label=_("Name"), max_length=255)
    locality = forms.CharField(label=_("Locality"), max_length=255)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    deadline_reason = forms.CharField(
        label=_("Why the deadline cannot move"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    contract_number = forms.CharField(label=_("Contract number"), max_length=64)
    responsible = forms.ModelChoiceField(
        label=_("Responsible officer"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("An officer of this object's district, or nobody (then every officer of the district is alerted)."),
    )

    def __init__(self, *args: Any, choices: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.queryset = choices
        responsible.widget.attrs["translate"] = "no"  # usernames: names, not the page's words
