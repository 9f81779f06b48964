"""The monthly inspection plan: a random, seeded, auditable schedule of checks.

Why random: a rate is only an estimate of all riders if the trips checked are a random sample of
all trips, and inspections only deter if riders cannot predict them (LA Metro's randomised patrol
scheduling is built on the same idea). Why seeded and published: anyone holding the inputs and the
seed can draw the plan again and compare it check by check, so nobody can quietly move
inspections. The seed is revealed after the month (its SHA-256, ``seed_commitment``, is published
before it), because riders who knew the seed could compute the plan too.

The rule, in order:

1. **Measurement checks** (the random sample the rate comes from). Every stratum (route × time
   band) first gets ``floor`` checks, so each can be estimated (two trips are the fewest that say
   anything about the variance). The rest go to strata in proportion to
   riders × √(p(1 − p)), p being last month's estimated rate (at least ``min_rate``, or
   ``default_rate`` for a stratum without one): Neyman's allocation, which puts checks where they
   narrow the city's interval most. Counts are rounded by the largest-remainder rule (ties in
   stratum order), so they follow from the weights alone.
2. **Enforcement raids** go to strata in proportion to riders × p: where most evaders are expected.
   They are reported apart and never used for the rate.
3. Each check gets a **day** of the month and a **start minute** within its band, uniformly at random
   from the seeded generator; the inspectors board the first vehicle of the route after that time.
4. Checks of the same day and band are shuffled and dealt to the teams in turn; a team's checks on a
   day and band form its **shift**, which the team sees only ``publish_lead`` before it starts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from birtizim.fares.model import DEFAULT_BANDS, CheckKind, Shift, TimeBand
from birtizim.tables.months import check_month, month_days


@dataclass(frozen=True, slots=True)
class StratumInput:
    """What the plan knows about one stratum: its riders per month and last month's estimated rate."""

    route: str
    band: str
    riders: float
    prior_rate: float | None = None

    def __post_init__(self) -> None:
        if not self.riders >= 0:
            raise ValueError(f"stratum {self.route}/{self.band}: riders must be ≥ 0, not {self.riders}")
        if self.prior_rate is not None and not 0 <= self.prior_rate <= 1:
            raise ValueError(f"stratum {self.route}/{self.band}: a rate is between 0 and 1, not {self.prior_rate}")


@dataclass(frozen=True, slots=True)
class PlanSettings:
    measurement_checks: int
    enforcement_checks: int = 0
    floor: int = 2
    default_rate: float = 0.05  # the rate assumed for a stratum never estimated
    min_rate: float = 0.01  # a stratum estimated at 0% still gets weight: 0% from a few trips is not proof
    teams: tuple[str, ...] = ("A",)
    publish_lead_minutes: int = 60  # a team sees a shift this long before it starts

    def __post_init__(self) -> None:
        if self.measurement_checks < 0 or self.enforcement_checks < 0 or self.floor < 0:
            raise ValueError("numbers of checks and the floor cannot be negative")
        if not self.teams:
            raise ValueError("a plan needs at least one team")
        if not 0 < self.min_rate <= self.default_rate < 1:
            raise ValueError("rates must satisfy 0 < min_rate ≤ default_rate < 1")


@dataclass(frozen=True, slots=True)
class StratumWeight:
    route: str
    band: str
    riders: float
    rate_used: float
    measurement_weight: float
    enforcement_weight: float
    measurement_checks: int
    enforcement_checks: int


@dataclass(frozen=True, slots=True)
class PlannedCheck:
    id: str
    route: str
    band: str
    start: dt.datetime
    kind: CheckKind
    team: str


@dataclass(frozen=True)
class Plan:
    month: str
    seed: int
    seed_commitment: str  # SHA-256 of the seed, publishable before the month
    settings: PlanSettings
    weights: tuple[StratumWeight, ...]
    checks: tuple[PlannedCheck, ...]
    shifts: tuple[Shift, ...] = field(default=())
    digest: str = ""  # SHA-256 of the plan's canonical JSON: two draws agree iff their digests do

    def to_json(self) -> dict[str, Any]:
        """The plan as published: inputs, seed, weights, every check and shift, and the digest."""
        return {**_canonical(self), "digest": self.digest}


def seed_commitment(seed: int) -> str:
    return hashlib.sha256(f"birtizim-fares-plan:{seed}".encode()).hexdigest()


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Whole counts adding up to ``total`` in proportion to ``weights``; ties go to the earlier weight."""
    w = np.asarray(weights, dtype=np.float64)
    if total == 0 or len(w) == 0:
        return [0] * len(w)
    if w.sum() <= 0:
        w = np.ones_like(w)  # nothing to go by: equal shares
    exact = total * w / w.sum()
    counts = np.floor(exact).astype(np.int64)
    rest = total - int(counts.sum())
    order = sorted(range(len(w)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[:rest]:
        counts[i] += 1
    return [int(c) for c in counts]


def _canonical(plan: Plan) -> dict[str, Any]:
    return {
        "month": plan.month,
        "seed": plan.seed,
        "seed_commitment": plan.seed_commitment,
        "settings": {**asdict(plan.settings), "teams": list(plan.settings.teams)},
        "weights": [asdict(w) for w in plan.weights],
        "checks": [{**asdict(c), "start": c.start.isoformat(timespec="minutes")} for c in plan.checks],
        "shifts": [
            {"team": s.team, "start": s.start.isoformat(timespec="minutes"), "end": s.end.isoformat(timespec="minutes")}
            for s in plan.shifts
        ],
    }


def draw_plan(
    strata: Sequence[StratumInput],
    *,
    month: str,
    seed: int,
    settings: PlanSettings,
    bands: Sequence[TimeBand] = DEFAULT_BANDS,
) -> Plan:
    """Draw ``month``'s plan; the same strata, month, seed and settings always give the same plan."""
    check_month(month)
    band_by_code = {b.code: b for b in bands}
    keys = [(s.route, s.band) for s in strata]
    if len(set(keys)) != len(keys):
        raise ValueError("a stratum (route and band) is listed twice")
    unknown = sorted({s.band for s in strata} - set(band_by_code))
    if unknown:
        raise ValueError(f"unknown time band(s): {', '.join(unknown)}; known: {', '.join(band_by_code)}")
    k = len(strata)
    if settings.measurement_checks < settings.floor * k:
        raise ValueError(
            f"{settings.measurement_checks} measurement checks cannot give each of the {k} strata "
            f"its floor of {settings.floor}; plan at least {settings.floor * k}"
        )
    rate = np.array(
        [settings.default_rate if s.prior_rate is None else max(s.prior_rate, settings.min_rate) for s in strata]
    )
    riders = np.array([s.riders for s in strata], dtype=np.float64)
    neyman = riders * np.sqrt(rate * (1 - rate))
    target = riders * rate
    extra = largest_remainder(settings.measurement_checks - settings.floor * k, list(neyman))
    measurement = [settings.floor + e for e in extra]
    enforcement = largest_remainder(settings.enforcement_checks, list(target))

    year, mon = (int(x) for x in month.split("-"))
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, mon]))
    days = month_days(month)
    drawn: list[tuple[dt.datetime, str, str, CheckKind]] = []
    for kind, counts in (("measurement", measurement), ("enforcement", enforcement)):
        for s, count in zip(strata, counts, strict=True):
            if count == 0:
                continue
            band = band_by_code[s.band]
            day_idx = rng.integers(0, len(days), size=count)
            minute = rng.integers(0, band.minutes, size=count)
            for d, mi in zip(day_idx, minute, strict=True):
                start = dt.datetime.combine(days[int(d)], dt.time(band.start_hour)) + dt.timedelta(minutes=int(mi))
                drawn.append((start, s.route, s.band, kind))  # type: ignore[arg-type]
    drawn.sort(key=lambda c: (c[0], c[1], c[2], c[3]))

    # Deal each day-and-band's checks to the teams in turn, after a seeded shuffle.
    groups: dict[tuple[dt.date, str], list[int]] = {}
    for i, (start, _route, band_code, _kind) in enumerate(drawn):
        groups.setdefault((start.date(), band_code), []).append(i)
    team_of: dict[int, str] = {}
    shifts: set[tuple[str, dt.date, str]] = set()
    teams = settings.teams
    for (day, band_code), members in sorted(groups.items()):
        order = rng.permutation(len(members))
        first = int(rng.integers(0, len(teams)))
        for j, pos in enumerate(order):
            team = teams[(first + j) % len(teams)]
            team_of[members[int(pos)]] = team
            shifts.add((team, day, band_code))
    checks = tuple(
        PlannedCheck(f"{month}-{i + 1:05d}", route, band_code, start, kind, team_of[i])
        for i, (start, route, band_code, kind) in enumerate(drawn)
    )
    shift_list = tuple(
        Shift(
            team,
            dt.datetime.combine(day, dt.time(band_by_code[b].start_hour)),
            dt.datetime.combine(day, dt.time(0)) + dt.timedelta(hours=band_by_code[b].end_hour),
        )
        for team, day, b in sorted(shifts, key=lambda t: (t[1], band_by_code[t[2]].start_hour, t[0]))
    )
    weights = tuple(
        StratumWeight(
            s.route,
            s.band,
            float(s.riders),
            float(rate[i]),
            round(float(neyman[i]), 6),
            round(float(target[i]), 6),
            measurement[i],
            enforcement[i],
        )
        for i, s in enumerate(strata)
    )
    plan = Plan(month, seed, seed_commitment(seed), settings, weights, checks, shift_list)
    digest = hashlib.sha256(json.dumps(_canonical(plan), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return Plan(month, seed, plan.seed_commitment, settings, weights, checks, shift_list, digest)


def shift_visible(shift: Shift, *, team: str, now: dt.datetime, lead: dt.timedelta) -> bool:
    """May a member of ``team`` see ``shift`` at ``now``? Only their own team's, from ``lead`` before it starts
    until it ends: a plan known days ahead would tell riders (and anyone an inspector talks to) where to pay."""
    return shift.team == team and shift.start - lead <= now < shift.end


def visible_checks(plan: Plan, *, team: str, now: dt.datetime) -> tuple[PlannedCheck, ...]:
    """The checks a member of ``team`` may see at ``now``, in time order."""
    lead = dt.timedelta(minutes=plan.settings.publish_lead_minutes)
    open_shifts = [s for s in plan.shifts if shift_visible(s, team=team, now=now, lead=lead)]
    return tuple(c for c in plan.checks if c.team == team and any(s.start <= c.start < s.end for s in open_shifts))
