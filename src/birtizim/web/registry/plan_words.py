"""The work list's plan in the reader's language: the engine's words (``engine.labels``) for reasons,
actions, agency lists and outcomes, and the outcome codes with the fields each needs (``engine.OUTCOMES``...).

The engine keeps these as codes and facts in the run (and as data in its rules); pages put them into
words here at the last moment, so a page follows its reader's language, not the language of the run.
Outcomes recorded before the engine's codes existed keep their old codes and are named by ``LEGACY``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from birtizim import engine

OUTCOMES: tuple[str, ...] = tuple(engine.OUTCOMES)
OUTCOME_FIELDS: dict[str, tuple[str, ...]] = dict(engine.OUTCOME_FIELDS)
OUTCOME_CATEGORIES: tuple[str, ...] = tuple(engine.OUTCOME_CATEGORIES)
outcome_problems = engine.outcome_problems

# The results officers recorded before the engine's codes (never handed to a run: the engine knows them not).
LEGACY: dict[str, Promise] = {
    "reached": _("Reached"),
    "moved": _("Moved away"),
    "not_found": _("Not found"),
}
LANGUAGES = ("ru", "kk", "en")


def language() -> str:
    """The reader's language as the engine names it (Russian unless they chose another)."""
    code = (get_language() or "ru")[:2]
    return code if code in LANGUAGES else "ru"


def word(kind: str, code: str | None) -> str:
    return engine.word(kind, code, language()) if code else ""


def sentence(kind: str, code: str | None, facts: Any) -> str:
    if not code:
        return ""
    return engine.sentence(kind, code, facts if facts is not None else "{}", language())


def outcome(code: str | None) -> str:
    """An outcome's name: the engine's word, or the old name of a result recorded before the codes."""
    if code in LEGACY:
        return str(LEGACY[code])
    return word("outcome", code)


def problems(codes: Iterable[str]) -> list[str]:
    """Why an outcome cannot be saved, one sentence per problem code of ``engine.outcome_problems``."""
    return [word("outcome_problem", c) for c in codes]


def lists(codes: Iterable[str] | None) -> list[str]:
    """The agency lists a resident is in, by name."""
    return [word("source", c) for c in codes or []]


def facts(raw: Any) -> dict[str, Any]:
    """A row's facts as a mapping (the run keeps them as JSON text)."""
    if isinstance(raw, dict):
        return raw
    try:
        found = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
