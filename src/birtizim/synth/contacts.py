"""How the population registry reaches a resident: a phone and an address, as clerks write them.

A phone is a Kazakh mobile (+7 7xx xxx xx xx); some residents have none, and some numbers are written
the other ways registries hold them (``87012345678``, ``8 (701) 234-56-78``, ``+77012345678``), so the
engine must read them all. An address names the settlement, the street and the house
(``с. Байсерке, ул. Абая, 12``); a few are missing. Drawn from a generator of their own, so the rest of
a seed's files stay as they were before contacts existed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from birtizim.reference import Region

SEED_SALT = 16_001  # the contacts' generator: [seed, SEED_SALT]
PHONE_MISSING = 0.12  # residents the registry has no phone for
ADDRESS_MISSING = 0.03
# Shares of the ways a phone is written (the first is the engine's own form).
PHONE_STYLES = (0.7, 0.12, 0.1, 0.08)
# Kazakh mobile operators' codes (Beeline, Kcell/Activ, Tele2/Altel).
OPERATOR_CODES = (700, 701, 702, 705, 707, 708, 747, 771, 775, 776, 777, 778)
# Villages a rural district's residents live in (synthetic, generic names); a city's residents live in the city.
VILLAGES = (
    "с. Абай",
    "с. Акжар",
    "с. Байтерек",
    "с. Жанаталап",
    "с. Карасу",
    "с. Кокбастау",
    "с. Нурлы",
    "с. Саты",
    "с. Тургень",
    "с. Шелек",
    "с. Енбек",
    "с. Коктал",
)
VILLAGES_PER_DISTRICT = 4


def phones(n: int, rng: np.random.Generator) -> pa.Array:
    """``n`` phones, some missing (null) and some written another way."""
    code = pa.array(np.array(OPERATOR_CODES)[rng.integers(0, len(OPERATOR_CODES), n)].astype(str))
    digits = pc.utf8_lpad(pa.array(rng.integers(0, 10_000_000, n).astype(str)), 7, "0")
    head, mid, tail = (pc.utf8_slice_codeunits(digits, a, b) for a, b in ((0, 3), (3, 5), (5, 7)))
    styles = [
        _join("+7 ", code, " ", head, " ", mid, " ", tail),
        _join("8", code, digits),
        _join("8 (", code, ") ", head, "-", mid, "-", tail),
        _join("+7", code, digits),
    ]
    style = rng.choice(len(PHONE_STYLES), n, p=PHONE_STYLES)
    missing = rng.random(n) < PHONE_MISSING
    chosen = pc.choose(pa.array(style.astype(np.int8)), *styles)
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), chosen)


def addresses(
    region: Region,
    district: npt.NDArray[np.int64],
    street: npt.NDArray[np.int64],
    house: npt.NDArray[np.int64],
    streets: tuple[str, ...],
    rng: np.random.Generator,
) -> pa.Array:
    """Settlement, street and house of each resident; a few missing (null)."""
    towns = np.array([d.name_ru if d.kind == "city" else "" for d in region.districts], dtype=object)[district]
    # a rural district's residents live in a few of its villages, by street (neighbours share one)
    village = np.array(VILLAGES, dtype=object)[(district * 5 + street % VILLAGES_PER_DISTRICT) % len(VILLAGES)]
    settlement = pa.array(np.where(towns != "", towns, village), pa.string())
    text = _join(settlement, ", ", pa.array(np.array(streets, dtype=object)[street], pa.string()), ", ",
                 pa.array(house.astype(str), pa.string()))  # fmt: skip
    missing = rng.random(len(district)) < ADDRESS_MISSING
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text)


def _join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and constant pieces."""
    return pc.binary_join_element_wise(*parts, "")
