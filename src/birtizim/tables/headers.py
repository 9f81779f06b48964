"""One way to compare column headers: fold them, then look them up among synonyms.

Agencies and district offices name the same column in Russian, Kazakh or English and spell it
loosely ("ИИН", "ЖСН", "ИИН/ЖСН", "Ф.И.О.", "Охват (чел.)", "Район/Аудан/District"). ``fold``
lower-cases, turns ё into е and Kazakh letters into their Russian neighbours, drops soft and hard
signs and squeezes punctuation and spaces, so "Тегі", "тегі " and "ТЕГИ" meet. ``match`` tries a
header whole, then without a unit in brackets, then part by part ("Район/Аудан/District").

Headers also become column names: ``clean`` makes a file's headers usable as identifiers (no
control characters, not too long, unique ignoring case, none named like a reader's own column).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from birtizim.tables import limits

_KAZAKH = str.maketrans("әөұүқңғіһ", "аоуукнгих")
_SIGNS = str.maketrans("", "", "ьъ")  # Russian adds soft signs Kazakh spelling lacks (Алаколь / Алакөл)
_PUNCTUATION = re.compile(r"[\s._,;:/\\()\[\]\-–—№#\"'«»]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def fold(text: str) -> str:
    """The comparable form of a header (or of any short label such as a kind of event)."""
    text = text.replace("\ufeff", "").lower().replace("ё", "е").translate(_KAZAKH).translate(_SIGNS)
    return _PUNCTUATION.sub(" ", text).strip()


def candidates(header: str) -> list[str]:
    """Folded forms to try for one header: whole, without units in brackets, then each part of a
    combined header ("Район/Аудан/District", one language per line)."""
    without_units = re.sub(r"\([^)]*\)", " ", header)
    parts = [*re.split(r"[/|\n]", header), *re.split(r"[/|\n]", without_units)]
    out: list[str] = []
    for c in (header, without_units, *parts):
        key = fold(c)
        if key and key not in out:
            out.append(key)
    return out


def lookup(synonyms: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Folded synonym -> field, from ``{field: synonyms}``; the first field to claim a spelling keeps it."""
    out: dict[str, str] = {}
    for name, spellings in synonyms.items():
        for s in spellings:
            out.setdefault(fold(s), name)
    return out


def match(
    headers: Sequence[str], synonyms: Mapping[str, Iterable[str]], explicit: Mapping[str, str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Field -> position of its column, and the headers that matched nothing.

    ``explicit`` (header as written -> field) wins over synonyms; the first column found for a field
    keeps it, a later one is listed as unmatched.
    """
    table = lookup(synonyms)
    forced = {fold(k): v for k, v in (explicit or {}).items()}
    found: dict[str, int] = {}
    ignored: list[str] = []
    for i, header in enumerate(headers):
        keys = candidates(header)
        name = next((forced[k] for k in keys if k in forced), None) or next(
            (table[k] for k in keys if k in table), None
        )
        if name is None or name in found:
            if header.strip():
                ignored.append(header)
            continue
        found[name] = i
    return found, ignored


def clean(headers: Sequence[str], reserved: Iterable[str] = ()) -> list[str]:
    """Headers as column names: control characters gone, at most ``MAX_HEADER_CHARS``, blank ones named
    ``column<N>``, and unique ignoring case (DuckDB's names are case-insensitive): a repeat gets ``_2``."""
    taken = {r.lower() for r in reserved}
    out = []
    for i, h in enumerate(headers):
        base = _CONTROL.sub(" ", h.replace("\ufeff", "")).strip()[: limits.MAX_HEADER_CHARS].strip()
        base = base or f"column{i + 1}"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name.lower())
        out.append(name)
    return out
