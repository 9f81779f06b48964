"""Synthetic regions with ground truth: residents, agency lists with known noise, true statuses.

``synthesize`` writes ``OUT/sources/`` (one file per agency, as agencies send them),
``OUT/truth/`` (Parquet: persons with their true status, rows with their true person and noise) and
``OUT/manifest.json`` (what was generated, with which settings and where each file is).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from birtizim.reference import District
from birtizim.reference import region as get_region
from birtizim.synth import agencies, contacts, damage, forms, population, writers

Progress = Callable[[str, int], None]  # (description of the step just done, total steps)

OUTSIDER_SHARE = 0.005  # people absent from the registry who may appear in agency lists


@dataclass(frozen=True)
class SourceSummary:
    kind: str
    path: str
    fmt: str
    encoding: str
    delimiter: str
    rows: int
    noise: dict[str, int]
    damage: dict[str, int] = field(default_factory=dict)  # harsh damage: rows hit by each kind


@dataclass(frozen=True)
class Summary:
    region: str
    residents: int
    registry_rows: int
    seed: int
    as_of: str
    seconds: float
    status_counts: dict[str, int]
    sources: list[SourceSummary]
    damage: str = "standard"


def steps() -> int:
    """Number of progress steps ``synthesize`` reports."""
    return 2 + len(agencies.SOURCES) + 1


def synthesize(
    *,
    region: str,
    residents: int,
    seed: int,
    out: Path,
    as_of: dt.date | None = None,
    damage_mode: str = "standard",
    progress: Progress | None = None,
) -> Summary:
    """``damage_mode`` "harsh" adds the hostile clerk's damage of ``synth.damage`` to every agency list
    (from a generator of its own: the standard rows of a seed are the same in both modes)."""
    started = time.perf_counter()
    reg = get_region(region)
    as_of = as_of or reg.default_as_of
    if residents < 100:
        raise ValueError("a synthetic region needs at least 100 residents")
    if damage_mode not in damage.MODES:
        raise ValueError(f"unknown damage mode {damage_mode!r}; known: {', '.join(damage.MODES)}")
    rng = np.random.default_rng(seed)
    damage_rng = np.random.default_rng([seed, damage.SEED_SALT]) if damage_mode == "harsh" else None
    contacts_rng = np.random.default_rng([seed, contacts.SEED_SALT])
    report = progress or (lambda _step, _total: None)
    total = steps()

    name_forms = forms.build()
    pop = population.draw_population(reg, residents, as_of, name_forms, rng)
    n_out = max(10, round(residents * OUTSIDER_SHARE))
    ages = rng.integers(18, 80, n_out)
    outsiders = population.draw_people(n_out, ages, reg, as_of, name_forms, rng, taken_iins=pop.iin)
    report("residents", total)

    src_dir, truth_dir = out / "sources", out / "truth"
    src_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    _write_persons(pop, reg.districts, name_forms, truth_dir / "persons.parquet")
    report("truth: persons", total)

    truths: list[pa.Table] = []
    summaries: list[SourceSummary] = []
    for spec in agencies.SOURCES:
        rows = agencies.build_rows(spec, pop, outsiders, reg, name_forms, rng, damage_rng, contacts_rng)
        path = writers.write(rows, src_dir)
        truths.append(rows.truth)
        summaries.append(
            SourceSummary(
                kind=spec.kind,
                path=str(path.relative_to(out)),
                fmt=spec.fmt,
                encoding=spec.encoding,
                delimiter=spec.delimiter,
                rows=rows.truth.num_rows,
                noise={k: int(pc.sum(rows.truth[f"noise_{k}"]).as_py() or 0) for k in agencies.NOISE_KINDS},
                damage={
                    k: int(pc.sum(rows.truth[f"damage_{k}"]).as_py() or 0)
                    for k in damage.KIND_NAMES
                    if f"damage_{k}" in rows.truth.column_names
                },
            )
        )
        report(f"source: {spec.kind}", total)

    pq.write_table(pa.concat_tables(truths, promote_options="default"), truth_dir / "rows.parquet")
    status_values, status_n = np.unique(pop.status.astype(str), return_counts=True)
    summary = Summary(
        region=region,
        residents=residents,
        registry_rows=len(pop),
        seed=seed,
        as_of=as_of.isoformat(),
        seconds=round(time.perf_counter() - started, 2),
        status_counts={str(k): int(v) for k, v in zip(status_values, status_n, strict=True)},
        sources=summaries,
        damage=damage_mode,
    )
    manifest = {**asdict(summary), "noise_rates": {s.kind: asdict(s.noise) for s in agencies.SOURCES}}
    if damage_mode == "harsh":
        manifest["damage_rates"] = {k.name: k.rate for k in damage.KINDS}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    report("manifest", total)
    return summary


def _write_persons(
    pop: population.Population,
    districts: tuple[District, ...],
    name_forms: forms.NameForms,
    path: Path,
) -> None:
    canonical = 0
    patronymic = np.where(
        pop.patronymic_form >= 0, name_forms.patronymic[canonical, np.maximum(pop.patronymic_form, 0)], None
    )
    contributor = np.array(population.CONTRIBUTOR_CODES, dtype=object)[pop.contributor_type]
    table = pa.table(
        {
            "person_id": pop.person_id,
            "iin": pc.utf8_lpad(pc.cast(pa.array(pop.iin), pa.string()), 12, "0"),
            "last_name": pa.array(name_forms.surname[canonical, pop.surname_form], pa.string()),
            "first_name": pa.array(name_forms.first[canonical, pop.first_form], pa.string()),
            "patronymic": pa.array(patronymic, pa.string()),
            "birth_date": pa.array(pop.birth_date.astype("datetime64[D]")),
            "sex": pa.array(np.where(pop.female, "F", "M")),
            "district": pa.array(np.array([d.code for d in districts], dtype=object)[pop.district], pa.string()),
            "registry_status": pa.array(
                np.array(["resident", "deceased", "emigrated"], dtype=object)[pop.registry_status], pa.string()
            ),
            "status": pa.array(pop.status, pa.string()),
            "category": pa.array(pop.category, pa.string()),
            "contributor_type": pa.array(contributor, pa.string()),
            "months_since_payment": pa.array(pop.months_since_payment, mask=pop.months_since_payment < 0),
            "months_paid_60": pop.months_paid_60,
            "conflict": pa.array(pop.conflict, pa.string()),
            **{f"situation_{k}": pa.array(v) for k, v in pop.situation.items()},
        }
    )
    pq.write_table(table, path)
