from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from birtizim.engine import KINDS
from birtizim.web.common import labels
from birtizim.web.registry.models import Outcome


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=[(k, labels.SOURCE[k]) for k in KINDS])
    file = forms.FileField(label=_("File (CSV, TSV or XLSX)"))


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(label=_("Outcome"), choices=Outcome.Result.choices)
    actualised_as = forms.CharField(label=_("Actualised as"), required=False, max_length=64)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
