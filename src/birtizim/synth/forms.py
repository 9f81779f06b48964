"""Every written form of every pooled name, precomputed once per run as (spelling x form) tables.

Residents carry integer form ids; a source row looks its text up as ``table[spelling, form_id]``,
so writing millions of names is array indexing, not string building per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from birtizim.synth import namepools as pools
from birtizim.synth.spelling import Spelling, russian, spell

ObjArray = npt.NDArray[np.object_]


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


@dataclass(frozen=True)
class NameForms:
    first: ObjArray  # (4, n_first)
    first_groups: dict[str, tuple[int, int]]  # "kk_M" -> (offset, size)
    surname: ObjArray  # (4, 3 * n_entries): form = entry * 3 + (0 male, 1 female, 2 bare root)
    surname_groups: dict[str, tuple[int, int]]  # "kk" / "ru" -> (entry offset, entry count)
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

    surnames: list[str] = []
    for root in pools.KAZAKH_SURNAME_ROOTS:
        surnames += [_kazakh_surname(root, False), _kazakh_surname(root, True), root]
    for male, female in pools.RUSSIAN_SURNAMES.items():
        surnames += [male, female, male]  # Russian surnames have no bare-root form
    n_kk = len(pools.KAZAKH_SURNAME_ROOTS)

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
        surname_groups={"kk": (0, n_kk), "ru": (n_kk, len(pools.RUSSIAN_SURNAMES))},
        patronymic=_table(patronymics),
        father_groups={"kk": (0, len(pools.KAZAKH_MALE)), "ru": (len(pools.KAZAKH_MALE), len(pools.RUSSIAN_MALE))},
    )
