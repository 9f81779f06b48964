from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from birtizim.engine import KINDS
from birtizim.web.common import labels
from birtizim.web.registry.models import Decision, Outcome


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=[(k, labels.SOURCE[k]) for k in KINDS])
    file = forms.FileField(label=_("File (CSV, TSV or XLSX)"))


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(label=_("Outcome"), choices=Outcome.Result.choices)
    actualised_as = forms.CharField(label=_("Actualised as"), required=False, max_length=64)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


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
