from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from birtizim.web.outreach.models import ImportBatch


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Officer"), queryset=User.objects.none())

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in officers]).order_by("username")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Why"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Log"),
        choices=[(k, label) for k, label in ImportBatch.Kind.choices if k != ImportBatch.Kind.DEMO],
    )
    file = forms.FileField(label=_("File (XLSX or CSV)"))


def period_field() -> forms.RegexField:
    return forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Write the month as YYYY-MM.")},
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2019-12"}),
    )


class ReportForm(forms.Form):
    period = period_field()
    # localize: an officer in Russian writes 92,5 (and 92.5 is still read).
    reach_share = forms.FloatField(
        label=_("Residents reached so far, %"), min_value=0, max_value=1000, required=False, localize=True
    )
    actualisation = forms.FloatField(
        label=_("Actualisation, %"), min_value=0, max_value=100, required=False, localize=True
    )


class SurveyForm(forms.Form):
    district = forms.ChoiceField(label=_("District"))
    occupation = forms.CharField(
        label=_("Occupation (empty: the district's whole sample)"), max_length=100, required=False
    )
    period = period_field()
    sample_size = forms.IntegerField(label=_("People asked"), min_value=1)
    n_unaware = forms.IntegerField(label=_("Never heard of OSMS"), min_value=0)
    n_poor = forms.IntegerField(label=_("Rated the work poor"), min_value=0)

    def __init__(self, *args: Any, districts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = districts


class RulesForm(forms.Form):
    text = forms.CharField(
        label=_("Rules (TOML)"),
        required=False,
        max_length=100_000,
        # The rule set's source: codes and the rules' own words in three languages, not the page's wording.
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "translate": "no", "lang": "en"}),
    )
