"""Fare inspection against the synthetic city's truth: the rate, its intervals, repeat offenders.

``evaluate_folder`` reads a ``birtizim fares synth`` folder through the module's own importers and
estimator, compares with ``truth/``, and then measures interval coverage the only way it can be
measured: by drawing many more months of the same city (the seed and settings are in the
manifest), estimating each from its own random checks, and counting how often the 95% interval
holds the month's true rate, city-wide and stratum by stratum. The same is repeated in two worlds
the defaults were not chosen on: a harsher one (much stronger clustering within trips, fewer checks
per stratum) and one where evaders come in groups on some trips (a lumpy, zero-inflated cluster
shape instead of the Beta mixture).

Repeat offenders are scored on protocols: a protocol is a "repeat" when its person has at least
two protocols in the folder's months; precision and recall compare the linked persons with the
true ones. Pairwise precision and recall (pairs of protocols put together) are reported too.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from birtizim.fares.estimate import estimate_arrays, estimate_month
from birtizim.fares.intervals import METHODS, Method
from birtizim.fares.offenders import link_protocols
from birtizim.synth.fares.city import WorldSettings, build_city
from birtizim.synth.fares.month import month_trips, run_checks
from birtizim.synth.fares.world import plan_month


def _next_month(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def simulate_coverage(
    settings: WorldSettings,
    *,
    seed: int,
    months: int = 200,
    first_month: str = "2026-01",
    methods: tuple[Method, ...] = METHODS,
) -> dict[str, Any]:
    """Coverage of the 95% intervals over ``months`` simulated months of the city ``seed``.

    Each month is drawn anew (new trips, new random plan using last month's estimates as weights)
    and estimated from its measurement checks only; raids are left out of the plan here since they
    never enter the estimate.
    """
    city = build_city(seed, settings)
    k = len(city.strata)
    hits = {m: {"city": 0, "strata": 0, "strata_n": 0} for m in methods}
    errors, deffs, widths = [], [], []
    prior = None
    month = first_month
    for i in range(months):
        rng = np.random.default_rng([seed, 7_000 + i])
        trips = month_trips(city, month, rng)
        plan = plan_month(city, month, seed * 100_000 + i, prior, 0)
        res = run_checks(city, trips, plan.checks, rng)
        riders, unpaid = trips.truth(k)
        truth = unpaid / np.maximum(riders, 1)
        city_truth = unpaid.sum() / riders.sum()
        for method in methods:
            est = estimate_arrays(res.stratum, res.checked, res.unpaid, trips.validations(k), method=method)
            hits[method]["city"] += int(est.city_low <= city_truth <= est.city_high)
            ok = est.checked_strata & (riders > 0)
            hits[method]["strata"] += int(((est.low <= truth) & (truth <= est.high))[ok].sum())
            hits[method]["strata_n"] += int(ok.sum())
            if method == methods[0]:
                errors.append(est.city_rate - city_truth)
                deffs.append(est.city_deff)
                widths.append(est.city_high - est.city_low)
                prior = np.nan_to_num(est.rate, nan=settings.base_rate)
        month = _next_month(month)
    trips_per_stratum = settings.measurement_checks / k
    return {
        "months": months,
        "strata_count": k,
        "measurement_checks_per_month": settings.measurement_checks,
        "checks_per_stratum_mean": round(trips_per_stratum, 2),
        "mechanism": settings.mechanism,
        "intra_trip_correlation": round(1 / (settings.clustering + 1), 3) if settings.mechanism == "beta" else None,
        "design_effect_mean": round(float(np.nanmean(deffs)), 3),
        "city_interval_width_mean": round(float(np.mean(widths)), 5),
        "city_bias_mean": round(float(np.mean(errors)), 6),
        "city_rmse": round(float(math.sqrt(np.mean(np.square(errors)))), 6),
        "by_method": {
            m: {
                "city": round(h["city"] / months, 4),
                "strata": round(h["strata"] / h["strata_n"], 4) if h["strata_n"] else None,
            }
            for m, h in hits.items()
        },
    }


def _repeat_scores(predicted: dict[str, str], truth: dict[str, int]) -> dict[str, Any]:
    pred_count = Counter(predicted.values())
    true_count = Counter(truth.values())
    pred = {n for n, k in predicted.items() if pred_count[k] >= 2}
    true = {n for n, p in truth.items() if true_count[p] >= 2}
    tp = len(pred & true)

    def pairs(groups: dict[str, str] | dict[str, int]) -> set[tuple[str, str]]:
        members: dict[object, list[str]] = {}
        for n, g in groups.items():
            members.setdefault(g, []).append(n)
        out = set()
        for ns in members.values():
            ns.sort()
            out |= {(a, b) for i, a in enumerate(ns) for b in ns[i + 1 :]}
        return out

    p_pairs, t_pairs = pairs(predicted), pairs(truth)
    return {
        "protocols": len(truth),
        "true_repeat_protocols": len(true),
        "flagged_repeat_protocols": len(pred),
        "true_repeat_persons": sum(1 for c in true_count.values() if c >= 2),
        "found_repeat_persons": sum(1 for c in pred_count.values() if c >= 2),
        "precision": round(tp / len(pred), 4) if pred else 1.0,
        "recall": round(tp / len(true), 4) if true else 1.0,
        "pair_precision": round(len(p_pairs & t_pairs) / len(p_pairs), 4) if p_pairs else 1.0,
        "pair_recall": round(len(p_pairs & t_pairs) / len(t_pairs), 4) if t_pairs else 1.0,
    }


def evaluate_folder(data: Path, *, months: int = 200, harsh: bool = True) -> dict[str, Any]:
    from birtizim.fares.importers import import_ridership, read_checks, read_protocols

    manifest_path = data / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{data}: no manifest.json; write the folder with `birtizim fares synth`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    settings = WorldSettings(**manifest["settings"])
    routes = [line.split(",")[0] for line in (data / "routes.csv").read_text(encoding="utf-8").splitlines()[1:]]
    ridership = import_ridership(data / "ridership.csv", routes=routes)
    checks = read_checks(data / "checks.csv")
    protocols = read_protocols(data / "protocols.csv")
    truth_strata = pq.read_table(data / "truth" / "strata.parquet").to_pylist()

    per_month = []
    for month in manifest["months"]:
        est = estimate_month(checks.records, ridership.records, month=month, fare=manifest["fare"])
        rows = [r for r in truth_strata if r["month"] == month]
        true_rate = sum(r["unpaid"] for r in rows) / sum(r["riders"] for r in rows)
        truth_by = {(r["route"], r["band"]): r["rate"] for r in rows}
        covered = [
            s.rate.low <= truth_by[(s.route, s.band)] <= s.rate.high
            for s in est.strata
            if s.rate is not None and truth_by.get((s.route, s.band)) is not None
        ]
        month_checks = [c for c in checks.records if c.month == month]
        # What a count-based view would report: every check, raids included.
        naive = sum(c.unpaid for c in month_checks) / max(sum(c.riders_checked for c in month_checks), 1)
        per_month.append(
            {
                "month": month,
                "rate_true": round(true_rate, 5),
                "rate_estimate": round(est.city.rate, 5),
                "rate_low": round(est.city.low, 5),
                "rate_high": round(est.city.high, 5),
                "covered": est.city.low <= true_rate <= est.city.high,
                "design_effect": None if est.city.deff is None else round(est.city.deff, 3),
                "strata_covered": round(sum(covered) / len(covered), 4) if covered else None,
                "rate_with_raids_included": round(naive, 5),
                "unpaid_riders": round(est.unpaid_riders.estimate),
                "unpaid_riders_true": sum(r["unpaid"] for r in rows),
                "protocols": sum(1 for p in protocols.records if p.month == month),
                "enforcement_checks_left_out": est.enforcement_checks_ignored,
            }
        )

    links = link_protocols(protocols.records)
    truth_protocols = {
        r["number"]: r["person_id"] for r in pq.read_table(data / "truth" / "protocols.parquet").to_pylist()
    }
    repeat = _repeat_scores({link.number: link.person_key for link in links}, truth_protocols)
    repeat["by_method"] = dict(Counter(link.method for link in links))

    coverage = simulate_coverage(settings, seed=manifest["seed"], months=months)
    out: dict[str, Any] = {
        "data": str(data),
        "months": manifest["months"],
        "rate_true": per_month[-1]["rate_true"],
        "rate_estimate": per_month[-1]["rate_estimate"],
        "rate_interval": [per_month[-1]["rate_low"], per_month[-1]["rate_high"]],
        "protocols": per_month[-1]["protocols"],
        "per_month": per_month,
        "ci_coverage": {
            "method": "effective",
            "city": coverage["by_method"]["effective"]["city"],
            "strata": coverage["by_method"]["effective"]["strata"],
            **coverage,
        },
        "repeat_offenders": repeat,
        "rejects": {
            "ridership": len(ridership.rejects),
            "checks": len(checks.rejects),
            "protocols": len(protocols.rejects),
        },
    }
    if harsh:
        for name, world in (("harsh", WorldSettings.harsh()), ("groups", WorldSettings.groups())):
            hard = simulate_coverage(replace(world, routes=settings.routes), seed=manifest["seed"], months=months)
            out[f"ci_coverage_{name}"] = {
                "city": hard["by_method"]["effective"]["city"],
                "strata": hard["by_method"]["effective"]["strata"],
                **hard,
            }
    return out


__all__ = ["evaluate_folder", "simulate_coverage"]
