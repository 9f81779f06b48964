"""Words for the outreach codes: severities, checks that are not rules, sources of flags.

Rules name themselves in three languages (``Rule.title``); the outlier and completeness checks are
code, so their names are translated here like every other string of the web.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SEVERITY: dict[str, Promise] = {"high": _("high"), "medium": _("medium"), "low": _("low")}

CHECK: dict[str, Promise] = {
    "outlier_reach_per_resident": _("Outlier: reach per resident across districts"),
    "outlier_questions_per_10k": _("Outlier: questions per 10,000 residents across districts"),
    "outlier_reach_over_time": _("Outlier: logged reach against the district's own months"),
    "report_missing": _("District report missing"),
    "report_late": _("District report late"),
}

SOURCE: dict[str, Promise] = {
    "rule": _("validation rule"),
    "outlier": _("outlier"),
    "completeness": _("completeness of reports"),
}


# Audiences, occupations, channels and topics are free text a district types in its own language; the
# demo's synthetic logs write them in English words, which are its codes. Those become the reader's
# words; anything else is shown as the district typed it.
VOCABULARY: dict[str, Promise] = {
    "builders": _("builders"),
    "teachers": _("teachers"),
    "medics": _("medical workers"),
    "civil servants": _("civil servants"),
    "farmers": _("farmers"),
    "market traders": _("market traders"),
    "pensioners": _("pensioners"),
    "students": _("students"),
    "parents of young children": _("parents of young children"),
    "general public": _("general public"),
    "call centre 1414": _("call centre 1414"),
    "public reception": _("public reception"),
    "eGov online": _("eGov portal"),
    "social media": _("social media"),
    "letter": _("letter"),
    "checking my status": _("checking one's status"),
    "how to pay contributions": _("how to pay contributions"),
    "registering as unemployed": _("registering as unemployed"),
    "benefits package": _("the benefits package"),
    "choosing a clinic": _("choosing a clinic"),
    "self-employed and the single payment": _("the self-employed and the single aggregate payment"),
}


# How a rule compares its two sides: the comparisons as mathematics writes them, the pairs in words.
OPERATOR: dict[str, str | Promise] = {
    "==": "=",
    "!=": "≠",
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    "compulsory_pair": _("only together with"),
    "exclusive_pair": _("never together with"),
}


def operator(code: str | None) -> str:
    return str(OPERATOR.get(code or "", code or ""))


def word(text: str | None) -> str:
    """A free-text audience, occupation, channel or topic in the reader's words when it is one of the
    demo's codes; as typed otherwise."""
    found = VOCABULARY.get(text or "")
    return str(found) if found is not None else (text or "")


def severity(code: str | None) -> str:
    return str(SEVERITY.get(code or "", code or ""))


# The figures a flag rests on (``birtizim.outreach.data_elements.VALUE_NAMES`` and the checks' own).
VALUE: dict[str, Promise] = {
    "left": _("left side of the rule"),
    "right": _("right side of the rule"),
    "residents": _("residents in the single list"),
    "determined": _("residents with a determined status"),
    "list_actualisation": _("actualisation in the single list"),
    "events": _("events logged in the month"),
    "reach": _("people reached in the month, as logged"),
    "reach_to_date": _("people reached to date, as logged"),
    "questions": _("questions and complaints in the month"),
    "complaints": _("complaints in the month"),
    "questions_to_date": _("questions and complaints to date"),
    "survey_sample": _("people asked in the survey"),
    "survey_unaware_share": _("never heard of OSMS, survey"),
    "survey_unaware_low": _("never heard of OSMS, 95% CI lower bound"),
    "survey_unaware_high": _("never heard of OSMS, 95% CI upper bound"),
    "survey_poor_share": _("rated the work poor, survey"),
    "survey_poor_low": _("rated the work poor, 95% CI lower bound"),
    "survey_poor_high": _("rated the work poor, 95% CI upper bound"),
    "reported_reach_share": _("residents reached, as the district reports"),
    "reported_actualisation": _("actualisation, as the district reports"),
    "value": _("value"),
    "median": _("median"),
    "z": _("modified z-score"),
    "count": _("values compared"),
    "received": _("reports received"),
    "expected": _("reports expected"),
    "completeness": _("completeness"),
    "days_late": _("days late"),
    "timeliness": _("timeliness"),
}
SHARES = {
    "list_actualisation",
    "survey_unaware_share",
    "survey_unaware_low",
    "survey_unaware_high",
    "survey_poor_share",
    "survey_poor_low",
    "survey_poor_high",
    "reported_reach_share",
    "reported_actualisation",
    "completeness",
    "timeliness",
}


def value(code: str) -> str:
    return str(VALUE.get(code, code))
