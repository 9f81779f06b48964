"""Every sentence the fare module shows, in Russian, Kazakh and English.

Reject reasons are codes with one template per language; the headline explains, in one sentence,
why the count of protocols is not the evasion rate. Numbers are written the way each language
writes them (``birtizim.wording.format_number``: 48 000 and 4,1% in Russian and Kazakh).
The templates are constants of this module, never configuration, so ``str.format`` is safe here.
"""

from __future__ import annotations

from collections.abc import Mapping

from birtizim.wording import LANGUAGES, Language, format_number, language_of

__all__ = ["LANGUAGES", "REJECT_TEXTS", "Language", "language_of", "month_phrase", "reject_text"]

REJECT_TEXTS: dict[str, dict[Language, str]] = {
    "missing": {
        "ru": "не заполнено поле «{column}»",
        "kk": "«{column}» өрісі толтырылмаған",
        "en": "the field “{column}” is empty",
    },
    "bad_date": {
        "ru": "«{value}» не является датой (ожидается ДД.ММ.ГГГГ)",
        "kk": "«{value}» күн емес (КК.АА.ЖЖЖЖ күтіледі)",
        "en": "“{value}” is not a date (expected DD.MM.YYYY)",
    },
    "bad_month": {
        "ru": "«{value}» не является месяцем (ожидается ГГГГ-ММ или ММ.ГГГГ)",
        "kk": "«{value}» ай емес (ЖЖЖЖ-АА немесе АА.ЖЖЖЖ күтіледі)",
        "en": "“{value}” is not a month (expected YYYY-MM or MM.YYYY)",
    },
    "bad_hour": {
        "ru": "час «{value}» не входит ни в один временной интервал ({bands})",
        "kk": "«{value}» сағаты ешбір уақыт аралығына кірмейді ({bands})",
        "en": "hour “{value}” falls in no time band ({bands})",
    },
    "unknown_band": {
        "ru": "временной интервал «{value}» неизвестен (известны: {bands})",
        "kk": "«{value}» уақыт аралығы белгісіз (белгілілері: {bands})",
        "en": "time band “{value}” is unknown (known: {bands})",
    },
    "bad_number": {
        "ru": "«{value}» в поле «{column}» не является целым неотрицательным числом",
        "kk": "«{column}» өрісіндегі «{value}» теріс емес бүтін сан емес",
        "en": "“{value}” in “{column}” is not a whole number ≥ 0",
    },
    "unknown_route": {
        "ru": "маршрута «{value}» нет в справочнике маршрутов",
        "kk": "«{value}» маршруты маршруттар анықтамалығында жоқ",
        "en": "route “{value}” is not in the list of routes",
    },
    "duplicate": {
        "ru": "строка повторяет строку {first}",
        "kk": "жол {first}-жолды қайталайды",
        "en": "the row repeats row {first}",
    },
    "unknown_protocol": {
        "ru": "протокола № {value} нет среди протоколов",
        "kk": "№ {value} хаттамасы хаттамалар арасында жоқ",
        "en": "protocol no. {value} is not among the protocols",
    },
    "invalid_iin": {
        "ru": "ИИН «{value}» недействителен (не сходится контрольная цифра или дата рождения)",
        "kk": "«{value}» ЖСН жарамсыз (бақылау саны немесе туған күні сәйкес емес)",
        "en": "IIN “{value}” is not valid (its check digit or birth date does not hold)",
    },
    "already_held": {
        "ru": "платёж по протоколу № {value} уже загружен из другого файла",
        "kk": "№ {value} хаттама бойынша төлем басқа файлдан жүктелген",
        "en": "the payment for protocol no. {value} was already imported from another file",
    },
    "no_mrp": {
        "ru": "для {value} года не задан МРП: штраф не может быть рассчитан",
        "kk": "{value} жылға АЕК белгіленбеген: айыппұлды есептеу мүмкін емес",
        "en": "no MRP is recorded for {value}: the fine cannot be computed",
    },
}


def reject_text(code: str, language: Language, values: Mapping[str, object]) -> str:
    return REJECT_TEXTS[code][language].format(**values)


_RU_MONTHS_IN = "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре".split()
_KK_MONTHS_IN = (
    "қаңтарда ақпанда наурызда сәуірде мамырда маусымда шілдеде тамызда қыркүйекте қазанда қарашада желтоқсанда"
).split()
_EN_MONTHS = "January February March April May June July August September October November December".split()


def month_phrase(month: str, language: Language) -> str:
    """ "in June 2026" / "в июне 2026 г." / "2026 жылғы маусымда", without the English preposition."""
    year, mon = (int(x) for x in month.split("-"))
    if language == "ru":
        return f"{_RU_MONTHS_IN[mon - 1]} {year} г."
    if language == "kk":
        return f"{year} жылғы {_KK_MONTHS_IN[mon - 1]}"
    return f"{_EN_MONTHS[mon - 1]} {year}"


HEADLINE: dict[Language, str] = {
    "ru": (
        "В {month} контролёры составили {protocols} — это мера их работы, а не безбилетного проезда: "
        "по случайным проверкам {trips} ({checked}) без оплаты едут {rate} пассажиров "
        "(95% интервал {low}–{high}), это около {unpaid} за месяц."
    ),
    "kk": (
        "{month} бақылаушылар {protocols} толтырды — бұл жол ақысын төлемеудің емес, олардың жұмысының "
        "өлшемі: {trips} ({checked}) кездейсоқ тексеру бойынша жолаушылардың {rate} ақы төлемей жүреді "
        "(95% аралық {low}–{high}), айына шамамен {unpaid}."
    ),
    "en": (
        "In {month} inspectors drew up {protocols}, a measure of their work rather than of evasion: "
        "random checks of {trips} ({checked}) show {rate} of riders travelling without paying "
        "(95% interval {low}–{high}), about {unpaid} in the month."
    ),
}
_NOUNS: dict[str, dict[Language, str]] = {
    "protocols": {"ru": "протокол|протокола|протоколов", "kk": "хаттама", "en": "protocol|protocols"},
    "trips": {"ru": "рейса|рейсов|рейсов", "kk": "рейсті", "en": "trip|trips"},
    "checked": {"ru": "пассажира|пассажиров|пассажиров", "kk": "жолаушы", "en": "rider|riders"},
    "unpaid": {"ru": "поездка|поездки|поездок", "kk": "сапар", "en": "ride|rides"},
}


def headline_sentence(
    *,
    month: str,
    protocols: int,
    trips: int,
    checked: int,
    rate: float,
    low: float,
    high: float,
    unpaid: float,
    language: Language,
) -> str:
    def count(n: float, noun: str) -> str:
        return format_number(n, "count " + _NOUNS[noun][language], language)

    unpaid_rounded = round(unpaid, -3) if unpaid >= 10_000 else round(unpaid)
    return HEADLINE[language].format(
        month=month_phrase(month, language),
        protocols=count(protocols, "protocols"),
        trips=count(trips, "trips"),
        checked=count(checked, "checked"),
        rate=format_number(rate, "pct1", language),
        low=format_number(low, "pct1", language),
        high=format_number(high, "pct1", language),
        unpaid=count(unpaid_rounded, "unpaid"),
    )
