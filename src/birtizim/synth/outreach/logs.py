"""Deterministic synthetic outreach data for the Almaty region's districts (demo, tests, screenshots).

Six monthly periods, July to December 2019: the months before OSMS contributions began in
January 2020, when outreach was at its height. Every district logs events and receives questions,
is surveyed in November (by occupation) and reports monthly. The seed moves the ordinary noise;
the planted cases below have fixed numbers whatever the seed, so tests and demos can name them:

- the case from the regional meeting: **Aksu, Alakol, Balkhash and Enbekshikazakh** report 100% of
  residents reached (from November) while their logs add up to 19–27% of residents (most of it
  from October), their November surveys found 23–27% had never heard of OSMS, and only 3
  questions arrived in each in six months;
- across the region the November survey finds about 23% unaware of OSMS and about 26% rating the
  outreach poor; builders and civil servants are the least aware (as the meeting heard);
- **Eskeldi** logs a regional broadcast as 45,000 people reached in October: an outlier across
  districts and against its own months, with questions far below that reach;
- **Kerbulak** reports 99% actualisation for December, far above the single list;
- **Panfilov** leaves the actualisation blank in its September report;
- **Balkhash** (October) and **Koksu** (December) never report; **Talgar** reports November 9 days
  late and **Sarkand** December 2 days late.

District figures are the reference populations with a made-up actualisation unless a run's
figures are given (``load_figures``); the planted numbers are then scaled to its residents.
All names are real districts; every number is synthetic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from birtizim.outreach.model import (
    AppealKind,
    CitizenQuestion,
    Dataset,
    DistrictFigures,
    DistrictReport,
    EventKind,
    OutreachEvent,
    SurveyResult,
    default_due_on,
)
from birtizim.reference import region
from birtizim.tables.months import month_start

REGION = "almaty-2019"
PERIODS = ("2019-07", "2019-08", "2019-09", "2019-10", "2019-11", "2019-12")
SURVEY_PERIOD = "2019-11"
AS_OF = dt.date(2020, 1, 20)  # after December's reports were due

# District -> (logged reach as a share of residents, survey sample, of whom never heard of OSMS).
CLAIMS: dict[str, tuple[float, int, int]] = {
    "aksu": (0.22, 360, 97),
    "alakol": (0.27, 400, 104),
    "balkhash": (0.19, 320, 83),
    "enbekshikazakh": (0.24, 400, 92),
}
OUTLIER_DISTRICT = "eskeldi"
OUTLIER_PERIOD = "2019-10"
OVERSTATING_DISTRICT = "kerbulak"
BLANK_FIELD = ("panfilov", "2019-09")
MISSING = (("balkhash", "2019-10"), ("koksu", "2019-12"))
LATE = {("talgar", "2019-11"): 9, ("sarkand", "2019-12"): 2}
PLANTED = {*CLAIMS, OUTLIER_DISTRICT, OVERSTATING_DISTRICT, BLANK_FIELD[0], "balkhash", "koksu"}

# Relative size of one event's reach by kind: a broadcast reaches more than a reception.
KIND_WEIGHTS: dict[EventKind, float] = {
    "meeting": 1.0,
    "publication": 3.0,
    "broadcast": 5.0,
    "public_reception": 0.3,
    "stand": 1.5,
}
KIND_ODDS: dict[EventKind, float] = {
    "meeting": 0.35,
    "publication": 0.2,
    "broadcast": 0.1,
    "public_reception": 0.2,
    "stand": 0.15,
}
AUDIENCES = (
    "builders",
    "teachers",
    "medics",
    "civil servants",
    "farmers",
    "market traders",
    "pensioners",
    "students",
    "parents of young children",
)
# Occupation -> (share of a survey sample, how much likelier than average to be unaware of OSMS).
# The meeting heard that builders and civil servants knew least of OSMS (civil servants are paid
# by the state and never had to register for anything themselves); medics and teachers, who deal
# with clinics and payroll questions, knew most.
OCCUPATIONS: dict[str, tuple[float, float]] = {
    "builders": (0.15, 1.6),
    "civil servants": (0.1, 1.5),
    "teachers": (0.12, 0.6),
    "medics": (0.08, 0.4),
    "farmers": (0.15, 1.1),
    "market traders": (0.12, 1.1),
    "pensioners": (0.16, 0.9),
    "students": (0.12, 0.8),
}
# A district's average unaware share and share rating the outreach poor: around the region's 23%
# and 26% from the meeting's survey.
UNAWARE_RANGE = (0.18, 0.25)
POOR_RANGE = (0.21, 0.31)
CHANNELS = ("call centre 1414", "public reception", "eGov online", "social media", "letter")
TOPICS = (
    "checking my status",
    "how to pay contributions",
    "registering as unemployed",
    "benefits package",
    "choosing a clinic",
    "self-employed and the single payment",
)

# The claiming districts' planted numbers, as shares of residents so a run's figures can be used too.
MEETING_QUESTIONS = {"2019-08": 1, "2019-10": 1, "2019-12": 1}
MEETING_REPORTED = {"2019-07": 0.05, "2019-08": 0.1, "2019-09": 0.2, "2019-10": 0.6, "2019-11": 1.0, "2019-12": 1.0}
OUTLIER_BROADCAST_SHARE = 0.9  # 45,000 of Eskeldi's 50,000


def reference_figures(rng: random.Random) -> list[DistrictFigures]:
    """Reference populations (estimates) with a made-up actualisation of 86–95%."""
    out = []
    for d in region(REGION).districts:
        determined = round(d.population * rng.uniform(0.86, 0.95))
        out.append(DistrictFigures(d.code, d.population, determined, determined / d.population))
    return out


def _day(rng: random.Random, period: str) -> dt.date:
    return month_start(period) + dt.timedelta(days=rng.randrange(28))


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` in whole numbers proportional to ``weights`` that add up exactly (largest remainders)."""
    raw = [total * w / sum(weights) for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    return _apportion(total, [rng.uniform(0.6, 1.4) for _ in range(parts)])


def _events(rng: random.Random, district: str, period: str, target: int) -> list[OutreachEvent]:
    # A small run's district reaches a few dozen a month: fewer events then, none with nobody there.
    count = max(1, min(rng.randint(3, 8), target // 10))
    kinds: list[EventKind] = rng.choices(list(KIND_ODDS), weights=list(KIND_ODDS.values()), k=count)
    # The month's total is the target to the person, so planted totals (Talgar's 48,000) are exact.
    reach = _apportion(target, [KIND_WEIGHTS[k] * rng.uniform(0.7, 1.3) for k in kinds])
    return [
        OutreachEvent(
            district,
            _day(rng, period),
            kind,
            "general public" if kind in ("publication", "broadcast") else rng.choice(AUDIENCES),
            n,
        )
        for kind, n in zip(kinds, reach, strict=True)
    ]


def _questions(rng: random.Random, district: str, period: str, total: int) -> list[CitizenQuestion]:
    out = []
    while total > 0:
        n = min(total, rng.randint(1, 12))
        kind: AppealKind = "complaint" if rng.random() < 0.15 else "question"
        out.append(CitizenQuestion(district, _day(rng, period), rng.choice(CHANNELS), rng.choice(TOPICS), n, kind))
        total -= n
    return out


def _survey(rng: random.Random, district: str, sample: int, unaware: int | None) -> list[SurveyResult]:
    """One district's survey by occupation; ``unaware`` fixes the district's total when given."""
    sizes = [round(sample * share) for share, _ in OCCUPATIONS.values()]
    sizes[-1] += sample - sum(sizes)
    base = rng.uniform(*UNAWARE_RANGE)
    risks = [min(0.95, base * factor) for _, factor in OCCUPATIONS.values()]
    if unaware is None:
        counts = [sum(rng.random() < p for _ in range(n)) for p, n in zip(risks, sizes, strict=True)]
    else:
        # Spread the fixed total over occupations in proportion to their expected unaware counts.
        expected = [p * n for p, n in zip(risks, sizes, strict=True)]
        raw = [unaware * e / sum(expected) for e in expected]
        counts = [min(int(x), n) for x, n in zip(raw, sizes, strict=True)]
        order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
        while sum(counts) < unaware:
            for i in order:
                if sum(counts) < unaware and counts[i] < sizes[i]:
                    counts[i] += 1
    poor_rate = rng.uniform(*POOR_RANGE)
    return [
        SurveyResult(district, occupation, SURVEY_PERIOD, n, k, sum(rng.random() < poor_rate for _ in range(n)))
        for occupation, n, k in zip(OCCUPATIONS, sizes, counts, strict=True)
    ]


def build_demo(seed: int = 1, *, figures: Sequence[DistrictFigures] | None = None) -> Dataset:
    """The demo dataset; the same seed (and figures) always gives the same data."""
    rng = random.Random(seed)
    figs = list(figures) if figures is not None else reference_figures(rng)
    by_code = {f.district: f for f in figs}
    absent = sorted(PLANTED - set(by_code))
    if absent:
        raise ValueError(f"the demo plants its cases in {', '.join(absent)}, which the figures lack")

    events: list[OutreachEvent] = []
    questions: list[CitizenQuestion] = []
    surveys: list[SurveyResult] = []
    reports: list[DistrictReport] = []
    for fig in sorted(figs, key=lambda f: f.district):
        d, residents = fig.district, fig.residents
        reach_to_date = 0
        if d in CLAIMS:
            # A trickle until September, then "reach" on paper: a fifth to a quarter of residents in all.
            total = round(residents * CLAIMS[d][0])
            early = round(residents * 0.0075)
            late = _split(total - 3 * early, 3, rng)
            targets = dict(zip(PERIODS, [early] * 3 + late, strict=True))
        else:
            # A district's monthly effort is steady (its own staff, its own plan), so months vary
            # around a district level: that is what makes one wild month stand out.
            level = rng.uniform(0.025, 0.045)
            targets = {p: round(residents * level * rng.uniform(0.85, 1.15)) for p in PERIODS}
        question_rate = rng.uniform(25, 45)
        for period in PERIODS:
            month = _events(rng, d, period, targets[period])
            # The district's own work: its report rounds this up (the regional broadcast is not its own).
            reach_to_date += sum(e.reach for e in month)
            if d == OUTLIER_DISTRICT and period == OUTLIER_PERIOD:
                broadcast = round(residents * OUTLIER_BROADCAST_SHARE)
                month.append(OutreachEvent(d, _day(rng, period), "broadcast", "general public", broadcast))
            events += month
            if d in CLAIMS:
                questions += _questions(rng, d, period, MEETING_QUESTIONS.get(period, 0))
            else:
                # Real outreach brings 25–45 questions per 10,000 reached (the broadcast brings none).
                asked = round(targets[period] * question_rate * rng.uniform(0.85, 1.15) / 10_000)
                questions += _questions(rng, d, period, asked)

            due = default_due_on(period)
            if (d, period) in MISSING:
                continue
            submitted = (
                due + dt.timedelta(days=LATE[d, period])
                if (d, period) in LATE
                else due - dt.timedelta(days=rng.randint(0, 4))
            )
            if d in CLAIMS:
                reach_share: float = MEETING_REPORTED[period]
            else:
                # Districts round their coverage up, but within reason of what they logged.
                reach_share = round(min(1.0, reach_to_date / residents * rng.uniform(1.0, 1.3)), 3)
            actualisation: float | None = round(fig.actualisation + rng.uniform(-0.02, 0.02), 3)
            if d == OVERSTATING_DISTRICT and period == "2019-12":
                actualisation = 0.99
            if (d, period) == BLANK_FIELD:
                actualisation = None
            reports.append(DistrictReport(d, period, reach_share, actualisation, submitted, due))

        if d in CLAIMS:
            surveys += _survey(rng, d, *CLAIMS[d][1:])
        else:
            surveys += _survey(rng, d, rng.randint(300, 400), None)

    return Dataset(
        figures=tuple(sorted(figs, key=lambda f: f.district)),
        events=tuple(events),
        questions=tuple(questions),
        surveys=tuple(surveys),
        reports=tuple(reports),
    )
