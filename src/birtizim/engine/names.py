"""Fold every spelling of a Kazakhstani name to one ASCII matching key.

Agencies write the same person as Жақсылық (Kazakh Cyrillic), Жаксылык (Russian Cyrillic),
ZHAKSYLYK (passport Latin) or Jaqsylyq (2021 Latin alphabet). Matching on the raw text would treat
them as four people, and DuckDB's string distances count UTF-8 bytes rather than letters, so every
name is folded to a short ASCII key first.

The fold is deliberately lossy: Kazakh letters collapse onto their Russian look-alikes (Қ/К, Ұ/Ү/У),
Ы and И meet (Russian spellings of Kazakh names swap them), soft signs vanish and doubled letters
collapse (Асель/Ассель). Keys are for finding candidates that the birth date and other evidence then
confirm; they are not an identity on their own.

The fold is one ordered table of rules (``BASE_RULES``) that runs in Python and is compiled to DuckDB
macros (``install_sql``), so the engine can fold millions of names set-based while tests check that
both agree. A fold costs a few microseconds a value in DuckDB, and names repeat heavily, so the
engine folds each *distinct* spelling once and joins the keys back.

Role-specific rules strip patronymic endings (-ұлы/-улы/-ович, -қызы/-кызы/-овна) and surname
endings (-ов/-ев/-ова/-ева), so Серікұлы, Серикович and Сериковна all give ``serik``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from birtizim.tables import rules as text_rules
from birtizim.tables.rules import Rule
from birtizim.tables.sql import quote_literal

if TYPE_CHECKING:
    import duckdb

# Rule tables (kind, a, b) run the same in Python and in DuckDB: see birtizim.tables.rules.

# Cyrillic letter -> Latin key letter, written as pairs so the two alphabets cannot drift apart.
_CYRILLIC_PAIRS = (
    "аa әa бb вv гg ғg дd еe ёe эe жj зz иi іi йi кk қk лl мm нn ңn оo өo пp рr сs тt уu ұu үu фf хh һh ыi"
).split()
_CYRILLIC_FROM = "".join(p[0] for p in _CYRILLIC_PAIRS) + "ъь"  # signs have no replacement: they vanish
_CYRILLIC_TO = "".join(p[1] for p in _CYRILLIC_PAIRS)

# Latin letters that look like Cyrillic ones, typed into a Cyrillic name from an English keyboard layout
# (Иванoв with a Latin o, Cергей with a Latin C): in a name with any Cyrillic letter they are read as the
# Cyrillic letters they look like. A name written wholly in Latin letters is left alone.
_HOMOGLYPHS_LATIN = "AaBCcEeHKkMOoPpTXxy"
_HOMOGLYPHS_CYRILLIC = "АаВСсЕеНКкМОоРрТХху"
_CYRILLIC_LETTER = "[\u0400-\u04ff]"

BASE_RULES: tuple[Rule, ...] = (
    ("if_match", _CYRILLIC_LETTER, f"{_HOMOGLYPHS_LATIN}>{_HOMOGLYPHS_CYRILLIC}"),
    # Turkish-style dotted/dotless i of the 2021 alphabet (Python's lower() would turn İ into i + dot);
    # Ý is У in the 2018 alphabet (Sýleımenov), not a Y with an accent.
    ("translate", "İıÝý", "iiuu"),
    ("lower", "", ""),
    # The 2017 apostrophe alphabet writes Ш and Ч as S' and C' (other apostrophes just vanish below).
    ("regex", "([sc])['\u2019\u02bc`]", "\\1h"),
    # Cyrillic letters that need more than one Latin letter (passport convention).
    ("replace", "щ", "sh"),
    ("replace", "ш", "sh"),
    ("replace", "ч", "ch"),
    ("replace", "ц", "ts"),
    ("replace", "ю", "iu"),
    ("replace", "я", "ia"),
    # Х is KH in passports and KH becomes H below: going through KH keeps К/Қ + Х (Бекхан, BEKKHAN) one key.
    ("replace", "х", "kh"),
    ("translate", _CYRILLIC_FROM, _CYRILLIC_TO),
    # 2021 Latin letters with a two-letter passport equivalent, before accents are stripped.
    ("replace", "ş", "sh"),
    ("replace", "ç", "ch"),
    ("strip_accents", "", ""),  # ä ğ ñ ö ū ü -> a g n o u u
    ("regex", "[^a-z]", ""),  # spaces, hyphens, apostrophes of the 2017 alphabet, stray symbols
    # Latin spellings of the same sounds.
    ("replace", "shch", "sh"),
    ("replace", "sch", "sh"),  # Щ in older GOST and German spellings
    ("replace", "tch", "ch"),  # Ч in French-style spellings of old Soviet passports
    ("replace", "dzh", "j"),
    ("replace", "zh", "j"),
    ("replace", "kh", "h"),
    ("replace", "q", "k"),
    ("replace", "w", "u"),
    ("replace", "x", "ks"),
    ("regex", "c([^h]|$)", "k\\1"),
    # Ы and И meet (Y in passports, I in 2021 Latin, and Russian spellings swap them).
    ("replace", "y", "i"),
    # Е at the start or after a vowel is written YE in Latin (Yerlan for Ерлан, Tokayev for Тоқаев).
    ("regex", "(^|[aeiou])ie", "\\1e"),
    # Й after a vowel and before a consonant or the end is J in GOST spellings (Sergej, Nikolaj, Ajbek);
    # J elsewhere is Ж (Janar, Erjan).
    ("regex", "([aeiou])j+([^aeiou]|$)", "\\1i\\2"),
)

# Doubled letters collapse (Ассель/Асель, Аллаберген/Алаберген). RE2 has no back-references, so each
# letter gets its own group; unmatched groups are empty in both RE2 and Python. Nine groups a rule
# because replacements can name \1 to \9 only. (Measured: three such rules cost a fifth of 26
# literal replacements.)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
COLLAPSE_RULES: tuple[Rule, ...] = tuple(
    (
        "regex",
        "|".join(f"({c}){c}+" for c in _LETTERS[i : i + 9]),
        "".join(f"\\{k + 1}" for k in range(len(_LETTERS[i : i + 9]))),
    )
    for i in range(0, 26, 9)
)

# Separate "ұлы"/"қызы" words join the father's name before splitting a full name.
_PARTICLE_JOIN: Rule = (
    "regex",
    "(?i)[ ]+(ұлы|улы|uly|ūly|ulı|ули|қызы|кызы|кизи|kyzy|qyzy|qızı|оглы|ogly|кизи)([ ]|$)",
    "\\1\\2",
)

_PATRONYMIC_ENDING = (
    "(?i:ович|евич|ьич|овна|евна|ична|ұлы|улы|қызы|кызы|ov[iı]t?ch|ev[iı]t?ch|ovna|evna|[iı]chna"
    "|[uūý]l[yiı]|[kq][yı]z[yı])"
)
# A letter of any alphabet a name arrives in (RE2 has \pL, Python's re does not: one class for both).
_LETTER = "[A-Za-zА-Яа-яЁёӘәІіҢңҒғҮүҰұҚқӨөҺһÄäÖöÜüŪūŞşÇçĞğÑñİıÁáÓóÚúÝýǴǵŃń]"
# Splitting "Фамилия Имя Отчество" from one column: spaces of every kind squeezed; a dot always ends a
# word ("Т.Ж.Ахметов" -> "Т. Ж. Ахметов"); "Серік ұлы" is one patronymic; initials written before the
# surname ("И. И. Иванов") move after it, as in "Иванов И. И.", and so does a surname written last.
SPLIT_RULES: tuple[Rule, ...] = (
    ("regex", "[ \t\u00a0\u2000-\u200b\u202f]+", " "),
    ("regex", "\\.([^ .])", ". \\1"),
    ("regex", "^ +| +$", ""),
    _PARTICLE_JOIN,
    ("regex", f"^({_LETTER}\\.) ({_LETTER}\\.) ([^ ][^ ]+)$", "\\3 \\1 \\2"),
    ("regex", f"^({_LETTER}\\.) ([^ ][^ ]+)$", "\\2 \\1"),
    # "Иван Иванович Иванов" (first name, patronymic, surname): the middle word has a patronymic's
    # ending, so the surname at the end moves to the front.
    ("regex", f"^([^ ]+) ([^ ]+{_PATRONYMIC_ENDING}) ([^ ]+)$", "\\3 \\1 \\2"),
)

# After doubled letters collapse: Kazakh Ә/Ү after a consonant is written Я/Ю in Russian
# (Ләззат/Ляззат, Ілияс/Ильяс), and Ё is E in passports but IO in the 2021 alphabet (Fiodorov).
SOUND_RULES: tuple[Rule, ...] = (
    ("regex", "([bdfghjklmnprstvz])i([au])", "\\1\\2"),
    ("regex", "([bdfghjklmnprstvz])io", "\\1e"),
)

PATRONYMIC_RULES: tuple[Rule, ...] = (("regex", "^(..+?)(ovich|evich|ovna|evna|ichna|ich|uli|kizi|ogli|ugli)$", "\\1"),)
SURNAME_RULES: tuple[Rule, ...] = (
    ("regex", "^(...+?)(skaia|skii|skai|ski)$", "\\1sk"),
    ("regex", "^(..+?)ina$", "\\1in"),
    # -ёв/-ёва is -iov/-iova in the 2021 alphabet (Kovaliov, Gorbaçiova): the ending goes with its Ё, not
    # after it (the sound rules that read IO as Ё come after the ending is stripped).
    ("regex", "^(...+?[bdfghjklmnprstvz])io(va|v)$", "\\1e\\2"),
    ("regex", "^(...+?)(ova|eva|ov|ev|uli|kizi)$", "\\1"),
    # A root ending in -ай/-ей takes -ев as -аев (Серікбай/Серікбаев): drop the й on both.
    ("regex", "^(..+?[aeou])i$", "\\1"),
)


def _key(rules: tuple[Rule, ...], value: str | None) -> str | None:
    if value is None:
        return None
    return text_rules.apply(rules, value) or None


FIRST_NAME = BASE_RULES + COLLAPSE_RULES + SOUND_RULES
SURNAME = BASE_RULES + SURNAME_RULES + COLLAPSE_RULES + SOUND_RULES
PATRONYMIC = BASE_RULES + PATRONYMIC_RULES + COLLAPSE_RULES + SOUND_RULES


def fold(value: str | None) -> str | None:
    """Matching key of a first name (or any name part with no ending to strip)."""
    return _key(FIRST_NAME, value)


def fold_surname(value: str | None) -> str | None:
    """Matching key of a surname: -ов/-ев/-ова/-ева (and -ұлы/-қызы) endings stripped."""
    return _key(SURNAME, value)


def fold_patronymic(value: str | None) -> str | None:
    """Matching key of a patronymic: the father's name, whatever the ending (-ұлы, -ович, -қызы, -овна)."""
    return _key(PATRONYMIC, value)


def pair_key(a: str | None, b: str | None) -> str | None:
    """Order-free key of surname and first name, so a row with the two swapped still meets."""
    keys = sorted(k for k in (fold_surname(a), fold_surname(b)) if k)
    return " ".join(keys) or None


@dataclass(frozen=True, slots=True)
class NameParts:
    last_name: str | None
    first_name: str | None
    patronymic: str | None


def split_full_name(full: str | None) -> NameParts:
    """Split "Фамилия Имя Отчество" (the order agencies use) into parts; "Серік ұлы" stays one part."""
    if full is None:
        return NameParts(None, None, None)
    tokens = [t for t in text_rules.apply(SPLIT_RULES, full).split(" ") if t]
    last = tokens[0] if tokens else None
    first = tokens[1] if len(tokens) > 1 else None
    patronymic = " ".join(tokens[2:]) or None
    return NameParts(last, first, patronymic)


# --------------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------------


def _guarded_sql(rule: Rule, expr: str) -> str:
    """One rule over the column ``expr``, run only on the values it changes: a regular expression or a
    literal that does not occur leaves a value as it is, and testing for it costs a fraction of the
    replacement (which builds a new string even when nothing matches)."""
    kind, a, _ = rule
    applied = text_rules.to_sql((rule,), expr)
    if kind == "regex":
        return f"CASE WHEN regexp_matches({expr}, {quote_literal(a)}) THEN {applied} ELSE {expr} END"
    if kind == "replace":
        return f"CASE WHEN contains({expr}, {quote_literal(a)}) THEN {applied} ELSE {expr} END"
    return applied


def rules_select(rules: tuple[Rule, ...], values: str) -> str:
    """A query of ``v`` (every row of the query ``values``, which has a column ``v``) and ``s``, the rules
    applied to it: the set-based form of a rule table for many values at once, one projection per rule
    (a nested expression would repeat each value's text at every guard), each rule guarded."""
    query = f"SELECT v, v AS s0 FROM ({values})"
    for i, rule in enumerate(rules):
        query = f"SELECT v, {_guarded_sql(rule, f's{i}')} AS s{i + 1} FROM ({query})"
    return f"SELECT v, s{len(rules)} AS s FROM ({query})"


FOLD_RULES = {"surname": SURNAME, "first": FIRST_NAME, "patronymic": PATRONYMIC}


def fold_select(role: str, values: str) -> str:
    """``v`` and its matching key ``k`` for every row of ``values`` (a query with a column ``v``), as
    ``name_fold_surname``, ``name_fold`` or ``name_fold_patronymic`` give it (``role``: surname, first,
    patronymic), computed faster for many values."""
    return f"SELECT v, nullif(s, '') AS k FROM ({rules_select(FOLD_RULES[role], values)})"


def split_select(values: str) -> str:
    """``v`` and its parts ``last_name``, ``first_name``, ``patronymic`` for every row of ``values`` (a
    query with a column ``v`` of full names), as ``name_split_full`` gives them."""
    return f"""
        SELECT v, nullif(t[1], '') AS last_name, t[2] AS first_name,
               nullif(array_to_string(t[3:], ' '), '') AS patronymic
        FROM (SELECT v, list_filter(string_split(s, ' '), x -> x <> '') AS t
              FROM ({rules_select(SPLIT_RULES, values)}))
    """


# An address compared as text: lower case, Cyrillic letters as their Latin key letters, every run of
# other characters one space. Cheaper than the name fold (addresses are mostly distinct, millions of
# them), and enough for a typo to stay close.
_ADDRESS_FROM = _CYRILLIC_FROM.replace("ъь", "") + "шщчцюя"
_ADDRESS_TO = _CYRILLIC_TO + "ssctua"
_ADDRESS_DROP = "ъь"


def address_key(address: str | None) -> str | None:
    """Matching key of an address (``name_address_key`` in SQL)."""
    if address is None:
        return None
    table = str.maketrans(_ADDRESS_FROM, _ADDRESS_TO, _ADDRESS_DROP)
    text = unicodedata.normalize("NFC", address).lower().translate(table)
    return re.sub("[^a-z0-9]+", " ", text).strip() or None


# Sex a name's endings tell, for lists without a sex column: the patronymic first (-ович/-ұлы are men's,
# -овна/-қызы women's, in every alphabet), then the surname (-ова/-ева/-ина/-ская women's, -ов/-ев/-ин/
# -ский men's). A bare Kazakh surname (Сулеймен) or one like Ким tells nothing.
_SEX_ENDINGS: tuple[tuple[str, str, str], ...] = (
    ("patronymic", "F", "(овна|евна|ична|қызы|кызы|кизи|ovna|evna|ichna|[kq][yı]z[yı])$"),
    ("patronymic", "M", "(ович|евич|ьич|ұлы|улы|оглы|ov[iı]t?ch|ev[iı]t?ch|[uūý]l[yiı]|ogly)$"),
    ("surname", "F", "(ова|ева|ёва|ина|ына|ская|цкая|ova|eva|ina|yna|skaia|skaya|ovna)$"),
    ("surname", "M", "(ов|ев|ёв|ин|ын|ский|цкий|ov|ev|in|yn|skii|skiy|sky)$"),
)


def name_sex(surname: str | None, patronymic: str | None) -> str | None:
    """ "M" or "F" as the endings of a patronymic or surname tell, else None (``name_sex`` in SQL)."""
    parts = {"surname": (surname or "").strip().lower(), "patronymic": (patronymic or "").strip().lower()}
    for role in ("patronymic", "surname"):
        for part, sex, pattern in _SEX_ENDINGS:
            if part == role and re.search(pattern, parts[role]):
                return sex
    return None


def _name_sex_sql() -> str:
    whens = " ".join(
        f"WHEN regexp_matches(lower(trim({'p' if part == 'patronymic' else 's'})), {quote_literal(pattern)}) "
        f"THEN '{sex}'"
        for part, sex, pattern in sorted(_SEX_ENDINGS, key=lambda e: e[0] != "patronymic")
    )
    return f"CASE {whens} END"


# A name written as an initial, folded, and the first letters of the keys it can stand for: Latin
# initials lose the second letter of a passport digraph (Ж ZH, Х KH, Ч CH, Ш SH, Ц TS).
INITIAL_DIGRAPHS = {"z": ("j",), "k": ("h", "ch"), "s": ("sh",), "t": ("ts",)}


def initial_fits(initial: str | None, key: str | None) -> bool:
    """Does a folded initial (a key of one or two letters) fit the folded name ``key``?"""
    if not initial or not key or len(initial) > 2:
        return False
    return key.startswith(initial) or any(key.startswith(d) for d in INITIAL_DIGRAPHS.get(initial, ()))


def _initial_fits_sql() -> str:
    extra = " ".join(
        f"OR (i = '{i}' AND ({' OR '.join(f'starts_with(k, {quote_literal(d)})' for d in ds)}))"
        for i, ds in INITIAL_DIGRAPHS.items()
    )
    return f"coalesce(length(i) <= 2 AND (starts_with(k, i) {extra}), false)"


def install_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Create macros name_fold, name_fold_surname, name_fold_patronymic, name_pair_key, name_split_full,
    name_initial_fits, name_sex, name_address_key."""
    address_from, address_to = quote_literal(_ADDRESS_FROM + _ADDRESS_DROP), quote_literal(_ADDRESS_TO)
    tokens = f"list_filter(string_split({text_rules.to_sql(SPLIT_RULES, 's')}, ' '), t -> t <> '')"
    con.execute(
        f"""
        CREATE OR REPLACE MACRO name_fold(s) AS nullif({text_rules.to_sql(FIRST_NAME, "s")}, '');
        CREATE OR REPLACE MACRO name_fold_surname(s) AS nullif({text_rules.to_sql(SURNAME, "s")}, '');
        CREATE OR REPLACE MACRO name_fold_patronymic(s) AS nullif({text_rules.to_sql(PATRONYMIC, "s")}, '');
        CREATE OR REPLACE MACRO name_pair_key(a, b) AS nullif(concat_ws(' ',
            least(name_fold_surname(a), name_fold_surname(b)),
            CASE WHEN name_fold_surname(a) IS NOT NULL AND name_fold_surname(b) IS NOT NULL
                 THEN greatest(name_fold_surname(a), name_fold_surname(b)) END), '');
        CREATE OR REPLACE MACRO name_initial_fits(i, k) AS {_initial_fits_sql()};
        CREATE OR REPLACE MACRO name_sex(s, p) AS {_name_sex_sql()};
        CREATE OR REPLACE MACRO name_address_key(s) AS nullif(trim(regexp_replace(
            translate(lower(nfc_normalize(s)), {address_from}, {address_to}),
            '[^a-z0-9]+', ' ', 'g')), '');
        CREATE OR REPLACE MACRO name_split_full(s) AS {{
            'last_name': nullif({tokens}[1], ''),
            'first_name': {tokens}[2],
            'patronymic': nullif(array_to_string({tokens}[3:], ' '), '')
        }};
        """
    )
