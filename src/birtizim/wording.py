"""How numbers and counted nouns are written in Russian, Kazakh and English, and which of the three
languages a code such as ``en-us`` means.

One floor below the domain cores: ``outreach`` and ``fares`` both write sentences with numbers in
them, and neither may import the other, so the rules they share live here. Nothing here imports
anything of Birtizim.

- English writes ``48,000`` and ``0.6``; Russian and Kazakh write ``48 000`` (a non-breaking space,
  so a number never breaks across lines) and ``0,6``, as in their official documents;
- ``count <noun>`` writes a number with its noun agreeing with it. Russian nouns take three forms
  after a number, ``one|few|many`` (1 вопрос, 3 вопроса, 5 вопросов, 21 вопрос); Kazakh nouns do not
  change after a number (3 сұрақ); English takes ``one|other`` or one form with an ``s`` added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

Language = Literal["ru", "kk", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"

MISSING = "n/a"
MISSING_TEXT: dict[Language, str] = {"en": MISSING, "ru": "н/д", "kk": "дерек жоқ"}
NBSP = "\u00a0"


def language_of(code: str | None) -> Language:
    """``ru``, ``kk`` or ``en`` from a language code as Django or a browser writes it (``en-us``, ``kk``)."""
    short = (code or "").strip().lower()[:2]
    for language in LANGUAGES:
        if short == language:
            return language
    return "ru"  # the region's working language, as the web's default


def _group(text: str, language: Language) -> str:
    """Re-punctuate a number Python wrote as ``48,000.5`` for ``language``."""
    if language == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def whole(x: float, language: Language = "en") -> str:
    return _group(f"{round(x):,}", language)


FORMATS: dict[str, Callable[[float, Language], str]] = {
    "int": whole,  # 48,000 / 48 000
    "num": lambda x, lang: _group(f"{x:,.1f}", lang),  # 0.6 / 0,6
    "num2": lambda x, lang: _group(f"{x:,.2f}", lang),  # 0.63 / 0,63
    "pct": lambda x, lang: f"{x * 100:.0f}%",  # 23%
    "pct1": lambda x, lang: _group(f"{x * 100:.1f}", lang) + "%",  # 23.4% / 23,4%
    "pctn": lambda x, lang: f"{x * 100:.0f}",  # 23, for the first bound of "19–27%"
}
# How many forms a counted noun may be given in, per language.
NOUN_FORMS: dict[Language, tuple[int, ...]] = {"en": (1, 2), "ru": (1, 3), "kk": (1,)}


def russian_form(n: int) -> int:
    """Which of Russian's three noun forms follows ``n``: 0 one (1, 21), 1 few (2-4, 22), 2 many (5, 11, 12)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def count(value: float, noun: str, language: Language) -> str:
    """``value`` as a whole number followed by ``noun`` (forms separated by ``|``) agreeing with it."""
    n = round(value)
    forms = [f.strip() for f in noun.split("|")]
    if language == "ru" and len(forms) == 3:
        word = forms[russian_form(n)]
    elif language == "en" and len(forms) == 2:
        word = forms[0] if n == 1 else forms[1]
    elif language == "en":
        word = forms[0] + ("" if n == 1 else "s")
    else:  # Kazakh (and a Russian noun given in one form): the noun does not change
        word = forms[0]
    return f"{whole(value, language)}{NBSP if language != 'en' else ' '}{word}"


def format_number(value: float | None, fmt: str | None = None, language: Language = DEFAULT_LANGUAGE) -> str:
    """Write a number for a sentence; without a format, whole numbers as ``48,000`` and others as ``0.63``.

    ``fmt`` is a key of ``FORMATS`` or ``count <noun>``; anything else is a ``ValueError``.
    """
    if value is None:
        return MISSING_TEXT[language]
    if fmt is None:
        fmt = "int" if float(value).is_integer() else "num2"
    if fmt.startswith("count "):
        return count(value, fmt[6:].strip(), language)
    writer = FORMATS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown number format {fmt!r}; known: {', '.join(FORMATS)}, count <noun>")
    return writer(value, language)
