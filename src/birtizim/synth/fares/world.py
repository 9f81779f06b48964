"""``birtizim fares synth``: a few months of the synthetic city written as the files an akimat gets.

Files (all CSV in utf-8 unless said otherwise):

- ``routes.csv``, ``stops.csv``: the network (synthetic);
- ``ridership.csv``: the validator export, one row per route, date and hour, Russian headers
  (Маршрут, Дата, Час, Валидации): validations count riders who tapped, never the evaders;
- ``plans/plan-YYYY-MM.json``: each month's published plan (seed, weights, checks, shifts, digest);
- ``checks.csv``: what inspectors found on each checked trip (measurement and enforcement);
- ``protocols.csv``: protocols as the inspectors' devices export them (damaged IINs, names in
  several scripts); ``payments.csv``: fines paid by the export date;
- ``truth/strata.parquet`` (true riders, unpaid riders and rate of every stratum and month) and
  ``truth/protocols.parquet`` (the true person of every protocol);
- ``manifest.json``: settings, seeds, counts and how the last month's protocol count was reached.

**The demo month's 983 protocols.** News reported 983 evaders caught in a month, each with a
protocol. The last month is drawn with the usual measurement checks and a long list of planned
raids; the raids are carried out in the plan's time order and the month stops after the raid that
brings the count of protocols to exactly ``demo_protocols``. If no raid lands on it exactly (the
count jumps past it), the month is drawn again with the next attempt number; the manifest records
the attempt and how many raids were carried out. The count of protocols is thus set by how much
enforcement was done — which is the point of the story — while the rate is estimated from the
measurement checks alone and does not depend on it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from birtizim.fares.estimate import estimate_arrays
from birtizim.fares.plan import Plan, PlanSettings, StratumInput, draw_plan
from birtizim.synth.fares.city import City, FloatArray, WorldSettings, build_city
from birtizim.synth.fares.month import MonthTrips, month_trips, run_checks
from birtizim.synth.fares.offenders import draw_pool, pay, write_protocols
from birtizim.tables.months import month_days

POOL_SIZE = 40000
DEFAULT_SETTINGS = WorldSettings()
MAX_ATTEMPTS = 500


@dataclass(frozen=True)
class Summary:
    seed: int
    months: list[str]
    rows: dict[str, int]
    demo: dict[str, Any]
    seconds: float


def previous_months(last: str, count: int) -> list[str]:
    year, mon = (int(x) for x in last.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
    return out[::-1]


def plan_month(city: City, month: str, seed: int, prior: FloatArray | None, raids: int) -> Plan:
    """The core's plan for the month, from the city's expected ridership and last month's estimates."""
    s = city.settings
    riders = city.mean_riders * city.trips_per_day * len(month_days(month))
    strata = [
        StratumInput(route, band, float(riders[h]), None if prior is None else float(prior[h]))
        for h, (route, band) in enumerate(city.strata)
    ]
    settings = PlanSettings(
        measurement_checks=s.measurement_checks,
        enforcement_checks=raids,
        floor=s.floor,
        teams=tuple(f"T{i + 1}" for i in range(s.teams)),
    )
    return draw_plan(strata, month=month, seed=seed, settings=settings, bands=city.bands)


def _validator_rows(city: City, trips: MonthTrips) -> list[tuple[str, str, int, int]]:
    """(route, date, hour, validations) per route, day and departure hour."""
    band_start = np.array([city.bands[b].start_hour for b in city.stratum_band])
    hour = band_start[trips.stratum] + (trips.slot * city.headway[trips.stratum]) // 60
    route = city.stratum_route[trips.stratum]
    key = (route * 40 + trips.day) * 24 + hour
    sums = np.bincount(key, weights=trips.riders - trips.unpaid)
    days = month_days(trips.month)
    out = []
    for k in np.flatnonzero(sums):
        r, rest = divmod(int(k), 40 * 24)
        d, h = divmod(rest, 24)
        out.append((city.routes[r].code, days[d].isoformat(), h, int(sums[k])))
    return out


def _write_csv(path: Path, rows: list[dict[str, Any]], fields: list[str]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r[k]) for k in fields})
    return len(rows)


def synthesize(
    out: Path,
    *,
    seed: int = 1,
    last_month: str = "2026-06",
    months: int = 3,
    settings: WorldSettings = DEFAULT_SETTINGS,
    demo_protocols: int | None = 983,
) -> Summary:
    started = time.perf_counter()
    city = build_city(seed, settings)
    n_strata = len(city.strata)
    month_list = previous_months(last_month, months)
    pool = draw_pool(POOL_SIZE, dt.date.fromisoformat(month_list[0] + "-01"), np.random.default_rng([seed, 16]))
    prior = None
    checks: list[dict[str, Any]] = []
    protocols: list[dict[str, Any]] = []
    truth_protocols: list[dict[str, Any]] = []
    truth_strata: list[dict[str, Any]] = []
    validator: list[tuple[str, str, int, int]] = []
    demo: dict[str, Any] = {}
    (out / "plans").mkdir(parents=True, exist_ok=True)
    for mi, month in enumerate(month_list):
        is_demo = demo_protocols is not None and mi == len(month_list) - 1
        raids = settings.enforcement_checks * (5 if is_demo else 1)
        for attempt in range(MAX_ATTEMPTS if is_demo else 1):
            rng = np.random.default_rng([seed, mi, attempt])
            trips = month_trips(city, month, rng)
            plan = plan_month(city, month, seed * 1000 + mi, prior, raids)
            res = run_checks(city, trips, plan.checks, rng)
            written = rng.binomial(res.unpaid, 1 - settings.no_protocol_share)
            keep = np.ones(len(plan.checks), bool)
            if is_demo:
                measured = int(written[~res.enforcement].sum())
                raid_idx = np.flatnonzero(res.enforcement)  # plan order = time order
                target = demo_protocols or 0
                total = measured + np.cumsum(written[raid_idx])
                hit = np.flatnonzero(total == target)
                if measured > target or not len(hit):
                    continue
                keep[raid_idx[hit[0] + 1 :]] = False
                demo = {
                    "month": month,
                    "protocols": demo_protocols,
                    "attempt": attempt,
                    "raids_planned": len(raid_idx),
                    "raids_carried_out": int(hit[0] + 1),
                    "protocols_from_measurement_checks": measured,
                    "rule": "raids carried out in plan order until the month's protocols reach the target exactly; "
                    "months redrawn with the next attempt number until one does",
                }
            break
        else:
            raise RuntimeError(f"no draw of {month} reached exactly {demo_protocols} protocols")
        (out / "plans" / f"plan-{month}.json").write_text(
            json.dumps(plan.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        riders, unpaid = trips.truth(n_strata)
        for h, (route, band) in enumerate(city.strata):
            truth_strata.append(
                {
                    "month": month,
                    "route": route,
                    "band": band,
                    "riders": int(riders[h]),
                    "unpaid": int(unpaid[h]),
                    "validations": int(riders[h] - unpaid[h]),
                    "rate": float(unpaid[h] / riders[h]) if riders[h] else None,
                    "propensity": float(city.propensity[h]),
                }
            )
        validator += _validator_rows(city, trips)
        offences: list[tuple[dt.datetime, str, str, str]] = []
        for i, c in enumerate(plan.checks):
            if not keep[i]:
                continue
            checks.append(
                {
                    "id": c.id,
                    "route": c.route,
                    "band": c.band,
                    "start": c.start.isoformat(timespec="minutes"),
                    "riders_checked": int(res.checked[i]),
                    "paid": int(res.checked[i] - res.unpaid[i] - res.exempt[i]),
                    "unpaid": int(res.unpaid[i]),
                    "exempt": int(res.exempt[i]),
                    "kind": c.kind,
                    "team": c.team,
                }
            )
            stops = city.route_stops[next(j for j, r in enumerate(city.routes) if r.code == c.route)]
            for _ in range(int(written[i])):
                minute = int(rng.integers(2, 25))
                offences.append(
                    (c.start + dt.timedelta(minutes=minute), c.route, stops[int(rng.integers(0, len(stops)))], c.id)
                )
        rows, truth = write_protocols(pool, offences, first_number=len(protocols) + 1, rng=rng)
        protocols += rows
        truth_protocols += truth
        sample = ~res.enforcement
        est = estimate_arrays(res.stratum[sample], res.checked[sample], res.unpaid[sample], trips.validations(n_strata))
        prior = np.nan_to_num(est.rate, nan=settings.base_rate)

    as_of = dt.date.fromisoformat(month_days(month_list[-1])[-1].isoformat()) + dt.timedelta(days=15)
    payments = pay(protocols, rng=np.random.default_rng([seed, 99]), as_of=as_of)
    counts = {
        "routes.csv": _write_csv(
            out / "routes.csv",
            [
                {"route": r.code, "name": r.name, "headway_minutes": r.headway_minutes, "stops": " ".join(r.stops)}
                for r in city.routes
            ],
            ["route", "name", "headway_minutes", "stops"],
        ),
        "stops.csv": _write_csv(out / "stops.csv", [asdict(s) for s in city.stops], ["code", "name"]),
        "ridership.csv": _write_csv(
            out / "ridership.csv",
            [{"Маршрут": r, "Дата": d, "Час": h, "Валидации": v} for r, d, h, v in validator],
            ["Маршрут", "Дата", "Час", "Валидации"],
        ),
        "checks.csv": _write_csv(out / "checks.csv", checks, list(checks[0])),
        "protocols.csv": _write_csv(out / "protocols.csv", protocols, list(protocols[0])),
        "payments.csv": _write_csv(out / "payments.csv", payments, ["protocol", "paid_on", "amount"]),
    }
    (out / "truth").mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(truth_strata), out / "truth" / "strata.parquet")
    pq.write_table(pa.Table.from_pylist(truth_protocols), out / "truth" / "protocols.parquet")
    manifest = {
        "world": "fares-shymkent-like",
        "synthetic": "every route, stop, ridership figure, rate and person is invented; the fare is synthetic",
        "seed": seed,
        "months": month_list,
        "as_of": as_of.isoformat(),
        "fare": settings.fare,
        "ridership_basis": "validations",
        "settings": settings.to_json(),
        "rows": counts,
        "demo": demo,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return Summary(seed, month_list, counts, demo, time.perf_counter() - started)
