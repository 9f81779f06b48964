"""How agencies spell a name: Kazakh Cyrillic, Russian Cyrillic, passport Latin (ICAO) and the 2021
Latin alphabet. The generator uses these to write the same person differently in different lists.

These go from Cyrillic to other scripts, the opposite direction of ``engine.names`` (which folds
everything to one key), so the two are independent: tests check that the fold undoes these.
"""

from __future__ import annotations

from enum import IntEnum

from birtizim.synth.namepools import RUSSIAN_SPELLING


class Spelling(IntEnum):
    CANONICAL = 0  # as in the population registry (Kazakh Cyrillic for Kazakh names)
    RUSSIAN = 1  # Kazakh letters flattened, soft signs added
    PASSPORT = 2  # ICAO 9303 transliteration in capitals, as in passports
    LATIN_2021 = 3  # the 2021 Kazakh Latin alphabet


_KK_TO_RU = str.maketrans("ӘәӨөҰұҮүҚқҢңҒғІіҺһ", "АаОоУуУуКкНнГгИиХх")

_ICAO = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}

_LATIN_2021 = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ç",
    "ш": "ş",
    "щ": "şş",
    "ъ": "",
    "ы": "y",
    "і": "ı",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
# Capitals where the 2021 alphabet differs from str.upper(): И/Й are İ, І is I.
_LATIN_2021_UPPER = {"и": "İ", "й": "İ", "і": "I", "ю": "İu", "я": "İa", "ё": "İo"}


def russian(text: str) -> str:
    """Russian Cyrillic spelling of a (possibly Kazakh) name."""
    return RUSSIAN_SPELLING.get(text, text.translate(_KK_TO_RU))


def _transliterate(text: str, table: dict[str, str], upper: dict[str, str] | None = None) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        latin = table.get(low, low)
        if ch != low:  # a capital letter
            latin = (upper or {}).get(low) or latin[:1].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


def passport(text: str) -> str:
    """Passport (ICAO) transliteration, in capitals, of the Russian spelling."""
    return _transliterate(russian(text), _ICAO).upper()


def latin_2021(text: str) -> str:
    """The 2021 Kazakh Latin alphabet, from the Kazakh Cyrillic spelling."""
    return _transliterate(text, _LATIN_2021, _LATIN_2021_UPPER)


def spell(text: str, spelling: Spelling) -> str:
    if spelling is Spelling.RUSSIAN:
        return russian(text)
    if spelling is Spelling.PASSPORT:
        return passport(text)
    if spelling is Spelling.LATIN_2021:
        return latin_2021(text)
    return text
