"""District and city names as people write them, recognised in Python and in DuckDB with one folding.

"Талгарский район", "Талғар ауданы", "Talgar district", "ТАЛГАРСКИЙ Р-Н" and "Talğar" are one place.
``place_key`` folds a name to an ASCII key: Cyrillic (Russian and Kazakh) and the Latin alphabets meet
(Ы/И/Y, Қ/К/Q, Ж/J, Х/KH), words that only say what kind of place it is go (район, р-н, ауданы, г.,
қ., қаласы, district, city...), and Russian adjective endings are cut (Талгарский -> talgar). The same
rules run as the DuckDB macro ``place_key`` (tests check that both agree).

A region's districts are known by every name in ``birtizim.reference`` (Russian, Kazakh, English and
the code); ``recognise`` answers a district code for a written name. ``detect`` picks the region whose
districts cover most of a list's rows, or none: a registry of another region, of a city, or with no
district column keeps its places as written, grouped by their keys (``as_written``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from birtizim.reference import District, Region, regions
from birtizim.tables import rules
from birtizim.tables.sql import quote_literal

if TYPE_CHECKING:
    import duckdb

_CYRILLIC_PAIRS = (
    "аa әa бb вv гg ғg дd еe ёe эe зz иi іi йi кk қk лl мm нn ңn оo өo пp рr сs тt уu ұu үu фf хh һh ыi"
).split()

# Place words as they come out of the folding above (city -> citi, town -> toun, ауданы -> audani).
_WORDS = (
    "raion raiona raionu rn r n on audani audan audanina g gor gorod k kala kalasi kalasinin "
    "citi district region oblast oblasti oblisi toun"
)
_ENDINGS = "skogo skomu skom skaia skoi skii skoe skie ski"

PLACE_RULES: tuple[rules.Rule, ...] = (
    ("translate", "İı", "ii"),
    ("lower", "", ""),
    ("replace", "щ", "sh"),
    ("replace", "ш", "sh"),
    ("replace", "ж", "zh"),
    ("replace", "ч", "ch"),
    ("replace", "ц", "ts"),
    ("replace", "ю", "iu"),
    ("replace", "я", "ia"),
    ("translate", "".join(p[0] for p in _CYRILLIC_PAIRS) + "ъь", "".join(p[1] for p in _CYRILLIC_PAIRS)),
    ("replace", "ş", "sh"),
    ("replace", "ç", "ch"),
    ("strip_accents", "", ""),
    ("replace", "shch", "sh"),
    ("replace", "kh", "h"),
    ("replace", "q", "k"),
    ("replace", "w", "u"),
    ("replace", "y", "i"),
    ("replace", "j", "zh"),
    # Every word between two spaces of its own, so that neighbouring words are matched one by one.
    ("regex", "[^a-z0-9]+", "  "),
    ("regex", "^|$", " "),
    ("regex", f" ({'|'.join(_WORDS.split())}) ", " "),
    ("regex", f" ([a-z0-9]{{3,}}?)({'|'.join(_ENDINGS.split())}) ", " \\1 "),
    ("regex", " +", " "),
    ("regex", "^ | $", ""),
)


def place_key(name: str | None) -> str | None:
    """The folded key of a place name; None when nothing but place words is left."""
    if name is None:
        return None
    return rules.apply(PLACE_RULES, name) or None


def slug(key: str) -> str:
    """A district code for a place known only by its key: URL- and file-safe, at most 48 characters."""
    text = key.replace(" ", "-")
    if len(text) > 48:
        text = text[:40].rstrip("-") + "-" + hashlib.sha1(key.encode()).hexdigest()[:7]
    return text


# Residents whose district is missing or not recognised are reported under this code.
UNPLACED = District(
    code="unplaced",
    name_ru="Район не указан или не распознан",
    name_kk="Ауданы көрсетілмеген немесе танылмаған",
    name_en="District not given or not recognised",
    kind="district",
    population=0,
    population_is_estimate=True,
)


@cache
def aliases(region_code: str) -> dict[str, str]:
    """Folded name -> district code, for every name the reference gives a district of the region."""
    out: dict[str, str] = {}
    for d in regions()[region_code].districts:
        for name in (d.code, d.name_en, d.name_ru, d.name_kk):
            key = place_key(name)
            if key:
                out.setdefault(key, d.code)
    return out


def recognise(name: str | None, region_code: str) -> str | None:
    """The district code of a written name in a known region, or None."""
    key = place_key(name)
    return aliases(region_code).get(key) if key else None


# ---- regions -------------------------------------------------------------------------------------

# A known region is chosen when its districts account for at least this share of the rows that
# name a district; below it the names are another region's (a coincidence such as Abay is not enough).
DETECT_SHARE = 0.5
# At most this many places are kept as written; rarer ones (free text in a district column) are unplaced.
MAX_PLACES = 300


@dataclass(frozen=True)
class PlaceCount:
    """One folded place name of a list: its key, its most frequent spelling, and its rows."""

    key: str
    spelling: str
    rows: int


@dataclass(frozen=True)
class Detection:
    region: str | None  # the region chosen, None when no known region covers enough rows
    share: float  # the share of rows with a district that the best region recognises
    best: str | None  # the region recognising most rows, even when too few to be chosen


def detect(places: Iterable[PlaceCount], rows_with_district: int) -> Detection:
    """The known region whose districts cover at least ``DETECT_SHARE`` of the rows that name a place."""
    counted = list(places)
    covered = {code: sum(p.rows for p in counted if p.key in aliases(code)) for code in sorted(regions())}
    best = max(covered, key=lambda c: covered[c], default=None)
    if best is None or covered[best] == 0 or rows_with_district == 0:
        return Detection(None, 0.0, None)
    share = covered[best] / rows_with_district
    return Detection(best if share >= DETECT_SHARE else None, round(share, 4), best)


def as_written(places: Iterable[PlaceCount], *, as_of: dt.date) -> tuple[Region, dict[str, str]]:
    """A region made of the places a list names: one district per key, named by its most frequent
    spelling, coded by the key's slug; the ``MAX_PLACES`` most frequent keys only. Also key -> code.

    Its code is empty: no reference region knows it (the web falls back to its default region for the
    modules that need one).
    """
    ranked = sorted(places, key=lambda p: (-p.rows, p.key))[:MAX_PLACES]
    districts = tuple(
        District(slug(p.key), p.spelling, p.spelling, p.spelling, "district", p.rows, True) for p in ranked
    )
    region = Region(
        code="",
        name_ru="Районы по написанию в реестре",
        name_en="districts as the registry writes them",
        population=sum(d.population for d in districts),
        population_date=as_of,
        default_as_of=as_of,
        kazakh_name_share=0.0,
        note="Not a known region: districts are the registry's own place names, grouped by their folded form.",
        districts=districts,
    )
    return region, {p.key: slug(p.key) for p in ranked}


def install_sql(con: duckdb.DuckDBPyConnection) -> None:
    """The macro place_key(name) and the table place_alias(region, district, key) of every known region."""
    con.execute(f"CREATE OR REPLACE MACRO place_key(x) AS nullif({rules.to_sql(PLACE_RULES, 'x')}, '')")
    rows = [(code, district, key) for code in sorted(regions()) for key, district in aliases(code).items()]
    # Literal VALUES: a few dozen constant rows (Python parameters make DuckDB import pandas when present).
    values = ", ".join(f"({quote_literal(r)}, {quote_literal(d)}, {quote_literal(k)})" for r, d, k in rows)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE place_alias AS SELECT * FROM (VALUES {values}) AS t(region, district, key)"
    )
