"""Synthetic residents of a region: who they are, what their life situation is, and their true
OSMS status. Everything is drawn as whole NumPy arrays; no loop runs per person.

Shares below are plausible round figures for Kazakhstan, not statistics: the generator needs a
realistic mix, and every rate is recorded in the run's summary so evaluations can be read against it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from birtizim.engine import iin as iin_mod
from birtizim.reference import Region
from birtizim.reference.osms import (
    GRACE_MONTHS,
    GRACE_MONTHS_REGULAR,
    PENSION_AGE,
    REGULAR_MONTHS,
    ContributorType,
    Status,
)
from birtizim.synth.district_profiles import not_listed_share
from birtizim.synth.forms import NameForms

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Age pyramid in 5-year bands (0-4, 5-9, ..., 85+): a young population, roughly Kazakhstan's shape.
AGE_BAND_WEIGHTS = np.array([10.5, 9.5, 7.8, 6.5, 6.6, 7.8, 8.6, 7.6, 6.7, 6.0, 5.8, 5.7, 4.8, 3.3, 1.9, 1.0, 0.8, 0.5])
FEMALE_SHARE = 0.515
DECEASED_SHARE = 0.012  # registry rows of people who died in the last three years, per resident
EMIGRATED_SHARE = 0.006
BARE_SURNAME_SHARE = 0.12  # Kazakhs registered without -ов/-ев (Сулеймен rather than Сулейменов)
KAZAKH_PATRONYMIC_SHARE = 0.45  # -ұлы/-қызы rather than -ович/-овна
NO_PATRONYMIC_SHARE = 0.03
RETIREMENT_AGE = PENSION_AGE  # stated once, with the OSMS rules

CONTRIBUTOR_CODES = (None, *ContributorType)  # index 0 = does not contribute


@dataclass
class Population:
    """Column arrays, one element per person (residents first, then the departed)."""

    as_of: dt.date
    person_id: IntArray
    iin: IntArray
    birth_date: npt.NDArray[np.datetime64]
    female: BoolArray
    kazakh: BoolArray
    district: IntArray  # index into region.districts
    first_form: IntArray
    surname_form: IntArray
    patronymic_form: IntArray  # -1: no patronymic
    registry_status: IntArray  # 0 resident, 1 deceased, 2 emigrated
    event_date: npt.NDArray[np.datetime64]  # date of death or emigration (NaT for residents)
    street: IntArray
    house: IntArray
    situation: dict[str, BoolArray] = field(default_factory=dict)
    contributor_type: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    months_since_payment: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    months_paid_60: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    status: npt.NDArray[np.object_] = field(default_factory=lambda: np.zeros(0, object))
    category: npt.NDArray[np.object_] = field(default_factory=lambda: np.zeros(0, object))
    conflict: npt.NDArray[np.object_] = field(default_factory=lambda: np.zeros(0, object))

    def __len__(self) -> int:
        return len(self.person_id)

    @property
    def resident(self) -> BoolArray:
        resident: BoolArray = self.registry_status == 0
        return resident

    def age(self) -> IntArray:
        return age_years(self.birth_date, self.as_of)


def _ymd(dates: npt.NDArray[np.datetime64]) -> tuple[IntArray, IntArray, IntArray]:
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, days


def age_years(birth: npt.NDArray[np.datetime64], as_of: dt.date) -> IntArray:
    """Completed years on ``as_of`` (a birthday counts on its day)."""
    years, months, days = _ymd(birth)
    before_birthday = (months > as_of.month) | ((months == as_of.month) & (days > as_of.day))
    age: IntArray = (as_of.year - years - before_birthday).astype(np.int64)
    return age


def make_iins(
    birth: npt.NDArray[np.datetime64], female: BoolArray, rng: np.random.Generator, taken: IntArray | None = None
) -> IntArray:
    """Valid, unique IINs for the given birth dates and sexes, none of them in ``taken``.

    Serials are drawn at random; the few that give no check digit, repeat another person's number
    or hit ``taken`` are drawn again until none is left. ``taken`` may hold a whole country's IINs
    (20 million): it is looked up sorted, by binary search, rather than re-sorted on every round.
    """
    years, months, days = _ymd(birth)
    century_digit = np.where(years >= 2000, 5, np.where(years >= 1900, 3, 1)) + female
    prefix = ((years % 100) * 10000 + months * 100 + days) * 10 + century_digit  # first 7 digits
    taken = np.zeros(0, np.int64) if taken is None else _sorted(taken)
    out = np.zeros(len(birth), dtype=np.int64)
    todo = np.arange(len(birth))
    while len(todo):
        first11 = prefix[todo] * 10000 + rng.integers(0, 10000, len(todo))
        check = iin_mod.check_digits(iin_mod.digits_matrix(first11 * 10)[:, :11])
        out[todo] = np.where(check >= 0, first11 * 10 + check, -1)
        _, first_seen = np.unique(out, return_index=True)
        repeated = np.ones(len(out), bool)
        repeated[first_seen] = False
        todo = np.flatnonzero((out < 0) | repeated | in_sorted(out, taken))
    return out


def _sorted(values: IntArray) -> IntArray:
    if len(values) < 2 or bool(np.all(values[:-1] <= values[1:])):
        return values  # a chunked country passes its taken IINs already sorted: no second sort
    ordered: IntArray = np.sort(values, kind="stable")  # timsort: a sorted head (taken IINs) is one merge
    return ordered


def in_sorted(values: IntArray, sorted_set: IntArray) -> BoolArray:
    """``np.isin(values, sorted_set)`` for a sorted ``sorted_set``, without sorting it again."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    found: BoolArray = sorted_set[at] == values
    return found


def _birth_dates(ages: IntArray, as_of: dt.date, rng: np.random.Generator) -> npt.NDArray[np.datetime64]:
    days = (ages * 365.25 + rng.uniform(0, 365, len(ages))).astype(np.int64)
    return np.datetime64(as_of, "D") - days.astype("timedelta64[D]")


def _sample_ages(n: int, rng: np.random.Generator) -> IntArray:
    p = AGE_BAND_WEIGHTS / AGE_BAND_WEIGHTS.sum()
    band = rng.choice(len(p), n, p=p)
    width = np.where(band == len(p) - 1, 15, 5)  # 85+ spreads over 85-99
    return (band * 5 + (rng.random(n) * width).astype(np.int64)).astype(np.int64)


def _pick(groups: dict[str, tuple[int, int]], key: str, n: int, rng: np.random.Generator) -> IntArray:
    offset, size = groups[key]
    return offset + rng.integers(0, size, n)


def _pick_surname(forms: NameForms, key: str, n: int, rng: np.random.Generator) -> IntArray:
    """Surname entries as often as their share of the group (``forms.surname_shares``)."""
    offset, size = forms.surname_groups[key]
    cumulative = np.cumsum(forms.surname_shares[key])
    drawn: IntArray = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right").astype(np.int64)
    return offset + np.minimum(drawn, size - 1)


def draw_people(
    n: int,
    ages: IntArray,
    region: Region,
    as_of: dt.date,
    forms: NameForms,
    rng: np.random.Generator,
    taken_iins: IntArray | None = None,
) -> dict[str, Any]:
    """Identity columns for ``n`` people of the given ages (used for residents and for outsiders)."""
    female = rng.random(n) < FEMALE_SHARE
    kazakh = rng.random(n) < region.kazakh_name_share
    birth = _birth_dates(ages, as_of, rng)
    shares = np.array([d.population for d in region.districts], dtype=float)
    district = rng.choice(len(shares), n, p=shares / shares.sum())

    first = np.empty(n, np.int64)
    for is_kk, prefix in ((True, "kk"), (False, "ru")):
        for is_f, sex in ((False, "M"), (True, "F")):
            m = (kazakh == is_kk) & (female == is_f)
            first[m] = _pick(forms.first_groups, f"{prefix}_{sex}", int(m.sum()), rng)

    entry = np.where(kazakh, _pick_surname(forms, "kk", n, rng), _pick_surname(forms, "ru", n, rng))
    bare = kazakh & (rng.random(n) < BARE_SURNAME_SHARE)
    surname = entry * 3 + np.where(bare, 2, female.astype(np.int64))

    father = np.where(kazakh, _pick(forms.father_groups, "kk", n, rng), _pick(forms.father_groups, "ru", n, rng))
    russian_style = ~kazakh | (rng.random(n) >= KAZAKH_PATRONYMIC_SHARE)
    patronymic = father * 4 + 2 * russian_style + female
    patronymic[rng.random(n) < NO_PATRONYMIC_SHARE] = -1

    return {
        "iin": make_iins(birth, female, rng, taken_iins),
        "birth_date": birth,
        "female": female,
        "kazakh": kazakh,
        "district": district.astype(np.int64),
        "first_form": first,
        "surname_form": surname,
        "patronymic_form": patronymic,
        "street": rng.integers(0, 40, n),
        "house": rng.integers(1, 120, n),
    }


def draw_population(
    region: Region,
    residents: int,
    as_of: dt.date,
    forms: NameForms,
    rng: np.random.Generator,
    *,
    first_person_id: int = 1,
    taken_iins: IntArray | None = None,
) -> Population:
    """Residents, then the departed, of ``region`` (a whole region or one chunk of a country's districts:
    ``first_person_id`` and ``taken_iins`` carry on from the chunks drawn before)."""
    n_dead = round(residents * DECEASED_SHARE)
    n_emig = round(residents * EMIGRATED_SHARE)
    ages = np.concatenate(
        [
            _sample_ages(residents, rng),
            rng.integers(45, 98, n_dead),  # the deceased were mostly old
            rng.integers(18, 60, n_emig),
        ]
    )
    total = len(ages)
    cols = draw_people(total, ages, region, as_of, forms, rng, taken_iins)
    status = np.concatenate([np.zeros(residents, np.int64), np.ones(n_dead, np.int64), np.full(n_emig, 2)])
    event = np.full(total, np.datetime64("NaT"), dtype="datetime64[D]")
    departed = status > 0
    event[departed] = np.datetime64(as_of, "D") - rng.integers(1, 3 * 365, int(departed.sum())).astype("timedelta64[D]")
    pop = Population(
        as_of=as_of,
        person_id=np.arange(first_person_id, first_person_id + total, dtype=np.int64),
        registry_status=status,
        event_date=event,
        **cols,
    )
    _draw_situations(pop, not_listed_share(region, pop.district), rng)
    _decide_status(pop)
    return pop


def _draw_situations(pop: Population, not_listed: npt.NDArray[np.float64], rng: np.random.Generator) -> None:
    """Each person's real situation: which agency *should* list them. Noise comes later.

    ``not_listed`` is each person's district's share of residents able to work who are in no list
    (``district_profiles``): it is what makes districts' actualisation differ.
    """
    n = len(pop)
    age = pop.age()

    def u() -> npt.NDArray[np.float64]:
        return rng.random(n)  # a fresh uniform draw per rule keeps the rules independent

    female = pop.female
    retire = np.where(female, RETIREMENT_AGE["F"], RETIREMENT_AGE["M"])
    adult = age >= 18
    pension_age = age >= retire
    working_age = adult & ~pension_age

    s: dict[str, BoolArray] = {}
    s["pensioner"] = pension_age & (u() < 0.97)
    s["disability"] = np.where(adult, u() < 0.02 + 0.0004 * age, u() < 0.01)
    s["student"] = ((age >= 18) & (age <= 23) & (u() < 0.30)) | ((age >= 24) & (age <= 29) & (u() < 0.03))
    parent_age = (age >= 20) & (age <= 42)
    childcare = parent_age & (u() < np.where(female, 0.09, 0.004))
    on_leave = childcare & (u() < 0.6)
    s["childcare_leave"] = on_leave
    s["nonworking_parent"] = childcare & ~on_leave
    s["unemployed"] = working_age & ~s["student"] & ~childcare & (u() < 0.025)
    s["asp"] = working_age & ~s["student"] & (u() < 0.02)

    # Contributions: employment among working-age people who are not otherwise out of work.
    contributor = np.zeros(n, np.int64)
    # None (in no list) by the district's share; otherwise employee, IE, self-employed, ESP payer.
    listed_kind = 1 + rng.choice(4, n, p=np.array([0.60, 0.06, 0.04, 0.04]) / 0.74)
    kind = np.where(rng.random(n) < not_listed, 0, listed_kind)
    can_work = working_age & ~s["student"] & ~s["nonworking_parent"] & ~s["unemployed"] & ~s["asp"]
    contributor[can_work] = kind[can_work]
    contributor[on_leave] = 1  # leave is taken from a job
    contributor[s["student"] & (u() < 0.05)] = 1
    contributor[pension_age & (u() < 0.10)] = 1
    # People who truly hold conflicting statuses: registered unemployed or on АСП while paid a wage.
    truly_conflicting = (s["unemployed"] | s["asp"]) & (u() < 0.06)
    contributor[truly_conflicting] = 1
    # Past contributors who stopped paying: they appear in the revenue list with an old payment.
    lapsed_only = can_work & (contributor == 0) & (u() < 0.35)
    contributor[lapsed_only] = rng.integers(1, 5, int(lapsed_only.sum()))

    regular = u() < 0.4
    months_paid = np.where(regular, 60, rng.integers(1, 60, n))
    since = rng.choice([0, 1, 2, 3], n, p=[0.55, 0.3, 0.1, 0.05])
    grace_users = regular & (u() < 0.05)
    since = np.where(grace_users, rng.integers(4, 7, n), since)
    # Of those who contribute, some stopped: a long gap since the last payment.
    stopped = lapsed_only | ((contributor > 0) & ~on_leave & ~truly_conflicting & (u() < 0.08))
    since = np.where(stopped, rng.integers(7, 31, n), since)
    months_paid = np.where(stopped, np.minimum(months_paid, rng.integers(1, 59, n)), months_paid)

    # The departed: situations end with them (stale listings are added later as noise).
    gone = pop.registry_status > 0
    for key in s:
        s[key] &= ~gone
    contributor[gone] = 0
    pop.situation = s
    pop.contributor_type = contributor
    pop.months_since_payment = np.where(contributor > 0, since, -1)
    pop.months_paid_60 = np.where(contributor > 0, months_paid, 0)


# Order in which one category is chosen when several apply (reference.osms.CATEGORIES order).
_CATEGORY_ORDER_FREE = ("pensioner", "disability", "student", "childcare_leave")
_CATEGORY_ORDER_NONWORKING = ("unemployed", "nonworking_parent", "asp")


def _decide_status(pop: Population) -> None:
    """True OSMS status from true situations, by the rules in reference.osms."""
    n = len(pop)
    status = np.full(n, Status.UNDETERMINED.value, dtype=object)
    category = np.full(n, None, dtype=object)
    conflict = np.full(n, None, dtype=object)
    grace = np.where(pop.months_paid_60 >= REGULAR_MONTHS, GRACE_MONTHS_REGULAR, GRACE_MONTHS)
    active = (pop.contributor_type > 0) & (pop.months_since_payment >= 0) & (pop.months_since_payment <= grace)
    lapsed = (pop.contributor_type > 0) & ~active
    decided = np.zeros(n, bool)

    def assign(mask: BoolArray, st: Status, cat: str | None) -> None:
        take = mask & ~decided
        status[take] = st.value
        category[take] = cat
        decided[take] = True

    assign(pop.registry_status > 0, Status.LEFT, None)
    assign(pop.age() < 18, Status.STATE, "children")
    for cat in _CATEGORY_ORDER_FREE:
        assign(pop.situation[cat], Status.STATE, cat)
    nonworking = np.zeros(n, bool)
    for cat in _CATEGORY_ORDER_NONWORKING:
        nonworking |= pop.situation[cat]
    conflict[active & nonworking & ~decided] = "contributions_and_nonworking_category"
    assign(active, Status.CONTRIBUTOR, None)
    for cat in _CATEGORY_ORDER_NONWORKING:
        assign(pop.situation[cat], Status.STATE, cat)
    assign(lapsed, Status.LAPSED, None)
    pop.status = status
    pop.category = category
    pop.conflict = conflict
