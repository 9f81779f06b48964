"""The people caught without paying, and the protocols inspectors write about them.

Some people evade habitually and are caught again and again; most are caught once. Each person in
the pool gets a propensity from a heavy-tailed (log-normal) distribution and the caught rider of a
check is drawn in proportion to it, so repeat offenders arise from the mechanism, not from a quota.

Inspectors write protocols the way agencies write lists (``birtizim.synth.agencies``' damage):
the IIN may be missing, typed with one wrong digit or two neighbours swapped, decorated with spaces,
or stored in a numeric cell that dropped its leading zero (people born in 2000-2009, many of them
among young riders); names are written in Kazakh Cyrillic, Russian Cyrillic, passport Latin or the
2021 Latin alphabet. ``truth`` keeps each protocol's true person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from birtizim.fares.fines import protocol_fine
from birtizim.reference import region as get_region
from birtizim.synth import forms as name_forms
from birtizim.synth.agencies import _decorate, _substitute_digit, _swap_digits
from birtizim.synth.population import IntArray, draw_people
from birtizim.synth.spelling import Spelling

SPELLINGS = (0.5, 0.35, 0.1, 0.05)  # canonical, Russian, passport, 2021 Latin


@dataclass(frozen=True)
class Damage:
    iin_missing: float = 0.05
    iin_typo: float = 0.02
    iin_swap: float = 0.01
    iin_format: float = 0.03
    leading_zero_lost: float = 0.4  # of IINs that start with 0
    no_patronymic: float = 0.1
    birth_date_missing: float = 0.01


@dataclass(frozen=True)
class Pool:
    people: dict[str, Any]
    weight: npt.NDArray[np.float64]
    forms: name_forms.NameForms
    district_names: tuple[str, ...]


def draw_pool(size: int, as_of: dt.date, rng: np.random.Generator) -> Pool:
    """``size`` potential evaders of a Shymkent-like city, mostly young."""
    ages = np.clip(np.round(rng.gamma(3.0, 8.0, size) + 14), 16, 80).astype(np.int64)
    forms = name_forms.build()
    city = get_region("shymkent")
    people = draw_people(size, ages, city, as_of, forms, rng)
    weight = rng.lognormal(0.0, 1.3, size)
    return Pool(people, weight / weight.sum(), forms, tuple(d.name_ru for d in city.districts))


def _iin_text(value: int) -> str:
    return f"{value:012d}"


def write_protocols(
    pool: Pool,
    offences: list[tuple[dt.datetime, str, str, str]],  # (time, route, stop, check id)
    *,
    first_number: int,
    rng: np.random.Generator,
    damage: Damage = Damage(),
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Protocol rows as an inspector's device exports them, and the truth row of each."""
    n = len(offences)
    person = rng.choice(len(pool.weight), size=n, p=pool.weight)
    p = pool.people
    f = pool.forms
    spelling = rng.choice(len(SPELLINGS), size=n, p=SPELLINGS)
    kind = rng.choice(5, size=n, p=_iin_p(damage))
    rows, truth = [], []
    for i, (when, route, stop, check_id) in enumerate(offences):
        who = int(person[i])
        true_iin = _iin_text(int(p["iin"][who]))
        iin: str | None = true_iin
        noise = "none"
        if kind[i] == 1:
            iin, noise = None, "iin_missing"
        elif kind[i] == 2:
            iin, noise = _substitute_digit(true_iin, rng), "iin_typo"
        elif kind[i] == 3:
            iin, noise = _swap_digits(true_iin, rng), "iin_swap"
        elif kind[i] == 4:
            iin, noise = _decorate(true_iin, rng), "iin_format"
        if iin is not None and iin.startswith("0") and noise == "none" and rng.random() < damage.leading_zero_lost:
            iin, noise = iin.lstrip("0"), "iin_leading_zero_lost"
        sp = Spelling(int(spelling[i]))
        patronymic = None
        if p["patronymic_form"][who] >= 0 and rng.random() >= damage.no_patronymic:
            patronymic = f.patronymic[sp, p["patronymic_form"][who]]
        birth = p["birth_date"][who].astype(dt.date)
        fine = protocol_fine(when.date())
        served = when.date() if rng.random() < 0.95 else when.date() + dt.timedelta(days=int(rng.integers(1, 6)))
        appealed = bool(rng.random() < 0.03)
        rows.append(
            {
                "number": f"П-{first_number + i:07d}",
                "offence_at": when.isoformat(timespec="minutes"),
                "route": route,
                "stop": stop,
                "iin": iin,
                "last_name": f.surname[sp, p["surname_form"][who]],
                "first_name": f.first[sp, p["first_form"][who]],
                "patronymic": patronymic,
                "birth_date": None if rng.random() < damage.birth_date_missing else birth.isoformat(),
                "address": f"г. Шымкент, {pool.district_names[int(p['district'][who])]}, "
                f"ул. {int(p['street'][who]) + 1}-я, д. {int(p['house'][who])}",
                "article": "622-2",
                "fine": fine,
                "served_on": served.isoformat(),
                "appealed": appealed,
                "cancelled": appealed and bool(rng.random() < 0.5),
                "check_id": check_id,
            }
        )
        truth.append({"number": rows[-1]["number"], "person_id": who, "true_iin": true_iin, "iin_noise": noise})
    return rows, truth


def _iin_p(d: Damage) -> list[float]:
    q = [d.iin_missing, d.iin_typo, d.iin_swap, d.iin_format]
    return [1 - sum(q), *q]


def pay(
    protocols: list[dict[str, Any]], *, rng: np.random.Generator, as_of: dt.date, payment_due_days: int = 40
) -> list[dict[str, Any]]:
    """Payments for the protocols: most in time, some late, some never (and none after ``as_of``)."""
    out = []
    for row in protocols:
        if row["cancelled"]:
            continue
        u = rng.random()
        served = dt.date.fromisoformat(row["served_on"])
        if u < 0.65:
            paid_on = served + dt.timedelta(days=int(rng.integers(0, payment_due_days + 1)))
        elif u < 0.77:
            paid_on = served + dt.timedelta(days=int(rng.integers(payment_due_days + 1, payment_due_days + 60)))
        else:
            continue
        if paid_on <= as_of:
            out.append({"protocol": row["number"], "paid_on": paid_on.isoformat(), "amount": row["fine"]})
    return out


def person_ids(truth: list[dict[str, Any]]) -> IntArray:
    return np.array([t["person_id"] for t in truth], dtype=np.int64)
