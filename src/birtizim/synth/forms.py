"""Every written form of every pooled name, precomputed once per run as (spelling x form) tables.

Residents carry integer form ids; a source row looks its text up as ``table[spelling, form_id]``,
so writing millions of names is array indexing, not string building per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from birtizim import reference
from birtizim.synth import namepools as pools
from birtizim.synth.spelling import Spelling, russian, spell

ObjArray = npt.NDArray[np.object_]
FloatArray = npt.NDArray[np.float64]
COUNTRY = "kazakhstan-2025"  # whose share of Kazakh-style names turns the 2014 counts into shares of a group
_VOWELS = "аәеёиіоөұүуыэюя"


def _table(canonical: list[str]) -> ObjArray:
    return np.array([[spell(c, s) if c else None for c in canonical] for s in Spelling], dtype=object)


def _kazakh_surname(root: str, female: bool) -> str:
    # Russian grammar: -ев after a vowel or й (Жұмабай -> Жұмабаев), -ов otherwise.
    if root[-1] == "й":
        base = root[:-1] + "ев"
    elif root[-1].lower() in "аәеиіоөұүуы":
        base = root + "ев"
    else:
        base = root + "ов"
    return base + ("а" if female else "")


def russian_female_surname(male: str) -> str:
    """Иванов -> Иванова, Ильин -> Ильина, Покровский -> Покровская; Ким, Шевченко, Шмидт stay."""
    if male.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male + "а"
    if male.endswith(("ский", "цкий")):
        return male[:-2] + "ая"
    return male


def kazakh_surname_roots() -> list[str]:
    """The pool's roots: the commonest first, then the male first names, then two-part names (Нұр + бек),
    each once."""
    built = [
        head + tail
        for head in pools.KAZAKH_NAME_HEADS
        for tail in pools.KAZAKH_NAME_TAILS
        # no vowel clash at the seam, no part doubled (Сұлтансұлтан)
        if not (head[-1].lower() in _VOWELS and tail[0] in _VOWELS) and head.lower() != tail
    ]
    return list(dict.fromkeys([*pools.KAZAKH_SURNAME_ROOTS, *pools.KAZAKH_MALE, *built]))


def surname_shares(entries: list[str], group_share: float) -> FloatArray:
    """Each entry's share of its name group: the 2014 count over the group's part of the country, the
    rest of the group spread evenly over the entries without a count."""
    counted = np.array(
        [pools.SURNAME_COUNTS_2014.get(e, 0) / (pools.COUNTRY_POPULATION_2014 * group_share) for e in entries]
    )
    rest = np.flatnonzero(counted == 0)
    shares = counted.copy()
    shares[rest] = (1 - counted.sum()) / len(rest)
    return shares


@dataclass(frozen=True)
class NameForms:
    first: ObjArray  # (4, n_first)
    first_groups: dict[str, tuple[int, int]]  # "kk_M" -> (offset, size)
    surname: ObjArray  # (4, 3 * n_entries): form = entry * 3 + (0 male, 1 female, 2 bare root)
    surname_groups: dict[str, tuple[int, int]]  # "kk" / "ru" -> (entry offset, entry count)
    surname_shares: dict[str, FloatArray]  # "kk" / "ru" -> each entry's share of its group (sums to 1)
    patronymic: ObjArray  # (4, 4 * n_fathers): form = father * 4 + (0 -ұлы, 1 -қызы, 2 -ович, 3 -овна)
    father_groups: dict[str, tuple[int, int]]


def build() -> NameForms:
    first: list[str] = []
    first_groups: dict[str, tuple[int, int]] = {}
    for key, names in (
        ("kk_M", pools.KAZAKH_MALE),
        ("kk_F", pools.KAZAKH_FEMALE),
        ("ru_M", list(pools.RUSSIAN_MALE)),
        ("ru_F", pools.RUSSIAN_FEMALE),
    ):
        first_groups[key] = (len(first), len(names))
        first.extend(names)

    roots = kazakh_surname_roots()
    surnames: list[str] = []
    for root in roots:
        surnames += [_kazakh_surname(root, False), _kazakh_surname(root, True), root]
    for male in pools.RUSSIAN_SURNAMES:
        surnames += [male, russian_female_surname(male), male]  # Russian surnames have no bare-root form
    kazakh_share = reference.region(COUNTRY).kazakh_name_share

    patronymics: list[str] = []
    for father in pools.KAZAKH_MALE:
        ru = russian(father)
        patronymics += [father + "ұлы", father + "қызы", ru + "ович", ru + "овна"]
    for male_form, female_form in pools.RUSSIAN_MALE.values():
        patronymics += [male_form, female_form, male_form, female_form]

    return NameForms(
        first=_table(first),
        first_groups=first_groups,
        surname=_table(surnames),
        surname_groups={"kk": (0, len(roots)), "ru": (len(roots), len(pools.RUSSIAN_SURNAMES))},
        surname_shares={
            "kk": surname_shares(roots, kazakh_share),
            "ru": surname_shares(list(pools.RUSSIAN_SURNAMES), 1 - kazakh_share),
        },
        patronymic=_table(patronymics),
        father_groups={"kk": (0, len(pools.KAZAKH_MALE)), "ru": (len(pools.KAZAKH_MALE), len(pools.RUSSIAN_MALE))},
    )
