"""Every check over the data, as one list of flags for leadership's red-flags page.

A flag is one figure that cannot be believed as it stands: which check raised it, for which
district and period, how serious it is, the numbers behind it and one sentence that says it all.
``Flag.key`` (check, district, period) identifies a flag across re-evaluations, so the follow-up
list (assigned, answered, closed) can attach to it and not reopen it every night.

The sentence is written in the reader's language (``language``: ru, kk or en) and, in
``Flag.texts``, in all three: the web freezes a flag as it was raised and shows it later to readers
of any language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from birtizim.outreach.completeness import Completeness, Late, completeness
from birtizim.outreach.data_elements import Values, build_values
from birtizim.outreach.messages import LANGUAGES, Language, format_number, language_of
from birtizim.outreach.model import Dataset, default_due_on
from birtizim.outreach.outliers import DEFAULT_OUTLIER_CHECKS, Finding, OutlierCheck, run_check
from birtizim.outreach.rules import DEFAULT_RULES, Importance, Outcome, Rule, check, explain
from birtizim.outreach.sentences import (
    MEAN_DEVIATION_NOTE,
    OUTLIER_ACROSS_DISTRICTS,
    OUTLIER_OVER_TIME,
    REPORT_LATE_TEXT,
    REPORT_MISSING_TEXT,
    date_text,
    period_text,
)
from birtizim.outreach.sentences import district_names as names_in

Severity = Importance
SEVERITY_RANK: dict[Severity, int] = {"high": 0, "medium": 1, "low": 2}
Source = Literal["rule", "outlier", "completeness"]

REPORT_MISSING = "report_missing"
REPORT_LATE = "report_late"


@dataclass(frozen=True)
class Flag:
    code: str  # the rule's code, the outlier check's code, or report_missing / report_late
    district: str
    period: str
    severity: Severity
    explanation: str  # one sentence with the numbers, in the language asked for
    source: Source
    numbers: dict[str, float | None] = field(default_factory=dict)  # every figure the sentence rests on
    texts: dict[str, str] = field(default_factory=dict)  # the sentence in each language: ru, kk, en

    @property
    def key(self) -> str:
        return f"{self.code}:{self.district}:{self.period}"

    def text(self, language: str) -> str:
        """The sentence in ``language`` (a Django code such as ``kk`` or ``en-us`` will do)."""
        return self.texts.get(language_of(language)) or self.explanation


def district_names(language: Language = "en") -> dict[str, str]:
    """District code -> name in ``language`` (English by default), over every known region."""
    return names_in(language)


Namer = Callable[[str, Language], str]


def _in_every_language(write: Callable[[Language], str]) -> dict[str, str]:
    return {language: write(language) for language in LANGUAGES}


def _rule_flag(rule: Rule, outcome: Outcome, values: Values, district: str, period: str, name: Namer) -> Flag:
    # The numbers behind every language's sentence (they all quote the same figures, normally).
    quoted = frozenset().union(*(t.names for t in rule.messages.values()), rule.message.names)
    used = sorted(rule.names | (quoted - {"left", "right"}))
    numbers: dict[str, float | None] = {"left": outcome.left, "right": outcome.right}
    numbers.update({n: values.get(n) for n in used})
    texts = _in_every_language(
        lambda lang: explain(
            outcome, values, district=name(district, lang), period=period_text(period, lang), language=lang
        )
    )
    return Flag(rule.code, district, period, rule.importance, texts["en"], "rule", numbers, texts)


def _threshold(value: float, language: Language) -> str:
    text = f"{value:g}"
    return text if language == "en" else text.replace(".", ",")


def _outlier_flag(finding: Finding, name: Namer) -> Flag:
    c, o = finding.check, finding.outlier
    templates = OUTLIER_ACROSS_DISTRICTS if c.across == "districts" else OUTLIER_OVER_TIME
    numbers: dict[str, float | None] = {"value": o.value, "median": o.median, "z": o.z, "count": o.count}

    def write(lang: Language) -> str:
        return templates[lang].fill(
            {"z": o.z, "count": o.count},
            district=name(finding.district, lang),
            period=period_text(finding.period, lang),
            texts={
                "label": c.label_in(lang),
                "value": format_number(o.value, c.fmt, lang),
                "median": format_number(o.median, c.fmt, lang),
                "note": "" if o.scale == "mad" else MEAN_DEVIATION_NOTE[lang],
                "threshold": _threshold(c.threshold, lang),
            },
        )

    texts = _in_every_language(write)
    return Flag(c.code, finding.district, finding.period, c.severity, texts["en"], "outlier", numbers, texts)


def _missing_flag(state: Completeness, district: str, name: Namer) -> Flag:
    numbers: dict[str, float | None] = {
        "received": state.received,
        "expected": state.expected,
        "completeness": state.completeness,
    }
    texts = _in_every_language(
        lambda lang: REPORT_MISSING_TEXT[lang].fill(
            numbers,
            district=name(district, lang),
            period=period_text(state.period, lang),
            texts={"due": date_text(state.due_on, lang)},
        )
    )
    return Flag(REPORT_MISSING, district, state.period, "medium", texts["en"], "completeness", numbers, texts)


def _late_flag(state: Completeness, late: Late, name: Namer) -> Flag:
    numbers: dict[str, float | None] = {"days_late": late.days_late, "timeliness": state.timeliness}
    texts = _in_every_language(
        lambda lang: REPORT_LATE_TEXT[lang].fill(
            numbers,
            district=name(late.district, lang),
            period=period_text(state.period, lang),
            texts={"due": date_text(late.due_on, lang), "submitted": date_text(late.submitted_on, lang)},
        )
    )
    return Flag(REPORT_LATE, late.district, state.period, "low", texts["en"], "completeness", numbers, texts)


def evaluate_all(
    data: Dataset,
    *,
    periods: Sequence[str] | None = None,
    rules: Sequence[Rule] | None = None,
    outlier_checks: Sequence[OutlierCheck] | None = None,
    expected_districts: Sequence[str] | None = None,
    due_on: Mapping[str, dt.date] | None = None,
    as_of: dt.date | None = None,
    names: Mapping[str, str] | None = None,
    language: str = "en",
) -> list[Flag]:
    """Run every rule, outlier check and completeness check; flags sorted by severity.

    Defaults: all periods in ``data``; ``DEFAULT_RULES`` and ``DEFAULT_OUTLIER_CHECKS``; reports
    expected from every district of the single list (``data.figures``, else every district seen);
    each period's deadline from ``due_on`` or the 5th of the next month; ``as_of`` today; district
    names from ``birtizim.reference`` in each language (``names``, if given, in every language).
    ``explanation`` is in ``language`` (ru, kk or en; English by default), ``texts`` in all three.
    Within a severity, the latest period comes first.
    """
    reader = language_of(language)
    periods = tuple(sorted(periods if periods is not None else data.periods))
    rules = DEFAULT_RULES if rules is None else rules
    outlier_checks = DEFAULT_OUTLIER_CHECKS if outlier_checks is None else outlier_checks
    expected = tuple(expected_districts or [f.district for f in data.figures] or data.districts)
    known = {lang: (dict(names) if names is not None else names_in(lang)) for lang in LANGUAGES}

    def name(code: str, lang: Language) -> str:
        return known[lang].get(code, code)

    flags: list[Flag] = []
    districts = sorted(set(data.districts) | set(expected))
    table = build_values(data, periods, districts)
    for (district, period), values in table.items():
        for rule in rules:
            outcome = check(rule, values)
            if outcome.status == "violation":
                flags.append(_rule_flag(rule, outcome, values, district, period, name))

    # Outliers are screened over every period of the data even when fewer are asked for: "over
    # time" needs the history; only flags in the asked periods are kept.
    history = table if set(periods) == set(data.periods) else build_values(data, data.periods, districts)
    for outlier_check in outlier_checks:
        for finding in run_check(outlier_check, history):
            if finding.period in periods:
                flags.append(_outlier_flag(finding, name))

    for period in periods:
        due = (due_on or {}).get(period) or default_due_on(period)
        state = completeness(data.reports, expected, period, due_on=due, as_of=as_of)
        flags += [_missing_flag(state, district, name) for district in state.missing]
        flags += [_late_flag(state, late, name) for late in state.late]

    # The reader's language decides the sentence; the order is the same for everyone (severity,
    # latest period first, then the district's English name and the check), so a list printed in
    # Russian and one printed in Kazakh can be compared line by line.
    flags = [_in_language(f, reader) for f in flags]
    flags.sort(key=lambda f: (SEVERITY_RANK[f.severity], _desc(f.period), name(f.district, "en"), f.code))
    return flags


def _in_language(flag: Flag, language: Language) -> Flag:
    if language == "en":
        return flag
    return Flag(
        flag.code,
        flag.district,
        flag.period,
        flag.severity,
        flag.texts[language],
        flag.source,
        flag.numbers,
        flag.texts,
    )


def _desc(period: str) -> tuple[int, int]:
    year, month = period.split("-")
    return -int(year), -int(month)
