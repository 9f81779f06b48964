"""A deterministic demo portfolio: the four schools named at risk in a regional meeting and 26 apartment
buildings under Shymkent's capital repair programme, with synthetic but plausible histories.

The story it tells, as of 20 June of the demo year (``birtizim projects demo`` prints it):

* the secondary school named after Rakishev in Lesnovka started a month late, works with a handful
  of people and has had acts signed well ahead of the work: red, no chance of 1 September;
* the school named after Krupskaya in Zharkent was re-baselined after rotten roof trusses were
  found and its contract deadline moved twice; its pace since says it is still months late: red;
* the school in Karabulak was a little behind at its last report, six weeks ago: red, with stale
  reports as the first question to ask;
* the Kazakh-Turkish lyceum in Taldykorgan keeps to a plan that ends two weeks before the school
  year: green. Of the four schools named at the meeting, the data clear one;
* of the 26 Shymkent buildings about half are on course; others slip, one site was abandoned
  (nobody on site for six weeks), two stopped reporting, two have acts signed ahead of the work
  and one looks safe only because its deadline was moved twice, by 75 days in all.

Every name of a contractor, address, amount and number here is synthetic; contractor BINs are made
by the code and pass the checksum. Histories come from a simulated "true" site (a pace relative to
the plan, a late start, reporting habits) sampled by seeded numpy, so the same seed gives the same
portfolio to the last tenge.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from birtizim.projects.forecast import Forecast, forecast_portfolio
from birtizim.projects.model import (
    Activity,
    Baseline,
    ContractChange,
    ObjectKind,
    ProgressReport,
    ProjectObject,
    WorkType,
    current_baseline,
    topological_order,
)
from birtizim.tables.bin_number import make_bin

DEMO_SEED = 2025
DEMO_YEAR = 2025


@dataclass(frozen=True, slots=True)
class DemoObject:
    project: ProjectObject
    baselines: tuple[Baseline, ...]
    reports: tuple[ProgressReport, ...]

    @property
    def baseline(self) -> Baseline:
        return current_baseline(self.baselines)


@dataclass(frozen=True, slots=True)
class DemoPortfolio:
    year: int
    as_of: dt.date
    objects: tuple[DemoObject, ...]

    def items(self) -> list[tuple[ProjectObject, Baseline, tuple[ProgressReport, ...]]]:
        return [(o.project, o.baseline, o.reports) for o in self.objects]


@dataclass(frozen=True, slots=True)
class _Site:
    """How the simulated site really behaves; the reports are what an observer of it writes down."""

    pace: float  # productivity relative to the plan (1.0 = as planned)
    start_delay: int = 0  # days every activity starts after its planned start
    report_every: int = 14
    last_report: dt.date | None = None  # reports stop after this date
    stall_from: dt.date | None = None  # the contractor leaves: no progress after this date
    money_lead: float = 0.0  # share of the budget accepted ahead of the work
    crew: int = 10  # people per activity under way
    noise: float = 0.12  # lognormal sigma of each activity's true duration around planned / pace
    workforce_missing: bool = False  # the latest report leaves the workforce blank
    issues: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------
# Site history: the true schedule, then reports sampled from it
# --------------------------------------------------------------------------------------------


def _true_schedule(baseline: Baseline, site: _Site, rng: np.random.Generator) -> dict[str, tuple[float, float]]:
    """Actual (start, finish) of each activity in days from the baseline start, with the planned
    overlaps kept as the forecast assumes (see ``model.Activity``)."""
    origin = baseline.start
    out: dict[str, tuple[float, float]] = {}
    plan = {a.code: a for a in baseline.activities}
    for a in topological_order(baseline.activities):
        start = float((a.planned_start - origin).days + site.start_delay)
        finish_after = 0.0
        for c in a.depends_on:
            lag = (a.planned_start - plan[c].planned_finish).days
            start = max(start, out[c][1] + lag)
            finish_after = max(finish_after, out[c][1])
        duration = a.planned_duration / (site.pace * float(rng.lognormal(0.0, site.noise)))
        out[a.code] = (start, max(start + duration, finish_after))
    return out


def _true_progress(schedule: dict[str, tuple[float, float]], t: float) -> dict[str, float]:
    out = {}
    for code, (s, f) in schedule.items():
        out[code] = 1.0 if t >= f else 0.0 if t <= s or f <= s else (t - s) / (f - s)
    return out


def _reported(value: float) -> float:
    """Sites report in steps of 5%, and say 100% only when it is done."""
    if value >= 1.0:
        return 100.0
    if value <= 0.0:
        return 0.0
    return float(min(95, max(5, 5 * round(value * 20))))


def _history(
    baseline: Baseline, budget: float, site: _Site, as_of: dt.date, rng: np.random.Generator
) -> tuple[ProgressReport, ...]:
    schedule = _true_schedule(baseline, site, rng)
    weights = {a.code: a.weight / baseline.total_weight for a in baseline.activities}
    origin = baseline.start
    stall = (site.stall_from - origin).days if site.stall_from else math.inf

    def share_done(t: float) -> float:
        progress = _true_progress(schedule, min(t, stall))
        return sum(weights[c] * v for c, v in progress.items())

    # Reports go back from a few days before as_of at the site's rhythm, to the start of work.
    last = min(as_of - dt.timedelta(days=int(rng.integers(1, 6))), site.last_report or as_of)
    dates: list[dt.date] = []
    day = last
    while day > origin + dt.timedelta(days=3):
        dates.append(day)
        day -= dt.timedelta(days=site.report_every)
    dates.reverse()

    reports: list[ProgressReport] = []
    accepted = 0.0
    for n, d in enumerate(dates):
        t = float((d - origin).days)
        progress = _true_progress(schedule, min(t, stall))
        percents = {c: _reported(v) for c, v in progress.items()}
        # Acts of accepted work trail the site by about three weeks; a site with a money lead has
        # acts signed for work not yet done, ahead of the site itself.
        if site.money_lead > 0:
            lead = site.money_lead * min(1.0, max(0.0, t - site.start_delay) / 45)
            target = min(1.0, share_done(t) + lead) * budget
        else:
            target = share_done(t - 21) * 0.97 * budget
        accepted = max(accepted, round(target, -3))
        active = sum(1 for v in progress.values() if 0 < v < 1)
        stalled = t >= stall
        workforce: int | None = 0 if stalled else round(active * site.crew * float(rng.uniform(0.8, 1.2)))
        is_last = n == len(dates) - 1
        if is_last and site.workforce_missing:
            workforce = None
        issue = ""
        if site.issues and (stalled or rng.uniform() < 0.3):
            issue = site.issues[int(rng.integers(0, len(site.issues)))]
        reports.append(
            ProgressReport(
                date=d,
                percent_complete=percents,
                accepted_money=accepted,
                workforce=workforce,
                issues=issue,
                photos=0 if stalled else int(rng.integers(3, 16)),
            )
        )
    return tuple(reports)


# --------------------------------------------------------------------------------------------
# Contractors
# --------------------------------------------------------------------------------------------

_FIRST = ("Жетысу", "Алатау", "Береке", "Сапа", "Нұр", "Қазына", "Даму", "Асыл", "Тұлпар", "Самал", "Шұғыла", "Арман")
_SECOND = ("Құрылыс", "Строй", "СтройСервис", "Инжиниринг", "Монтаж", "Құрылыс-Сервис", "Ремстрой", "Строй-Инвест")


class _Contractors:
    """Synthetic contractors with BINs made by the code; a name drawn twice is the same company."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._bins: dict[str, str] = {}

    def draw(self) -> tuple[str, str]:
        name = f"ТОО «{_FIRST[int(self._rng.integers(len(_FIRST)))]} {_SECOND[int(self._rng.integers(len(_SECOND)))]}»"
        if name not in self._bins:
            self._bins[name] = self._make_bin()
        return name, self._bins[name]

    def _make_bin(self) -> str:
        while True:
            registered = dt.date(int(self._rng.integers(2004, 2020)), int(self._rng.integers(1, 13)), 1)
            value = make_bin(registered, int(self._rng.integers(1, 99999)))
            if value is not None and value not in self._bins.values():
                return value


# --------------------------------------------------------------------------------------------
# The four schools
# --------------------------------------------------------------------------------------------

SCHOOL_DEADLINE_REASON = "1 сентября начинается учебный год: дети должны прийти в отремонтированное здание"


def _school_activities(year: int, *, shift: int = 0) -> tuple[Activity, ...]:
    """A school's capital repair from design to commissioning; ``shift`` moves the finish of the roof,
    facade and interior and everything after them by that many days (a revised or a tighter plan)."""
    d = dt.date
    s = shift

    def later(day: dt.date) -> dt.date:
        return day + dt.timedelta(days=s)

    return (
        Activity("PSD", "Корректировка ПСД", d(year, 3, 3), d(year, 3, 28), 4),
        Activity("DEM", "Демонтажные работы", d(year, 3, 31), d(year, 4, 25), 6, ("PSD",)),
        Activity("ROOF", "Кровля", d(year, 4, 28), later(d(year, 6, 13)), 14, ("DEM",)),
        Activity("NET", "Инженерные сети (отопление, вода, электрика)", d(year, 4, 28), d(year, 7, 11), 24, ("DEM",)),
        Activity("FAC", "Фасад и окна", d(year, 5, 26), later(d(year, 7, 18)), 16, ("DEM",)),
        Activity("INT", "Внутренняя отделка", d(year, 6, 9), later(d(year, 8, 8)), 22, ("NET",)),
        Activity("LAND", "Благоустройство территории", later(d(year, 7, 14)), later(d(year, 8, 15)), 8, ("FAC",)),
        Activity("EQ", "Мебель и оборудование", later(d(year, 8, 1)), later(d(year, 8, 20)), 4, ("INT",)),
        Activity(
            "COM", "Приёмка и ввод в эксплуатацию", later(d(year, 8, 20)), later(d(year, 8, 25)), 2, ("EQ", "LAND")
        ),
    )


def _schools(year: int, as_of: dt.date, rng: np.random.Generator, contractors: _Contractors) -> list[DemoObject]:
    d = dt.date
    first_day = d(year, 9, 1)
    plan = Baseline(1, d(year, 2, 14), "Утверждённый график производства работ", _school_activities(year))
    out: list[DemoObject] = []

    def school(
        code: str,
        name: str,
        district: str,
        locality: str,
        budget: float,
        site: _Site,
        baselines: tuple[Baseline, ...] = (plan,),
        changes: tuple[ContractChange, ...] = (),
    ) -> None:
        contractor, bin_value = contractors.draw()
        reports = _history(current_baseline(baselines), budget, site, as_of, rng)
        project = ProjectObject(
            code=code,
            name=name,
            kind=ObjectKind.SCHOOL,
            work=WorkType.CAPITAL_REPAIR,
            region="almaty-2019",  # the reference lists these districts under the pre-2022 region (now Zhetisu)
            district=district,
            locality=locality,
            address=locality,  # the building's street address is left to the officer who enters it
            deadline=first_day,
            deadline_reason=SCHOOL_DEADLINE_REASON,
            budget=budget,
            contractor_name=contractor,
            contractor_bin=bin_value,
            contract_number=f"{code}-КР/{year}",
            contract_changes=changes,
        )
        out.append(DemoObject(project, baselines, reports))

    school(
        "ZH-SCH-LESNOVKA",
        "Средняя школа имени Ракишева, с. Лесновка",
        "eskeldi",
        "с. Лесновка",
        1_184_500_000,
        _Site(
            pace=0.55,
            start_delay=30,
            crew=3,
            money_lead=0.25,
            issues=("Не хватает рабочих", "Задержка согласования ПСД", "Подрядчик не выходит на связь"),
        ),
    )
    revised = Baseline(
        2,
        d(year, 5, 20),
        "При демонтаже обнаружено гниение стропил: добавлена полная замена кровли, отделка сдвинута",
        _school_activities(year, shift=3),
    )
    school(
        "ZH-SCH-ZHARKENT",
        "Школа имени Крупской, г. Жаркент",
        "panfilov",
        "г. Жаркент",
        954_000_000,
        _Site(pace=0.74, start_delay=7, crew=8, issues=("Замена стропильной системы", "Задержка поставки окон")),
        baselines=(plan, revised),
        changes=(
            ContractChange(d(year, 5, 22), "Доп. соглашение №1: замена стропил", d(year, 8, 15), d(year, 8, 22)),
            ContractChange(
                d(year, 6, 10),
                "Доп. соглашение №2: увеличение объёма кровельных работ",
                d(year, 8, 22),
                d(year, 8, 28),
                954_000_000 - 61_300_000,
                954_000_000,
            ),
        ),
    )
    school(
        "ZH-SCH-KARABULAK",
        "Средняя школа, п. Карабулак",
        "eskeldi",
        "п. Карабулак",
        712_800_000,
        _Site(pace=0.97, start_delay=4, report_every=14, last_report=d(year, 5, 12), crew=10),
    )
    school(
        "ZH-SCH-KTL-TALDYKORGAN",
        "Казахско-турецкий лицей, г. Талдыкорган",
        "taldykorgan",
        "г. Талдыкорган",
        1_563_000_000,
        _Site(pace=1.1, crew=14, noise=0.04),
        baselines=(
            Baseline(
                1,
                d(year, 2, 14),
                "Утверждённый график: сдача за две недели до учебного года",
                _school_activities(year, shift=-16),
            ),
        ),
    )
    return out


# --------------------------------------------------------------------------------------------
# Shymkent apartment buildings
# --------------------------------------------------------------------------------------------

# (code, name, duration range in days, weight, predecessors); LIFT only in buildings with lifts.
_BUILDING_WORKS: tuple[tuple[str, str, tuple[int, int], float, tuple[str, ...]], ...] = (
    ("PSD", "Проектно-сметная документация", (20, 30), 3, ()),
    ("DEM", "Демонтаж", (10, 20), 4, ("PSD",)),
    ("ROOF", "Ремонт кровли", (30, 50), 15, ("DEM",)),
    ("FAC", "Утепление и ремонт фасада", (45, 75), 20, ("DEM",)),
    ("HEAT", "Система отопления", (30, 50), 14, ("DEM",)),
    ("WATER", "Водоснабжение и канализация", (30, 45), 12, ("DEM",)),
    ("ELEC", "Электроснабжение", (25, 40), 8, ("DEM",)),
    ("LIFT", "Замена лифтов", (30, 45), 12, ("ELEC",)),
    ("ENTR", "Ремонт подъездов", (25, 40), 7, ("HEAT", "WATER", "ELEC")),
    ("BASE", "Подвал и отмостка", (15, 25), 4, ("WATER",)),
    ("LAND", "Благоустройство двора", (20, 30), 4, ("FAC",)),
    ("COM", "Приёмка и ввод в эксплуатацию", (5, 8), 1, ("ROOF", "ENTR", "LAND", "LIFT", "BASE")),
)
_ALWAYS = {"DEM", "ROOF", "FAC", "HEAT", "COM"}
_STREETS = (
    "ул. Байтурсынова",
    "ул. Толе би",
    "пр. Республики",
    "ул. Казыбек би",
    "пр. Кунаева",
    "ул. Абая",
    "ул. Жибек жолы",
    "ул. Момышулы",
    "ул. Сайрамская",
    "ул. Аль-Фараби",
)
_DISTRICTS = ("abay",) * 6 + ("al-farabi",) * 5 + ("enbekshi",) * 5 + ("karatau",) * 5 + ("turan",) * 5
_ARCHETYPES = (
    ("steady",) * 12
    + ("slipping",) * 6
    + ("late",) * 2
    + ("abandoned",)
    + ("stale",) * 2
    + ("money_ahead",) * 2
    + ("moved",)
)
HEATING_REASON = "Отопительный сезон начинается 15 октября: кровля и отопление должны быть сданы до него"
CONTRACT_REASON = "Срок завершения по договору в рамках городской программы капитального ремонта"


def _building_activities(
    year: int, rng: np.random.Generator, *, with_lift: bool, with_design: bool, early: bool
) -> tuple[Activity, ...]:
    """A building's works from a random subset of ``_BUILDING_WORKS``, starting between late March
    and late April (in the first ten days of that window if ``early``)."""
    chosen = [
        w
        for w in _BUILDING_WORKS
        if w[0] in _ALWAYS
        or (w[0] == "PSD" and with_design)
        or (w[0] == "LIFT" and with_lift)
        or (w[0] not in {"PSD", "LIFT"} and rng.uniform() < 0.75)
    ]
    present = {w[0] for w in chosen}
    begin = dt.date(year, 3, 24) + dt.timedelta(days=int(rng.integers(0, 10 if early else 35)))
    planned: dict[str, Activity] = {}
    for code, name, (low, high), weight, preds in chosen:
        # A predecessor this building does not need is replaced by demolition, which every building has.
        deps = tuple(p for p in preds if p in present) or (("DEM",) if code not in {"PSD", "DEM"} else ())
        duration = int(rng.integers(low, high + 1))
        start = begin
        for p in deps:
            prev = planned[p]
            # Trades after demolition overlap it by a few days; commissioning waits for everything.
            overlap = 0 if code == "COM" else int(prev.planned_duration * rng.uniform(0.0, 0.3))
            start = max(start, prev.planned_finish - dt.timedelta(days=overlap))
        planned[code] = Activity(code, name, start, start + dt.timedelta(days=duration), weight, deps)
    return tuple(planned.values())


def _buildings(year: int, as_of: dt.date, rng: np.random.Generator, contractors: _Contractors) -> list[DemoObject]:
    archetypes = list(_ARCHETYPES)
    order = rng.permutation(len(archetypes))
    out: list[DemoObject] = []
    addresses: set[tuple[str, int]] = set()
    revised = False  # one steady building without lifts gets them in a second baseline
    for n in range(len(archetypes)):
        kind = archetypes[int(order[n])]
        district = _DISTRICTS[n]
        storeys = int(rng.choice([5, 5, 5, 9, 9, 12]))
        # A site that stopped reporting must have started early enough to have reported at all.
        activities = _building_activities(
            year, rng, with_lift=storeys >= 9, with_design=rng.uniform() < 0.6, early=kind == "stale"
        )
        v1 = Baseline(1, dt.date(year, 3, 1), "Утверждённый график", activities)
        baselines: tuple[Baseline, ...] = (v1,)
        finish = v1.finish
        slack = int(rng.integers(10, 40))
        deadline = min(finish + dt.timedelta(days=slack), dt.date(year, 10, 15))
        deadline = max(deadline, finish + dt.timedelta(days=5))
        reason = HEATING_REASON if deadline <= dt.date(year, 10, 15) else CONTRACT_REASON
        budget = float(round(storeys * rng.uniform(14e6, 24e6), -5))
        changes: tuple[ContractChange, ...] = ()
        report_every = 14 if rng.uniform() < 0.5 else 30

        pace = float(rng.uniform(0.97, 1.12))
        site = _Site(pace=pace, report_every=report_every, crew=int(rng.integers(6, 12)))
        if kind == "slipping":
            site = _Site(pace=float(rng.uniform(0.78, 0.9)), start_delay=int(rng.integers(0, 10)), report_every=14)
        elif kind == "late":
            site = _Site(pace=float(rng.uniform(0.5, 0.62)), start_delay=int(rng.integers(10, 25)), crew=5)
        elif kind == "abandoned":
            site = _Site(
                pace=0.8,
                stall_from=as_of - dt.timedelta(days=45),
                report_every=14,
                issues=("Подрядчик покинул объект", "Нет оплаты субподрядчикам"),
            )
        elif kind == "stale":
            last = as_of - dt.timedelta(days=int(rng.integers(42, 56)))
            site = _Site(pace=float(rng.uniform(0.85, 1.0)), last_report=last, report_every=14)
        elif kind == "money_ahead":
            lead = float(rng.uniform(0.15, 0.35))
            site = _Site(pace=float(rng.uniform(0.75, 0.9)), money_lead=lead, report_every=14)
        elif kind == "moved":
            site = _Site(pace=0.68, start_delay=14, report_every=14)
            first = deadline
            second = first + dt.timedelta(days=30)
            third = second + dt.timedelta(days=45)
            changes = (
                ContractChange(dt.date(year, 5, 5), "Доп. соглашение №1: перенос срока", first, second),
                ContractChange(
                    dt.date(year, 6, 2),
                    "Доп. соглашение №2: перенос срока и дополнительные работы",
                    second,
                    third,
                    budget,
                    round(budget * 1.08, -5),
                ),
            )
            deadline, budget, reason = third, round(budget * 1.08, -5), CONTRACT_REASON
        if kind == "steady" and n % 7 == 3:
            site = dataclasses.replace(site, workforce_missing=True)
        if kind == "steady" and not revised and (lift := _with_lift(v1, rng)) is not None:
            baselines, revised = (v1, lift), True

        contractor, bin_value = contractors.draw()
        street, house = _STREETS[int(rng.integers(len(_STREETS)))], int(rng.integers(1, 140))
        while (street, house) in addresses:
            street, house = _STREETS[int(rng.integers(len(_STREETS)))], int(rng.integers(1, 140))
        addresses.add((street, house))
        reports = _history(current_baseline(baselines), budget, site, as_of, rng)
        project = ProjectObject(
            code=f"SHY-MKD-{n + 1:02d}",
            name=f"Жилой дом, {street}, {house} ({storeys} эт.)",
            kind=ObjectKind.APARTMENT_BUILDING,
            work=WorkType.CAPITAL_REPAIR,
            region="shymkent",
            district=district,
            locality="г. Шымкент",
            address=f"{street}, {house}",
            deadline=deadline,
            deadline_reason=reason,
            budget=budget,
            contractor_name=contractor,
            contractor_bin=bin_value,
            contract_number=f"ШМК-{year}-{n + 101:03d}",
            contract_changes=changes,
        )
        out.append(DemoObject(project, baselines, reports))
    return out


def _with_lift(v1: Baseline, rng: np.random.Generator) -> Baseline | None:
    """A second baseline adding lift replacement after the electrics (an inspection found the lifts
    past their service life), commissioning moved after it; None if the building has no electrics
    work to follow or already replaces its lifts."""
    codes = {a.code for a in v1.activities}
    if "LIFT" in codes or "ELEC" not in codes:
        return None
    elec = v1.activity("ELEC")
    start = elec.planned_finish - dt.timedelta(days=5)
    lift = Activity("LIFT", "Замена лифтов", start, start + dt.timedelta(days=int(rng.integers(30, 40))), 12, ("ELEC",))
    activities = []
    for a in v1.activities:
        if a.code == "COM":
            begin = max(a.planned_start, lift.planned_finish)
            a = Activity(
                a.code, a.name, begin, begin + dt.timedelta(days=a.planned_duration), a.weight, (*a.depends_on, "LIFT")
            )
        activities.append(a)
    activities.insert(len(activities) - 1, lift)
    return Baseline(
        2,
        dt.date(v1.start.year, 5, 15),
        "По итогам технического обследования добавлена замена лифтов",
        tuple(activities),
    )


# --------------------------------------------------------------------------------------------
# The portfolio and its forecast table
# --------------------------------------------------------------------------------------------


def demo_portfolio(*, year: int = DEMO_YEAR, seed: int = DEMO_SEED) -> DemoPortfolio:
    as_of = dt.date(year, 6, 20)
    rng = np.random.default_rng(seed)
    contractors = _Contractors(rng)
    objects = _schools(year, as_of, rng, contractors) + _buildings(year, as_of, rng, contractors)
    return DemoPortfolio(year=year, as_of=as_of, objects=tuple(objects))


def demo_forecasts(portfolio: DemoPortfolio | None = None, *, trials: int = 2000, seed: int = 0) -> list[Forecast]:
    p = portfolio or demo_portfolio()
    return forecast_portfolio(p.items(), as_of=p.as_of, trials=trials, seed=seed)
