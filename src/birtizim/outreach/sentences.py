"""Words of the checks that are not rules (outliers, completeness) and names, in ru, kk and en.

Rules carry their own sentences (``rules``); outlier checks and completeness flags are code, so
their sentences live here as templates of the same kind (``messages``), one per language, checked
when this module is imported. District names come from ``birtizim.reference`` in the reader's
language ("Талгарский район", "Талғар ауданы", "Talgar"). Periods and dates are written as each
language's readers write them: ``2019-12`` and ISO dates in English, ``12.2019`` and ``05.01.2020``
in Russian and Kazakh.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from birtizim.outreach.messages import LANGUAGES, Language, Template, parse_template
from birtizim.reference import regions


@cache
def _names(language: Language) -> dict[str, str]:
    attribute = {"en": "name_en", "ru": "name_ru", "kk": "name_kk"}[language]
    return {d.code: str(getattr(d, attribute)) for r in regions().values() for d in r.districts}


def district_names(language: Language = "en") -> dict[str, str]:
    """District code -> name in ``language``, over every known region."""
    return dict(_names(language))


def period_text(period: str, language: Language = "en") -> str:
    if language == "en":
        return period
    year, month = period.split("-")
    return f"{month}.{year}"


def date_text(date: dt.date, language: Language = "en") -> str:
    return date.isoformat() if language == "en" else date.strftime("%d.%m.%Y")


def _templates(texts: dict[Language, str], names: set[str], words: tuple[str, ...]) -> dict[Language, Template]:
    fields = ("district", "period", *words)
    return {lang: parse_template(texts[lang], names, language=lang, text_fields=fields) for lang in LANGUAGES}


# ---- outliers: {value} and {median} arrive written in the check's own format ---------------------

OUTLIER_WORDS = ("label", "value", "median", "note", "threshold")
OUTLIER_NUMBERS = {"z", "count"}
OUTLIER_ACROSS_DISTRICTS = _templates(
    {
        "en": "{district}'s {label} in {period} is {value}, against a median of {median} across {count:int} "
        "districts (modified z-score {z:num}{note}; beyond ±{threshold} is an outlier).",
        "ru": "{district}: {label} за {period} — {value} при медиане {median} по {count:count району|районам|районам} "
        "(модифицированная z-оценка {z:num}{note}; за пределами ±{threshold} — выброс).",
        "kk": "{district}: {period} кезеңіндегі {label} — {value}, ал {count:int} аудан бойынша медиана {median} "
        "(модификацияланған z-бағасы {z:num}{note}; ±{threshold} шегінен тыс мән — ерекше мән).",
    },
    OUTLIER_NUMBERS,
    OUTLIER_WORDS,
)
OUTLIER_OVER_TIME = _templates(
    {
        "en": "{district}'s {label} in {period} is {value}, against its own median of {median} over {count:int} "
        "months (modified z-score {z:num}{note}; beyond ±{threshold} is an outlier).",
        "ru": "{district}: {label} за {period} — {value} при собственной медиане {median} за "
        "{count:count месяц|месяца|месяцев} (модифицированная z-оценка {z:num}{note}; за пределами ±{threshold} — "
        "выброс).",
        "kk": "{district}: {period} кезеңіндегі {label} — {value}, ал ауданның {count:int} айдағы өз медианасы "
        "{median} (модификацияланған z-бағасы {z:num}{note}; ±{threshold} шегінен тыс мән — ерекше мән).",
    },
    OUTLIER_NUMBERS,
    OUTLIER_WORDS,
)
# When most values equal the median the MAD is 0 and the score uses the mean deviation (``outliers``).
MEAN_DEVIATION_NOTE: dict[Language, str] = {
    "en": ", from the mean deviation as most values equal the median",
    "ru": ", по среднему отклонению, так как большинство значений равны медиане",
    "kk": ", мәндердің көбі медианаға тең болғандықтан, орташа ауытқу бойынша",
}

# ---- completeness and timeliness ----------------------------------------------------------------

REPORT_MISSING_TEXT = _templates(
    {
        "en": "{district} has not submitted its report for {period}, due {due}; {received:int} of {expected:int} "
        "districts have ({completeness:pct}).",
        "ru": "{district} не сдал отчёт за {period} (срок {due}); сдали {received:int} из "
        "{expected:count района|районов|районов} ({completeness:pct}).",
        "kk": "{district} {period} есебін тапсырмаған (мерзімі {due}); тапсырған аудандар: {received:int} / "
        "{expected:int} ({completeness:pct}).",
    },
    {"received", "expected", "completeness"},
    ("due",),
)
REPORT_LATE_TEXT = _templates(
    {
        "en": "{district} submitted its report for {period} on {submitted}, {days_late:count day} after the due date "
        "{due}.",
        "ru": "{district} сдал отчёт за {period} только {submitted} — на {days_late:count день|дня|дней} позже срока "
        "({due}).",
        "kk": "{district} {period} есебін {submitted} тапсырды — мерзімінен ({due}) {days_late:int} күн кешікті.",
    },
    {"days_late"},
    ("due", "submitted"),
)
