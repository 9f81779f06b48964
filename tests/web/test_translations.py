"""Every user-facing string has Russian and Kazakh words, and the compiled catalogues match the sources."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).parents[2] / "src/birtizim/web/locale"
STRING = r'"((?:[^"\\]|\\.)*)"'


def _unquote(chunk: str) -> str:
    """Concatenate a .po value's quoted pieces and undo their C escapes (UTF-8 text survives)."""
    raw = "".join(re.findall(STRING, chunk))
    return raw.encode().decode("unicode_escape").encode("latin-1").decode()


def entries(po: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstr forms, fuzzy) for each entry but the header."""
    out = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#|")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        text = "\n".join(line for line in lines if not line.startswith("#"))
        msgid = re.search(r"^msgid ((?:" + STRING + r"\n?)+)", text, re.M)
        if msgid is None:
            continue
        key = _unquote(msgid.group(1))
        forms = [_unquote(m.group(1)) for m in re.finditer(r"^msgstr(?:\[\d\])? ((?:" + STRING + r"\n?)+)", text, re.M)]
        if key:
            out.append((key, forms, fuzzy))
    return out


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_string_is_translated_and_compiled(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    found = entries(po)
    assert len(found) > 100
    untranslated = [key for key, forms, fuzzy in found if fuzzy or not forms or not all(forms)]
    assert untranslated == []
    with (po.with_suffix(".mo")).open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = [key for key, forms, _ in found if len(forms) == 1 and catalogue.gettext(key) != forms[0]]
    assert stale == [], "run compilemessages"
