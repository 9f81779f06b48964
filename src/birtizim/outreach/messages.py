"""One-sentence explanations with the numbers filled in, in Russian, Kazakh or English.

A rule's message is a template: ``{reach:int}`` puts the value of ``reach`` as a whole number,
``{reach / residents:pct}`` computes a share with the same safe evaluator the rules use, and
``{district}`` / ``{period}`` are the district's name and the period. ``{{`` and ``}}`` write
literal braces. Templates are checked when a rule is loaded, so a typo in a name or format is
reported to whoever edits the rules, not discovered later as a broken sentence.

A template belongs to a language (``ru``, ``kk`` or ``en``), which decides how its numbers are
written and how ``count`` agrees a noun with its number:

- English: ``48,000`` and ``0.6``; ``{n:count question}`` gives "1 question", "3 questions", and
  ``{n:count person|people}`` names both forms;
- Russian and Kazakh: ``48 000`` (a non-breaking space, so a number never breaks across lines)
  and ``0,6``, as in their official documents;
- Russian nouns take three forms after a number, one|few|many:
  ``{n:count вопрос|вопроса|вопросов}`` gives "1 вопрос", "3 вопроса", "5 вопросов", "21 вопрос";
- Kazakh nouns do not change after a number: ``{n:count сұрақ}`` gives "3 сұрақ".

Python's ``str.format`` is not used on purpose: a format string from configuration can reach
attributes (``{x.__class__}``), which is exactly what the evaluator exists to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from birtizim.outreach.expressions import Expression, ExpressionError, parse

Language = Literal["ru", "kk", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"  # the language of a rule's plain ``message`` field

MISSING = "n/a"
MISSING_TEXT: dict[Language, str] = {"en": MISSING, "ru": "н/д", "kk": "дерек жоқ"}
TEXT_FIELDS = ("district", "period")
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


def _whole(x: float, language: Language = "en") -> str:
    return _group(f"{round(x):,}", language)


FORMATS: dict[str, Callable[[float, Language], str]] = {
    "int": _whole,  # 48,000 / 48 000
    "num": lambda x, lang: _group(f"{x:,.1f}", lang),  # 0.6 / 0,6
    "num2": lambda x, lang: _group(f"{x:,.2f}", lang),  # 0.63 / 0,63
    "pct": lambda x, lang: f"{x * 100:.0f}%",  # 23%
    "pct1": lambda x, lang: _group(f"{x * 100:.1f}", lang) + "%",  # 23.4% / 23,4%
    "pctn": lambda x, lang: f"{x * 100:.0f}",  # 23, for the first bound of "19–27%"
}
_FORMS: dict[Language, tuple[int, ...]] = {"en": (1, 2), "ru": (1, 3), "kk": (1,)}


def _check_format(fmt: str, language: Language = DEFAULT_LANGUAGE) -> None:
    if fmt.startswith("count "):
        forms = [f.strip() for f in fmt[6:].split("|")]
        if not all(forms):
            raise ExpressionError(f"count needs a noun: {fmt!r}")
        if len(forms) not in _FORMS[language]:
            wanted = {"en": "one form (3 questions) or two, one|other", "ru": "three forms, one|few|many"}
            raise ExpressionError(
                f"{fmt!r}: a count in {language} takes {wanted.get(language, 'one form')}, not {len(forms)}"
            )
        return
    if fmt not in FORMATS:
        raise ExpressionError(f"unknown number format {fmt!r}; known: {', '.join(FORMATS)}, count <noun>")


def russian_form(n: int) -> int:
    """Which of Russian's three noun forms follows ``n``: 0 one (1, 21), 1 few (2-4, 22), 2 many (5, 11, 12)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def _count(value: float, noun: str, language: Language) -> str:
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
    return f"{_whole(value, language)}{NBSP if language != 'en' else ' '}{word}"


def format_number(value: float | None, fmt: str | None = None, language: Language = DEFAULT_LANGUAGE) -> str:
    """Write a number for a sentence; without a format, whole numbers as ``48,000`` and others as ``0.63``.

    ``count <noun>`` writes the number with its noun agreeing with it (see the module notes).
    """
    if value is None:
        return MISSING_TEXT[language]
    if fmt is None:
        fmt = "int" if float(value).is_integer() else "num2"
    if fmt.startswith("count "):
        return _count(value, fmt[6:].strip(), language)
    try:
        return FORMATS[fmt](value, language)
    except KeyError:
        _check_format(fmt, language)
        raise


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


@dataclass(frozen=True)
class Template:
    """A checked message template; build with ``parse_template``."""

    text: str
    names: frozenset[str]
    parts: tuple[str | tuple[Expression, str | None], ...]
    language: Language = DEFAULT_LANGUAGE
    text_fields: frozenset[str] = frozenset(TEXT_FIELDS)

    def fill(
        self,
        values: Mapping[str, float | None],
        *,
        district: str = "",
        period: str = "",
        texts: Mapping[str, str] | None = None,
    ) -> str:
        """The sentence; ``texts`` gives any text fields beyond the district and the period."""
        words = {"district": district, "period": period, **(texts or {})}
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                expr, fmt = part
                if expr.text in self.text_fields:
                    out.append(words.get(expr.text, ""))
                else:
                    out.append(format_number(expr.evaluate(values), fmt, self.language))
        return "".join(out)


def _literal(text: str, segment: str) -> str:
    if "{" in segment or "}" in segment:
        raise ExpressionError(f"unbalanced brace in message {text!r} (write {{{{ or }}}} for a literal one)")
    return segment


def parse_template(
    text: str,
    names: Collection[str] | None = None,
    *,
    language: Language = DEFAULT_LANGUAGE,
    text_fields: Collection[str] = TEXT_FIELDS,
) -> Template:
    """Check every placeholder of ``text``; ``names`` (if given) is the vocabulary of values.

    ``text_fields`` are the placeholders filled with words rather than numbers (the district's
    name, the period); they take no number format.
    """
    if language not in LANGUAGES:
        raise ExpressionError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    words = frozenset(text_fields)
    vocabulary = None if names is None else {*names, *words}
    parts: list[str | tuple[Expression, str | None]] = []
    used: set[str] = set()
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(_literal(text, text[pos : match.start()]))
        pos = match.end()
        if match.group(0) in ("{{", "}}"):
            parts.append(match.group(0)[0])
            continue
        body = match.group(1)
        expr_text, _, fmt = body.partition(":")
        fmt = fmt.strip() or None
        if fmt is not None:
            _check_format(fmt, language)
        expr = parse(expr_text, vocabulary)
        if expr.text in words and fmt is not None:
            raise ExpressionError(f"{{{expr.text}}} is text and takes no number format")
        used |= expr.names - words
        parts.append((expr, fmt))
    parts.append(_literal(text, text[pos:]))
    return Template(text, frozenset(used), tuple(p for p in parts if p != ""), language, words)
