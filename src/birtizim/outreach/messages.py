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

How numbers and counted nouns are written is ``birtizim.wording``'s (the fare module writes its
sentences with the same rules); this module adds the templates and refuses an unknown format as a
rule's error.

Python's ``str.format`` is not used on purpose: a format string from configuration can reach
attributes (``{x.__class__}``), which is exactly what the evaluator exists to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from birtizim import wording
from birtizim.outreach.expressions import Expression, ExpressionError, parse
from birtizim.wording import (
    FORMATS,
    LANGUAGES,
    MISSING,
    MISSING_TEXT,
    NBSP,
    NOUN_FORMS,
    Language,
    language_of,
    russian_form,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "FORMATS",
    "LANGUAGES",
    "MISSING",
    "MISSING_TEXT",
    "NBSP",
    "Language",
    "Template",
    "format_number",
    "language_of",
    "parse_template",
    "russian_form",
]

DEFAULT_LANGUAGE: Language = "en"  # the language of a rule's plain ``message`` field
TEXT_FIELDS = ("district", "period")


def _check_format(fmt: str, language: Language = DEFAULT_LANGUAGE) -> None:
    if fmt.startswith("count "):
        forms = [f.strip() for f in fmt[6:].split("|")]
        if not all(forms):
            raise ExpressionError(f"count needs a noun: {fmt!r}")
        if len(forms) not in NOUN_FORMS[language]:
            wanted = {"en": "one form (3 questions) or two, one|other", "ru": "three forms, one|few|many"}
            raise ExpressionError(
                f"{fmt!r}: a count in {language} takes {wanted.get(language, 'one form')}, not {len(forms)}"
            )
        return
    if fmt not in FORMATS:
        raise ExpressionError(f"unknown number format {fmt!r}; known: {', '.join(FORMATS)}, count <noun>")


def format_number(value: float | None, fmt: str | None = None, language: Language = DEFAULT_LANGUAGE) -> str:
    """``birtizim.wording.format_number``, refusing an unknown format as a rule's error (``ExpressionError``)."""
    if fmt is not None and not fmt.startswith("count ") and fmt not in FORMATS:
        _check_format(fmt, language)
    return wording.format_number(value, fmt, language)


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
