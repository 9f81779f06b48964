"""What a Russian or Kazakh reader must never meet on a page or in an export: English words and raw codes.

``words(html)`` takes the text a reader sees -- the page's text, its title, and the attributes a browser
shows or reads aloud (``title``, ``placeholder``, ``aria-label``, ``alt``, a button's ``value``) -- and
leaves out what is data rather than wording: elements marked ``translate="no"`` (names, usernames, file
names, hashes, the language switcher's codes), scripts, styles and SVG path data. ``problems(text)``
returns the words that give a page away:

* a raw code: a word with an underscore (``reported_reach_share``) or a code of the engine or a module
  (statuses, conflict types, source kinds, district codes, flag codes, rule names, channels...);
* an English word from a small dictionary of common English words and of this project's own English.

Other words in Latin letters are data -- names as a passport writes them (ZHAKSYLYK), route and project
codes in capitals with a hyphen or a digit (T-OTHER) -- and pass, as do the few names Russian and Kazakh
texts write in Latin too (Birtizim, Excel).
Only words written wholly in ASCII Latin are judged ("z-оценка" and "Tūrsynova" are not English).

The code lists are read from the code itself (the label tables, the region's districts, the rule set),
not copied here, so a new code is checked as soon as it exists.
"""

from __future__ import annotations

import functools
import io
import re
from html.parser import HTMLParser

# Words written in Latin letters in Russian and Kazakh texts as well: the product's name, file formats
# and programs, units and standards. Compared case-sensitively, as written.
ALLOWED = {
    "Birtizim", "Excel", "XLSX", "xlsx", "CSV", "csv", "SHA", "PNG", "JPEG", "QR", "OC4IDS", "SPI", "ES", "AT",
    "P80", "P50", "P20", "CI", "UTF", "htmx", "TRUSTS", "MRP", "PDF", "HTML", "ID", "URL",
}  # fmt: skip

# Common English words (the few hundred that make most of any English sentence) and the words this
# project's English strings use most: an English sentence on a page always holds some of them.
COMMON_ENGLISH = set(
    """
    about above after again against all also an and any are as at back be because been before being
    below between both but by can cannot could did do does doing done down during each every few for from
    further had has have having he her here hers him his how if in into is it its itself just last least
    less many may me more most much must my new next no nor not now of off on once one only or other our
    out over own per same she should so some such than that the their them then there these they this
    those through to too under until up upon very was we were what when where which while who whom why
    will with would yet you your yes none never always today yesterday
    add added after amount analyst answer approved audit axis batch best by case cases change changes
    channel channels check checks child children club clubs code confirmed contributor count days
    district districts done draft enrolment evidence export file files flag flags found group groups
    held high low medium list log mark marks month months name names open paid parent person people
    present provider providers rate reach record records region report reports resident residents rule
    rules run runs session sessions share state status step steps submitted survey table topic topics
    total users value view viewed warning week work worst year social media market traders forbidden
    not found error server page link links expired issued valid until since from to at of in
    single public holiday listed emigrated deceased excused unexcused timetable attendance capacity
    coverage pending kind date schedule reached teachers builders farmers pensioners medics
    students parents young civil servants reception letter online package benefits payment clinic rows
    read failed succeeded queued running unknown starting monday tuesday wednesday thursday friday
    saturday sunday mon tue wed thu fri sat sun files warnings rejected accepted fields header quote
    line longer bytes text registry contributions unemployed pension disability childcare
        """.split()
)

ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "aria-description")
SKIP_TAGS = {"script", "style", "template"}
# A word: letters, digits, underscores and inner hyphens. Only words written wholly in ASCII Latin letters
# are judged: "МаркерTalgar", "z-оценка" or "Tūrsynova" are not English words.
WORD = re.compile(r"\w+(?:-\w+)*")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
# "{paid}" in a message a script fills in is a placeholder, and "asp.xlsx" a file's name (in a page's
# title, where no element can say translate="no"): neither is a word of the page.
PLACEHOLDER = re.compile(
    r"\{\w+(?::\w+)?\}|%\(\w+\)[sd]|[\w.-]+\.(?:xlsx|xlsm|xls|csv|tsv|txt|json|toml|png|jpe?g|webp|pdf)\b", re.I
)
# Tags whose content is never text (void elements never close: they must not open a skipped region).
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        # Marked as data (translate="no") or as written in another language on purpose (the switcher's
        # "English"): not the page's wording.
        skipped = (
            tag in SKIP_TAGS
            or found.get("translate") == "no"
            or found.get("aria-hidden") == "true"
            or (tag != "html" and bool(found.get("lang")))
        )
        if not skipped and not self._skipping():
            self.parts += [str(found[a]) for a in ATTRIBUTES if found.get(a)]
            if tag == "input" and found.get("type") in ("submit", "button", "reset") and found.get("value"):
                self.parts.append(str(found["value"]))
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        # Browsers forgive unclosed tags: close up to the nearest open one of this name.
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def workbook_text(raw: bytes) -> str:
    """Every cell of every sheet (headers and sheet names too): what the reader of an export sees."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    parts = list(book.sheet_names)
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).to_python():
            parts += [str(cell) for cell in row if isinstance(cell, str)]
    return " ".join(" ".join(parts).split())


@functools.cache
def known_codes() -> frozenset[str]:
    """Codes of the engine and the modules, read from the tables that turn them into words."""
    from birtizim.reference import regions
    from birtizim.web.common import labels
    from birtizim.web.outreach import check_labels
    from birtizim.web.vouchers import flag_labels

    codes: set[str] = set()
    for table in (labels.STATUS, labels.CONFLICT, labels.SOURCE, labels.FIELD, labels.PROBLEM):
        codes |= set(table)
    codes |= set(labels.category_codes())
    codes |= {d.code for r in regions().values() for d in r.districts}
    codes |= set(flag_labels.FLAG) | set(flag_labels.ENTITY)
    codes |= set(check_labels.CHECK) | set(check_labels.VALUE) | set(check_labels.SEVERITY)
    try:
        from birtizim.outreach.rules import RULES

        codes |= {r.code for r in RULES}
    except ImportError:  # pragma: no cover - the rule set moved
        pass
    return frozenset(c for c in codes if c)


def problems(text: str) -> list[str]:
    """The words of ``text`` a Russian or Kazakh reader should not meet: a raw code or a common English
    word (other Latin words -- names as a passport writes them, route codes -- are data). Each once."""
    codes = known_codes()
    text = PLACEHOLDER.sub(" ", text)
    found: dict[str, str] = {}
    for match in WORD.finditer(text):
        word = match.group(0)
        if not ASCII_WORD.fullmatch(word) or word in ALLOWED:
            continue
        lower = word.lower()
        if word.isupper() and ("-" in word or any(ch.isdigit() for ch in word)) and lower not in codes:
            continue  # a code of the data, written in capitals with a hyphen or a digit (T-OTHER, ROUTE-12)
        if "_" in word.strip("_") or lower in codes:
            what = f"code {word!r}"
        elif lower in COMMON_ENGLISH or any(part in COMMON_ENGLISH for part in lower.split("-") if len(part) > 2):
            what = f"English {word!r}"
        else:
            continue
        if what not in found:
            start = max(0, match.start() - 50)
            found[what] = f"{what} in “…{text[start : match.end() + 50]}…”"
    return list(found.values())
