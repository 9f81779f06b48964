"""A synthetic voucher world drawn from a synthetic region's children, with ghost patterns and their truth.

Children aged 4-17 are the residents of the single list (``RUN/persons.parquet`` of a run, or
``truth/persons.parquet`` of a region folder). The months of sessions are the ``months`` calendar
months before the list's reference date, so the list describes the children as they were then.

The honest world, in order: half the children apply within a two-week intake; the allocation
queue (``allocation.allocate``) funds 85% of them; 3% of the funded never accept. Providers are
created district by district with enough seats; each has venues, staff with background-check
dates, a contract, programmes (kind, age range, rate per session) and groups (capacity, a weekly
timetable of 2-3 days at one of four afternoon slots). Accepted children are placed in a group
that fits their age, mostly in their district; 15% take a second club whose timetable does not
clash with the first; 3% move to another group mid-period (the voucher follows them) and 3% drop
out. Sessions follow the timetables and skip public holidays; 2% are cancelled. Each child attends
with their own propensity (Beta(9, 1.6), mean 0.85); an absence is excused 60% of the time.
Present children check in during the quarter-hour before the start. Providers save registers the
same day (75%), on Sunday evening for the week (20%) or the next morning (5%). Each month with a
present mark sends the parent a confirmation link; parents confirm 93% of months and dispute 2%.

Honest background the flags can mistake for ghosts (kept small, and reported with the results):
15% of cancelled sessions are made up on the Sunday of the same week (off the timetable); 0.5% of
parents never answer a link; siblings in one group check in at the same second; and chance alone
(a small group all well for a month, a child whose two clubs made up a session on the same Sunday).

The ghost patterns are injected by ``ghosts``; ``truth.parquet`` lists the (flag, entity) each makes
true. Everything is drawn from one seeded generator, so a seed always gives the same files.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from birtizim.synth.population import age_years
from birtizim.synth.vouchers import ghosts as ghost_patterns
from birtizim.synth.vouchers.world import (
    COLLUDING,
    DAY,
    HONEST,
    MINUTE,
    SECOND,
    SILENT,
    UNAWARE,
    Array,
    Cols,
    World,
    at,
    day,
    isodow,
    month_start,
    size,
    to_arrow,
)
from birtizim.tables.bin_number import make_bin
from birtizim.vouchers import allocation, days_off, payment, schema
from birtizim.vouchers.model import AGE_LIMIT, AGE_MIN, PRIORITY_ORDER, Priority

SHARE_APPLYING = 0.5
SHARE_FUNDED = 0.85
SHARE_NOT_ACCEPTED = 0.03
SHARE_DUPLICATE_APPLICATION = 0.03
SHARE_SECOND_CLUB = 0.15
SHARE_MOVING = 0.03
SHARE_DROPPING = 0.03
SHARE_LATE = 0.12  # join after the first month started
SHARE_TRAVELLING = 0.1  # attend a club outside their district
SHARE_CANCELLED = 0.02
SHARE_MADE_UP = 0.15  # of cancelled sessions
SHARE_SILENT_PARENTS = 0.005
CONFIRM, DISPUTE = 0.93, 0.02
ATTENDANCE = (9.0, 1.6)  # Beta parameters of a child's chance to attend a session
HABITS = (0.75, 0.2, 0.05)  # providers saving registers: same day, Sunday for the week, next morning
NOMINAL_VALUE = Decimal("30000.00")  # face value per month (informational)
SEATS_PER_CHILD = 1.6  # seats created per funded child: room for second clubs and choice
LINK_TTL_DAYS = 10

SLOT_STARTS = np.array([14 * 60, 15 * 60 + 30, 17 * 60, 18 * 60 + 30])  # minutes after midnight
SLOTS_PER_DAY = len(SLOT_STARTS)
MAKEUP_STARTS = np.array([10 * 60, 11 * 60 + 30, 13 * 60, 14 * 60 + 30])  # Sundays: no regular slot then

KINDS = {  # kind -> (programme names, lowest and highest rate per session in tenge)
    "sport": (("Футбол", "Қазақ күресі", "Бокс", "Плавание", "Тхэквондо", "Волейбол", "Гимнастика"), 1500, 3000),
    "creative": (("Домбыра", "Вокал", "Хореография", "Рисование", "Театр"), 1800, 3500),
    "technical": (("Робототехника", "Программирование", "3D-моделирование"), 2500, 4500),
    "intellectual": (("Шахматы", "Тоғызқұмалақ", "Ментальная арифметика", "Английский язык"), 1500, 3000),
}
AGE_BANDS = ((4, 6), (5, 9), (7, 11), (9, 14), (12, 17), (6, 17), (4, 10), (10, 17))
PROVIDER_WORDS = (
    "Жұлдыз Арман Болашақ Сұңқар Тұлпар Шабыт Өркен Нұр Алау Дарын Самғау Қыран Мерей Талап Бәйтерек Шапағат".split()
)
PROVIDER_KINDS = ("Спортивный клуб", "Центр творчества", "Учебный центр", "ТОО", "Детский клуб")
STREETS = (
    "ул. Абая",
    "ул. Толе би",
    "пр. Жамбыла",
    "ул. Гагарина",
    "ул. Кабанбай батыра",
    "мкр. Самал",
    "ул. Шевченко",
)


@dataclass(frozen=True)
class Summary:
    out: str
    source: str
    seed: int
    as_of: str
    period_start: str
    period_end: str
    rows: dict[str, int]
    truth: dict[str, int]
    seconds: float


# --------------------------------------------------------------------------------------------
# The single list and the period
# --------------------------------------------------------------------------------------------


def load_list(*, run: Path | None = None, region_dir: Path | None = None) -> tuple[pa.Table, dt.date, str]:
    """The single list (persons) and its reference date, from a run folder or a region folder."""
    if (run is None) == (region_dir is None):
        raise ValueError("give exactly one of a run folder and a region folder")
    if run is not None:
        persons, meta, key = run / "persons.parquet", run / "run.json", "as_of"
    else:
        assert region_dir is not None
        persons, meta, key = region_dir / "truth" / "persons.parquet", region_dir / "manifest.json", "as_of"
    for needed in (persons, meta):
        if not needed.is_file():
            raise FileNotFoundError(f"{needed}: not found")
    as_of = dt.date.fromisoformat(json.loads(meta.read_text("utf-8"))[key])
    path = str(persons).replace("'", "''")
    people = (
        duckdb.connect()
        .execute(
            f"""SELECT person_id, iin, last_name, first_name, birth_date, sex, district, registry_status
                FROM read_parquet('{path}') ORDER BY person_id"""
        )
        .to_arrow_table()
    )
    return people, as_of, str(persons)


def period(as_of: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The ``months`` whole calendar months before the month of ``as_of``."""
    if months < 1:
        raise ValueError("at least one month of sessions")
    end = as_of.replace(day=1) - dt.timedelta(days=1)
    first_month = (as_of.year * 12 + as_of.month - 1) - months
    return dt.date(first_month // 12, first_month % 12 + 1, 1), end


# --------------------------------------------------------------------------------------------
# Children, applications, vouchers
# --------------------------------------------------------------------------------------------


def _draw_pool(w: World) -> None:
    p = w.people
    birth = p["birth_date"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    resident = pc.equal(p["registry_status"], "resident").to_numpy(zero_copy_only=False)
    has_iin = pc.is_valid(p["iin"]).to_numpy(zero_copy_only=False)
    known = ~np.isnat(birth)
    ages = np.full(len(birth), -1, np.int64)
    ages[known] = age_years(birth[known], w.start)
    eligible = np.flatnonzero(resident & has_iin & known & (ages >= AGE_MIN) & (ages < AGE_LIMIT))
    n = len(eligible)
    if n < 100:
        raise ValueError(f"the single list holds {n} children aged {AGE_MIN}-{AGE_LIMIT - 1}: too few for vouchers")

    def col(name: str) -> Array:
        values: Array = p[name].take(pa.array(eligible)).to_numpy(zero_copy_only=False)
        return values

    pool: Cols = {
        "person_id": col("person_id").astype(np.int64),
        "iin": col("iin").astype(object),
        "last_name": col("last_name").astype(object),
        "first_name": col("first_name").astype(object),
        "birth_date": birth[eligible],
        "sex": col("sex").astype(object),
        "district": col("district").astype(object),
        "age": ages[eligible],
    }
    # Families: siblings share a parent (the one who receives links); sizes of children aged 4-17.
    rng = w.rng
    order = rng.permutation(n)
    sizes = rng.choice([1, 2, 3, 4], size=n, p=[0.55, 0.3, 0.11, 0.04])
    family_of_slot = np.repeat(np.arange(n), sizes)[:n]  # fill families in order until every child has one
    n_families = int(family_of_slot.max()) + 1
    parent_ids = w.new_parents(n_families, HONEST)
    parent = np.empty(n, np.int64)
    parent[order] = parent_ids[family_of_slot]
    silent = rng.random(n_families) < SHARE_SILENT_PARENTS
    w.parent_behaviour[parent_ids[silent]] = SILENT
    family_size = np.bincount(family_of_slot, minlength=n_families)[family_of_slot]
    large = np.empty(n, bool)
    large[order] = rng.random(n_families)[family_of_slot] < np.where(family_size >= 3, 0.6, 0.05)
    assisted = np.empty(n, bool)
    assisted[order] = rng.random(n_families)[family_of_slot] < 0.06
    drawn = {
        Priority.ORPHAN: rng.random(n) < 0.01,
        Priority.DISABILITY: rng.random(n) < 0.025,
        Priority.LARGE_FAMILY: large,
        Priority.SOCIAL_ASSISTANCE: assisted,
    }
    priority = np.full(n, None, dtype=object)
    for category in reversed(PRIORITY_ORDER):  # the most urgent category is written last and wins
        priority[drawn[category]] = category.value
    w.pool = {**pool, "parent_id": parent, "priority": priority, "child_id": np.zeros(n, np.int64)}


def _applications(w: World) -> None:
    rng, pool = w.rng, w.pool
    n = size(pool)
    applying = np.flatnonzero(rng.random(n) < SHARE_APPLYING)
    child_ids = w.register_pool(applying)
    intake_start = day(w.start) - 45 * DAY
    applied = intake_start.astype("datetime64[us]") + rng.integers(0, 15 * 24 * 3600, len(child_ids)) * SECOND
    again = rng.random(len(child_ids)) < SHARE_DUPLICATE_APPLICATION
    all_children = np.concatenate([child_ids, child_ids[again]])
    all_applied = np.concatenate(
        [applied, applied[again] + rng.integers(3600, 5 * 24 * 3600, int(again.sum())) * SECOND]
    )
    priorities = [[] if p is None else [p] for p in w.children["priority"][all_children - 1]]
    table = pa.table(
        {
            "application_id": np.arange(1, len(all_children) + 1, dtype=np.int64),
            "child_id": all_children,
            "applied_at": pa.array(all_applied),
            "priorities": pa.array(priorities, pa.list_(pa.string())),
        }
    )
    funded = math.floor(len(child_ids) * SHARE_FUNDED)
    ranked = allocation.allocate(table, vouchers=funded, salt=f"synthetic-batch-{w.seed}")
    w.applications = ranked.sort_by("application_id")
    winners = np.sort(ranked.filter(ranked["allocated"])["child_id"].to_numpy(zero_copy_only=False).astype(np.int64))
    issued_on = w.start - dt.timedelta(days=28)
    declined = rng.random(len(winners)) < SHARE_NOT_ACCEPTED
    w.add_vouchers(winners[~declined], "accepted", issued_on, NOMINAL_VALUE)
    w.add_vouchers(winners[declined], "expired", issued_on, NOMINAL_VALUE)


# --------------------------------------------------------------------------------------------
# Providers, programmes, groups
# --------------------------------------------------------------------------------------------


def _bin(rng: np.random.Generator, taken: set[str]) -> str:
    """A head-office BIN of a resident legal entity registered in 2005-2018, not yet in ``taken``."""
    while True:
        registered = dt.date(2000 + int(rng.integers(5, 19)), int(rng.integers(1, 13)), 1)
        found = make_bin(registered, int(rng.integers(0, 100000)))
        if found is not None and found not in taken:
            taken.add(found)
            return found


def _supply(w: World) -> None:
    rng = w.rng
    accepted = w.vouchers["child_id"][w.vouchers["status"] == "accepted"]
    demand = {d: 0 for d in w.districts}
    for d, count in zip(*np.unique(w.children["district"][accepted - 1].astype(str), return_counts=True), strict=True):
        demand[str(d)] = int(count)
    adults = w.people.filter(pc.equal(w.people["registry_status"], "resident"))
    names = pc.binary_join_element_wise(adults["last_name"], adults["first_name"], " ").to_numpy(zero_copy_only=False)
    providers: dict[str, list[Any]] = {
        k: [] for k in ("provider_id", "bin", "name", "district", "contract_start", "contract_end")
    }
    venues: dict[str, list[Any]] = {k: [] for k in ("venue_id", "provider_id", "district", "address", "capacity")}
    staff: dict[str, list[Any]] = {k: [] for k in ("staff_id", "provider_id", "full_name", "background_check_on")}
    programmes: dict[str, list[Any]] = {
        k: [] for k in ("programme_id", "provider_id", "name", "kind", "age_min", "age_max", "rate_per_session")
    }
    groups: dict[str, list[Any]] = {
        k: []
        for k in (
            "group_id",
            "programme_id",
            "provider_id",
            "venue_id",
            "staff_id",
            "name",
            "capacity",
            "slot",
            "minutes",
            "mask",
            "district",
        )
    }
    schedule: dict[str, list[Any]] = {k: [] for k in ("group_id", "weekday", "start_min", "end_min")}
    bins: set[str] = set()
    seats_per_group = 15
    # One provider at a time (a few thousand at most for a whole region): its parts are small and nested.
    for district in w.districts:
        wanted = math.ceil(demand[district] * SEATS_PER_CHILD / seats_per_group)
        made = 0
        while made < wanted:
            pid = len(providers["provider_id"]) + 1
            providers["provider_id"].append(pid)
            providers["bin"].append(_bin(rng, bins))
            kind_word = PROVIDER_KINDS[rng.integers(len(PROVIDER_KINDS))]
            providers["name"].append(f"{kind_word} «{PROVIDER_WORDS[rng.integers(len(PROVIDER_WORDS))]}»")
            providers["district"].append(district)
            providers["contract_start"].append(w.start - dt.timedelta(days=int(rng.integers(40, 400))))
            providers["contract_end"].append(w.end + dt.timedelta(days=int(rng.integers(30, 365))))
            venue_ids = []
            for _ in range(1 + int(rng.random() < 0.4)):
                venue_ids.append(len(venues["venue_id"]) + 1)
                venues["venue_id"].append(venue_ids[-1])
                venues["provider_id"].append(pid)
                venues["district"].append(district)
                venues["address"].append(f"{STREETS[rng.integers(len(STREETS))]}, {rng.integers(1, 150)}")
                venues["capacity"].append(int(rng.integers(30, 120)))
            staff_ids = []
            for _ in range(int(rng.integers(2, 7))):
                staff_ids.append(len(staff["staff_id"]) + 1)
                staff["staff_id"].append(staff_ids[-1])
                staff["provider_id"].append(pid)
                staff["full_name"].append(str(names[rng.integers(len(names))]))
                staff["background_check_on"].append(w.start - dt.timedelta(days=int(rng.integers(20, 5 * 365))))
            for _ in range(int(rng.integers(2, 5))):
                kind = list(KINDS)[rng.integers(len(KINDS))]
                titles, low, high = KINDS[kind]
                band = AGE_BANDS[rng.integers(len(AGE_BANDS))]
                prog_id = len(programmes["programme_id"]) + 1
                programmes["programme_id"].append(prog_id)
                programmes["provider_id"].append(pid)
                programmes["name"].append(str(titles[rng.integers(len(titles))]))
                programmes["kind"].append(kind)
                programmes["age_min"].append(band[0])
                programmes["age_max"].append(band[1])
                programmes["rate_per_session"].append(Decimal(int(rng.integers(low // 100, high // 100 + 1)) * 100))
                for _ in range(int(rng.integers(1, 4))):
                    gid = len(groups["group_id"]) + 1
                    slot = int(rng.integers(SLOTS_PER_DAY))
                    minutes = int(rng.choice([60, 90]))
                    days = np.sort(
                        rng.choice(np.arange(1, 7), size=int(rng.choice([2, 3], p=[0.6, 0.4])), replace=False)
                    )
                    groups["group_id"].append(gid)
                    groups["programme_id"].append(prog_id)
                    groups["provider_id"].append(pid)
                    groups["venue_id"].append(venue_ids[rng.integers(len(venue_ids))])
                    groups["staff_id"].append(staff_ids[rng.integers(len(staff_ids))])
                    groups["name"].append(f"{programmes['name'][-1]}, группа {gid}")
                    groups["capacity"].append(int(rng.integers(10, 21)))
                    groups["slot"].append(slot)
                    groups["minutes"].append(minutes)
                    groups["mask"].append(int(sum(1 << ((d - 1) * SLOTS_PER_DAY + slot) for d in days)))
                    groups["district"].append(district)
                    for d in days:
                        schedule["group_id"].append(gid)
                        schedule["weekday"].append(int(d))
                        schedule["start_min"].append(int(SLOT_STARTS[slot]))
                        schedule["end_min"].append(int(SLOT_STARTS[slot]) + minutes)
                    made += 1

    def arrays(d: dict[str, list[Any]]) -> Cols:
        out: Cols = {}
        for k, v in d.items():
            if v and isinstance(v[0], dt.date):
                out[k] = np.array(v, dtype="datetime64[D]")
            elif v and isinstance(v[0], str | Decimal):
                out[k] = np.array(v, dtype=object)
            else:
                out[k] = np.array(v, dtype=np.int64)
        return out

    w.providers, w.venues, w.staff = arrays(providers), arrays(venues), arrays(staff)
    w.programmes, w.schedule = arrays(programmes), arrays(schedule)
    w.groups = arrays(groups)
    w.groups["seats"] = w.groups["capacity"].copy()
    prog = w.groups["programme_id"] - 1
    w.groups["age_min"] = w.programmes["age_min"][prog]
    w.groups["age_max"] = w.programmes["age_max"][prog]


# --------------------------------------------------------------------------------------------
# Enrolments
# --------------------------------------------------------------------------------------------


def _candidates(w: World, districts: Array, ages: Array, *, travel: Array) -> Array:
    """A random group position for each child that fits their age, in their district unless ``travel``; -1 if none."""
    g = w.groups
    district_index = {d: i for i, d in enumerate(w.districts)}
    g_district = np.array([district_index[d] for d in g["district"]], np.int64)
    c_district = np.array([district_index.get(d, -1) for d in districts], np.int64)
    c_district[travel] = -1
    out = np.full(len(ages), -1, np.int64)
    keys = c_district * 100 + ages
    # one pass per (district, age) cell, not per child
    for key in np.unique(keys):
        d, a = divmod(int(key), 100) if key >= 0 else (-1, int(key) + 100)
        fits = (g["age_min"] <= a) & (g["age_max"] >= a) & (g["seats"] > 0)
        if d >= 0:
            fits &= g_district == d
        pool = np.flatnonzero(fits)
        if len(pool):
            chosen = np.flatnonzero(keys == key)
            out[chosen] = pool[w.rng.integers(0, len(pool), len(chosen))]
    return out


def _place(w: World, districts: Array, ages: Array, *, avoid_mask: Array | None = None, rounds: int = 8) -> Array:
    """Seat children in groups with free seats, all at once per round; returns group positions (-1: none).

    Children competing for a group's last seats are taken in random order; ``avoid_mask`` holds the
    timetable bits each child is already busy at (a second club must not clash with the first).
    """
    n = len(ages)
    result = np.full(n, -1, np.int64)
    todo = np.arange(n)
    for r in range(rounds):
        if not len(todo):
            break
        travel = w.rng.random(len(todo)) < (SHARE_TRAVELLING if r < rounds // 2 else 1.0)
        cand = _candidates(w, districts[todo], ages[todo], travel=travel)
        ok = cand >= 0
        if avoid_mask is not None:
            ok &= (w.groups["mask"][np.maximum(cand, 0)] & avoid_mask[todo]) == 0
        who, where = todo[ok], cand[ok]
        order = np.lexsort((w.rng.random(len(where)), where))
        who, where = who[order], where[order]
        first_of_group = np.r_[0, np.flatnonzero(np.diff(where)) + 1] if len(where) else np.zeros(0, np.int64)
        rank = np.arange(len(where)) - np.repeat(first_of_group, np.diff(np.r_[first_of_group, len(where)]))
        taken = rank < w.groups["seats"][where]
        result[who[taken]] = where[taken]
        np.subtract.at(w.groups["seats"], where[taken], 1)
        todo = todo[result[todo] < 0]
    # _place() reserves seats itself; add_enrolments will take them again, so give them back here
    np.add.at(w.groups["seats"], result[result >= 0], 1)
    return result


def _enrol(w: World) -> None:
    rng, v, c = w.rng, w.vouchers, w.children
    accepted = v["status"] == "accepted"
    child_ids, voucher_ids = v["child_id"][accepted], v["voucher_id"][accepted]
    first = _place(w, c["district"][child_ids - 1], c["age"][child_ids - 1])
    placed = first >= 0
    child_ids, voucher_ids, first = child_ids[placed], voucher_ids[placed], first[placed]
    v["status"][voucher_ids - 1] = "active"  # rules.enrol: the first enrolment activates an accepted voucher
    n = len(child_ids)
    span = (w.end - w.start).days
    late = rng.random(n) < SHARE_LATE
    start = day(w.start) - rng.integers(0, 25, n) * DAY
    start[late] = day(w.start) + rng.integers(0, max(1, span - 21), int(late.sum())) * DAY
    propensity = rng.beta(*ATTENDANCE, n)
    # Who moves or drops out is drawn now; the second club goes only to children who stay put.
    fate = rng.random(n)
    moving = (fate < SHARE_MOVING) & ~late
    dropping = (fate >= SHARE_MOVING) & (fate < SHARE_MOVING + SHARE_DROPPING)
    leave_day = day(w.start) + rng.integers(14, max(15, span - 14), n) * DAY
    leave_day = np.maximum(leave_day, start + 7 * DAY)
    end = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    reason = np.full(n, None, dtype=object)
    end[moving] = leave_day[moving] - DAY
    reason[moving] = "moved"
    end[dropping] = leave_day[dropping]
    reason[dropping] = "dropped_out"
    w.add_enrolments(child_ids, voucher_ids, first, start, propensity, end=end, reason=reason)

    # The voucher follows the child: a move opens a new enrolment on the same voucher the next day.
    movers = np.flatnonzero(moving)
    new_group = _place(
        w,
        c["district"][child_ids[movers] - 1],
        c["age"][child_ids[movers] - 1],
        avoid_mask=w.groups["mask"][first[movers]],
    )
    ok = new_group >= 0
    m = movers[ok]
    w.add_enrolments(child_ids[m], voucher_ids[m], new_group[ok], leave_day[m], propensity[m])

    stay = np.flatnonzero(~moving & ~dropping & (rng.random(n) < SHARE_SECOND_CLUB))
    second = _place(
        w, c["district"][child_ids[stay] - 1], c["age"][child_ids[stay] - 1], avoid_mask=w.groups["mask"][first[stay]]
    )
    ok = second >= 0
    s = stay[ok]
    second_start = np.maximum(start[s], day(w.start) - rng.integers(0, 25, len(s)) * DAY)
    w.add_enrolments(child_ids[s], voucher_ids[s], second[ok], second_start, rng.beta(*ATTENDANCE, len(s)))


# --------------------------------------------------------------------------------------------
# Sessions and marks
# --------------------------------------------------------------------------------------------


def _sessions(w: World) -> None:
    rng, sc = w.rng, w.schedule
    days = np.arange(day(w.start), day(w.end) + DAY, DAY)
    days = days[~np.isin(days, np.array(list(w.holidays), dtype="datetime64[D]"))]
    weekday = isodow(days)
    parts: list[tuple[Array, Array, Array, Array]] = []
    for wd in range(1, 8):
        rows = np.flatnonzero(sc["weekday"] == wd)
        ds = days[weekday == wd]
        parts.append(
            (
                np.repeat(sc["group_id"][rows], len(ds)),
                np.tile(ds, len(rows)),
                np.repeat(sc["start_min"][rows], len(ds)),
                np.repeat(sc["end_min"][rows], len(ds)),
            )
        )
    gid, ds, s_min, e_min = (np.concatenate([p[i] for p in parts]) for i in range(4))
    order = np.lexsort((s_min, ds, gid))
    gid, ds, s_min, e_min = gid[order], ds[order], s_min[order], e_min[order]
    cancelled = rng.random(len(gid)) < SHARE_CANCELLED
    w.add_sessions(gid[~cancelled], ds[~cancelled], s_min[~cancelled], e_min[~cancelled])
    # Make-up sessions: honest, but off the timetable (the background of off_schedule_marks).
    made_up = cancelled & (rng.random(len(gid)) < SHARE_MADE_UP)
    sunday = ds[made_up] + (7 - isodow(ds[made_up])) * DAY
    fine = (sunday <= day(w.end)) & ~np.isin(sunday, np.array(list(w.holidays), dtype="datetime64[D]"))
    minutes = (e_min - s_min)[made_up][fine]
    begin = MAKEUP_STARTS[rng.integers(0, len(MAKEUP_STARTS), int(fine.sum()))]
    w.add_sessions(gid[made_up][fine], sunday[fine], begin, begin + minutes)


def _expected_marks(w: World) -> tuple[Array, Array]:
    """(session position, enrolment position) of every mark a register should hold, in a fixed order."""
    con = duckdb.connect()
    s, e = w.sessions, w.enrolments
    con.register("s", pa.table({"session_id": s["session_id"], "group_id": s["group_id"], "date": s["date"]}))
    con.register(
        "e",
        to_arrow({k: e[k] for k in ("enrolment_id", "group_id", "start_date", "end_date")}),
    )
    pairs = con.execute(
        """SELECT s.session_id, e.enrolment_id FROM s JOIN e ON e.group_id = s.group_id
           AND s.date >= e.start_date AND (e.end_date IS NULL OR s.date <= e.end_date)
           ORDER BY s.session_id, e.enrolment_id"""
    ).fetchnumpy()
    return pairs["session_id"].astype(np.int64) - 1, pairs["enrolment_id"].astype(np.int64) - 1


def _marks(w: World) -> None:
    rng, s, e, g = w.rng, w.sessions, w.enrolments, w.groups
    sess, enr = _expected_marks(w)
    n = len(sess)
    present = rng.random(n) < e["propensity"][enr]
    excused = rng.random(n) < e["excused_share"][enr]
    kind = np.where(present, "present", np.where(excused, "excused_absence", "unexcused_absence")).astype(object)
    checked_in = s["starts_at"][sess] - rng.integers(60, 900, n) * SECOND
    checked_in[~present] = np.datetime64("NaT")
    # Siblings in the same group arrive together and are checked in at one second: the honest
    # background of identical_checkins (a family of four in one group would reach its threshold).
    family = w.children["parent_id"][e["child_id"][enr] - 1]
    shown = np.flatnonzero(present)
    _, first, inverse = np.unique(
        sess[shown] * (int(family.max(initial=0)) + 1) + family[shown], return_index=True, return_inverse=True
    )
    checked_in[shown] = checked_in[shown][first][inverse]
    # When each session's register was saved depends on the provider's habit.
    n_sessions = size(s)
    provider = g["provider_id"][s["group_id"] - 1] - 1
    habit = rng.choice(3, size=size(w.providers), p=HABITS)[provider]
    same_day = s["ends_at"] + rng.integers(5, 180, n_sessions) * MINUTE
    sunday = s["date"] + (7 - isodow(s["date"])) * DAY
    weekly = at(sunday, 19 * 60) + rng.integers(0, 120, n_sessions) * MINUTE
    next_day = at(s["date"] + DAY, 9 * 60) + rng.integers(0, 180, n_sessions) * MINUTE
    saved = np.where(habit == 0, same_day, np.where(habit == 1, weekly, next_day))
    w.marks = {
        "mark_id": np.arange(1, n + 1, dtype=np.int64),
        "session_id": sess + 1,
        "enrolment_id": enr + 1,
        "child_id": e["child_id"][enr],
        "kind": kind,
        "checked_in_at": checked_in,
        "entered_at": saved[sess],
        "entered_by": g["staff_id"][s["group_id"][sess] - 1],
    }


# --------------------------------------------------------------------------------------------
# Links, confirmations, timesheets
# --------------------------------------------------------------------------------------------


def _links(w: World) -> None:
    rng, m = w.rng, w.marks
    present = m["kind"] == "present"
    months = w.sessions["date"][m["session_id"][present] - 1].astype("datetime64[M]").astype(np.int64)
    # one link per (enrolment, month): a single int64 key sorts and deduplicates both at once
    key = np.unique(m["enrolment_id"][present] * 100_000 + months)
    enrolment_id = key // 100_000
    month = (key % 100_000).astype("datetime64[M]").astype("datetime64[D]")
    n = len(enrolment_id)
    next_month = (month.astype("datetime64[M]") + 1).astype("datetime64[D]")
    sent = at(next_month, 10 * 60) + rng.integers(0, 120, n) * MINUTE
    parent = w.children["parent_id"][w.enrolments["child_id"][enrolment_id - 1] - 1]
    nonces = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64)
    w.links = {
        "link_id": np.arange(1, n + 1, dtype=np.int64),
        "enrolment_id": enrolment_id,
        "parent_id": parent,
        "period": month,
        "nonce": np.array([f"{a:016x}{b:016x}" for a, b in nonces], dtype=object),
        "sent_at": sent,
        "expires_at": sent + LINK_TTL_DAYS * DAY,
    }
    behaviour = w.parent_behaviour[parent]
    u = rng.random(n)
    confirmed = np.where(behaviour == HONEST, u < CONFIRM, behaviour == COLLUDING)
    disputed = (behaviour == HONEST) & (u >= CONFIRM) & (u < CONFIRM + DISPUTE)
    answered = np.flatnonzero(confirmed | disputed)
    assert not np.any(np.isin(behaviour[answered], [SILENT, UNAWARE]))
    w.confirmations = {
        "confirmation_id": np.arange(1, len(answered) + 1, dtype=np.int64),
        "link_id": answered + 1,
        "enrolment_id": enrolment_id[answered],
        "parent_id": parent[answered],
        "period": month[answered],
        "outcome": np.where(confirmed[answered], "confirmed", "disputed").astype(object),
        "responded_at": sent[answered] + rng.integers(10, 7 * 24 * 60, len(answered)) * MINUTE,
    }


def tables(w: World) -> dict[str, pa.Table]:
    """The world's tables as they are written (``schema`` columns and types)."""
    single = w.people.filter(pc.is_in(w.people["iin"], pa.array(w.children["iin"], pa.string())))
    arrow: dict[str, pa.Table] = {
        "children": to_arrow(w.children),
        "applications": w.applications if w.applications is not None else pa.table({}),
        "vouchers": to_arrow(w.vouchers),
        "providers": to_arrow(w.providers),
        "venues": to_arrow(w.venues),
        "staff": to_arrow(w.staff),
        "programmes": to_arrow(w.programmes),
        "groups": to_arrow(w.groups),
        "schedule": to_arrow(
            {
                "group_id": w.schedule["group_id"],
                "weekday": w.schedule["weekday"],
                "start_time": w.schedule["start_min"] * 60_000_000,
                "end_time": w.schedule["end_min"] * 60_000_000,
            }
        ),
        "enrolments": to_arrow(w.enrolments),
        "sessions": to_arrow(w.sessions),
        "marks": to_arrow(w.marks),
        "links": to_arrow(w.links),
        "confirmations": to_arrow(w.confirmations),
        "timesheets": to_arrow(w.timesheets) if w.timesheets else pa.table({}),
        "single_list": single,
    }
    return {name: schema.conform(name, t) for name, t in arrow.items() if name != "timesheets" or w.timesheets}


def _timesheets(w: World) -> None:
    rng = w.rng
    con = duckdb.connect()
    for name, table in tables(w).items():
        con.register(name, table)
    rows = con.execute(
        f"""
        WITH lines AS ({payment.lines_sql()}),
        held AS (SELECT group_id, CAST(date_trunc('month', date) AS DATE) AS period, count(*) AS sessions
                 FROM sessions GROUP BY ALL)
        SELECT h.group_id, g.provider_id, h.period, h.sessions,
               coalesce(sum(l.present), 0) AS present, coalesce(sum(l.confirmed_present), 0) AS confirmed_present,
               CAST(coalesce(sum(l.amount), 0) AS DECIMAL(14, 2)) AS amount
        FROM held h JOIN groups g ON g.group_id = h.group_id
        LEFT JOIN lines l ON l.group_id = h.group_id AND l.period = h.period
        GROUP BY ALL ORDER BY h.period, h.group_id
        """
    ).to_arrow_table()
    n = rows.num_rows
    month = rows["period"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    last = month_start(np.array([day(w.end)]))[0]
    age = (last.astype("datetime64[M]") - month.astype("datetime64[M]")).astype(np.int64)  # 0 = latest month
    u = rng.random(n)
    status = np.select(
        [age >= 2, age == 1, u < 0.1, u < 0.4],
        [
            np.full(n, "paid"),
            np.where(u < 0.4, "verified", "approved"),
            np.full(n, "draft"),
            np.full(n, "submitted"),
        ],
        "parent_confirmed",
    ).astype(object)
    created = (
        at((month.astype("datetime64[M]") + 1).astype("datetime64[D]"), 9 * 60)
        + rng.integers(0, 3 * 24 * 60, n) * MINUTE
    )
    w.timesheets = {
        "timesheet_id": np.arange(1, n + 1, dtype=np.int64),
        "group_id": rows["group_id"].to_numpy().astype(np.int64),
        "provider_id": rows["provider_id"].to_numpy().astype(np.int64),
        "period": month,
        "status": status,
        "created_at": created,
        "sessions": rows["sessions"].to_numpy().astype(np.int64),
        "present": rows["present"].to_numpy().astype(np.int64),
        "confirmed_present": rows["confirmed_present"].to_numpy().astype(np.int64),
        "amount": np.array(rows["amount"].to_pylist(), dtype=object),
    }


# --------------------------------------------------------------------------------------------
# The whole world
# --------------------------------------------------------------------------------------------


def build(
    *,
    people: pa.Table,
    as_of: dt.date,
    seed: int,
    months: int = 3,
    districts: list[str] | None = None,
) -> World:
    """Build the world in memory (``synthesize`` writes it)."""
    start, end = period(as_of, months)
    found = sorted({str(d) for d in people["district"].to_pylist() if d is not None})
    w = World(
        rng=np.random.default_rng(seed),
        seed=seed,
        as_of=as_of,
        start=start,
        end=end,
        holidays=days_off.between(start, end),
        people=people,
        districts=districts or found,
    )
    _draw_pool(w)
    _applications(w)
    _supply(w)
    _enrol(w)
    ghost_patterns.inject_enrolments(w)
    _sessions(w)
    ghost_patterns.inject_sessions(w)
    _marks(w)
    ghost_patterns.inject_marks(w)
    _links(w)
    _timesheets(w)
    ghost_patterns.inject_timesheets(w)
    return w


def truth_table(w: World) -> pa.Table:
    flag, kind, entity, when, note = zip(*w.truth, strict=True) if w.truth else ((), (), (), (), ())
    return schema.conform(
        "truth",
        pa.table(
            {
                "flag": pa.array(flag, pa.string()),
                "entity_kind": pa.array(kind, pa.string()),
                "entity_id": pa.array(entity, pa.int64()),
                "period": pa.array(when, pa.date32()),
                "note": pa.array(note, pa.string()),
            }
        ),
    ).sort_by([("flag", "ascending"), ("entity_id", "ascending"), ("period", "ascending")])


def synthesize(
    *, out: Path, run: Path | None = None, region_dir: Path | None = None, seed: int = 1, months: int = 3
) -> Summary:
    """Draw a voucher world from a run's single list (or a region's truth) and write it to ``out``."""
    started = time.perf_counter()
    people, as_of, source = load_list(run=run, region_dir=region_dir)
    w = build(people=people, as_of=as_of, seed=seed, months=months)
    out.mkdir(parents=True, exist_ok=True)
    written = tables(w)
    for name, table in written.items():
        pq.write_table(table, out / f"{name}.parquet")
    truth = truth_table(w)
    pq.write_table(truth, out / "truth.parquet")
    counts = {
        str(k): int(v)
        for k, v in zip(
            *np.unique(truth["flag"].to_numpy(zero_copy_only=False).astype(str), return_counts=True), strict=True
        )
    }
    summary = Summary(
        out=str(out),
        source=source,
        seed=seed,
        as_of=as_of.isoformat(),
        period_start=w.start.isoformat(),
        period_end=w.end.isoformat(),
        rows={name: t.num_rows for name, t in written.items()},
        truth=counts,
        seconds=round(time.perf_counter() - started, 2),
    )
    manifest = {
        **asdict(summary),
        "holidays": {d.isoformat(): n for d, n in w.holidays.items()},
        "injected": ghost_patterns.RATES,
        "background": {
            "made_up_sessions_share_of_cancelled": SHARE_MADE_UP,
            "cancelled_sessions": SHARE_CANCELLED,
            "silent_parents": SHARE_SILENT_PARENTS,
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return summary
