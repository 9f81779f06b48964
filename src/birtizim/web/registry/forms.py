from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from birtizim.engine import KINDS
from birtizim.web.common import labels
from birtizim.web.registry import plan_words
from birtizim.web.registry.models import Decision


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=[(k, labels.SOURCE[k]) for k in KINDS])
    file = forms.FileField(label=_("File (CSV, TSV or XLSX)"))


def _outcome_choices() -> list[tuple[str, str]]:
    # Called when the form renders, so the names follow the reader's language; nothing is chosen for them.
    return [("", str(_("— choose —"))), *((code, plan_words.outcome(code)) for code in plan_words.OUTCOMES)]


def _category_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((code, plan_words.word("category", code)) for code in plan_words.OUTCOME_CATEGORIES)]


class OutcomeForm(forms.Form):
    """What an officer found: one of the engine's outcome codes and the fields that code needs. The fields a
    code needs are checked by the engine's own validator in ``services.outcome_record`` (a pensioner born in
    1977 is refused there, whoever posts)."""

    result = forms.ChoiceField(label=_("Outcome"), choices=_outcome_choices)
    on_date = forms.DateField(
        label=_("Date (left the country, died)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ChoiceField(label=_("Insured as (actualised)"), required=False, choices=_category_choices)
    follow_up = forms.DateField(
        label=_("Call again on (will pay)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    """Residents of a district's work list given to one of its officers: the rows ticked (``person``, read by
    ``persons``), or every row the filters show (``everyone``)."""

    everyone = forms.BooleanField(label=_("Every resident the filters show"), required=False)

    def __init__(self, *args: Any, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"] = forms.TypedChoiceField(
            label=_("Assign to"), coerce=int, choices=[("", "—"), *officers]
        )

    def persons(self) -> list[int]:
        """The ticked rows' resident numbers (anything else in the list is ignored)."""
        ticked = self.data.getlist("person") if isinstance(self.data, QueryDict) else []
        return sorted({int(p) for p in ticked if str(p).isdigit()})


class DecisionForm(forms.Form):
    """A review row's decision, one button each: ``same:<person_id>`` (that candidate is the row's person),
    ``none`` (none of the candidates) or ``unsure``."""

    choice = forms.CharField(max_length=32)
    fingerprint = forms.CharField(max_length=16)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        verdict, _sep, person = str(data.get("choice", "")).partition(":")
        if verdict == Decision.Verdict.SAME and person.isdigit():
            data.update(verdict=verdict, person_id=int(person))
        elif verdict in (Decision.Verdict.NONE, Decision.Verdict.UNSURE) and not person:
            data.update(verdict=verdict, person_id=None)
        else:
            raise forms.ValidationError(_("Choose a candidate, none of them, or unsure."))
        return data


class DetachForm(forms.Form):
    record_id = forms.IntegerField(min_value=1)
    fingerprint = forms.CharField(max_length=16)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Number of the resident to merge into this one"), min_value=1)
    reason = forms.CharField(
        label=_("Why they are one person"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(label=_("I confirm: two different IINs, one person"), required=False)


class PublishForm(forms.Form):
    acknowledged = forms.BooleanField(label=_("I have read the warnings"), required=False)
    note = forms.CharField(
        label=_("Why this run should be published as it is"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
