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
from birtizim.synth import agencies, chunks, contacts, damage, forms, population, writers

Progress = Callable[[str, int], None]  # (description of the step just done, total steps)

OUTSIDER_SHARE = 0.005  # people absent from the registry who may appear in agency lists
# The generator's edition, written in the manifest: a region an earlier edition drew (the same seed gives
# other files) is drawn again by whoever keeps regions to reuse (the bench). 2: surnames as often as the
# country's (``namepools.SURNAME_COUNTS_2014``) from a pool of about 1,900 instead of 73.
GENERATOR = 2


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
    generator: int = GENERATOR


def steps() -> int:
    """Number of progress steps ``synthesize`` reports for a region of one chunk (a region of several
    reports all but the manifest's once per chunk, with the total it reports)."""
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
    chunk_residents: int | None = None,
) -> Summary:
    """``damage_mode`` "harsh" adds the hostile clerk's damage of ``synth.damage`` to every agency list
    (from a generator of its own: the standard rows of a seed are the same in both modes).

    The population is drawn a chunk of districts at a time (``synth.chunks``: at most
    ``chunk_residents`` residents, ``CHUNK_RESIDENTS`` by default), each chunk's rows appended to the
    same files and freed before the next, so memory follows the chunk rather than the region."""
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
    plan = chunks.plan(reg, residents, chunk_residents or chunks.chunk_residents())
    total = (steps() - 1) * len(plan) + 1

    name_forms = forms.build()
    src_dir, truth_dir = out / "sources", out / "truth"
    src_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    files = [writers.SourceFile(spec, src_dir) for spec in agencies.SOURCES]
    persons_out = _ParquetAppender(truth_dir / "persons.parquet")
    rows_out = _ParquetAppender(truth_dir / "rows.parquet")
    totals = _Totals()
    # Every IIN drawn so far, sorted: a later chunk's residents and outsiders draw none of them.
    taken = np.zeros(0, np.int64)
    try:
        for number, chunk in enumerate(plan, start=1):
            where = f" ({number}/{len(plan)})" if len(plan) > 1 else ""
            pop = population.draw_population(
                chunk.region, chunk.residents, as_of, name_forms, rng,
                first_person_id=totals.registry_rows + 1, taken_iins=taken,
            )  # fmt: skip
            n_out = max(10, round(chunk.residents * OUTSIDER_SHARE))
            ages = rng.integers(18, 80, n_out)
            outsiders = population.draw_people(
                n_out, ages, chunk.region, as_of, name_forms, rng,
                taken_iins=np.concatenate([taken, pop.iin]) if len(taken) else pop.iin,
            )  # fmt: skip
            # drawn among the chunk's districts: from here on, indices into the whole region's
            pop.district += chunk.first_district
            outsiders["district"] += chunk.first_district
            report("residents" + where, total)
            persons_out.append(_persons_table(pop, reg.districts, name_forms))
            report("truth: persons" + where, total)

            truths: list[pa.Table] = []
            for spec, file in zip(agencies.SOURCES, files, strict=True):
                rows = agencies.build_rows(
                    spec, pop, outsiders, reg, name_forms, rng, damage_rng, contacts_rng, first_row=file.rows + 2
                )
                file.append(rows)
                truths.append(rows.truth)
                totals.add_rows(spec.kind, rows.truth)
                del rows
                report(f"source: {spec.kind}" + where, total)
            rows_out.append(pa.concat_tables(truths, promote_options="default"))
            del truths

            totals.add_people(pop)
            if number < len(plan):
                # sorted runs (timsort merges them): the taken IINs, the chunk's, its outsiders'
                drawn = [taken, np.sort(pop.iin), np.sort(outsiders["iin"])]
                taken = np.sort(np.concatenate(drawn), kind="stable")
                del drawn
            # the chunk's people go before the next chunk is drawn: memory holds one chunk
            del pop, outsiders
    finally:
        for file in files:
            file.close()
        persons_out.close()
        rows_out.close()

    summaries = [
        SourceSummary(
            kind=spec.kind,
            path=str(file.path.relative_to(out)),
            fmt=spec.fmt,
            encoding=spec.encoding,
            delimiter=spec.delimiter,
            rows=file.rows,
            noise=totals.noise.get(spec.kind, dict.fromkeys(agencies.NOISE_KINDS, 0)),
            damage=totals.damage.get(spec.kind, {}),
        )
        for spec, file in zip(agencies.SOURCES, files, strict=True)
    ]
    summary = Summary(
        region=region,
        residents=residents,
        registry_rows=totals.registry_rows,
        seed=seed,
        as_of=as_of.isoformat(),
        seconds=round(time.perf_counter() - started, 2),
        status_counts=dict(sorted(totals.status.items())),
        sources=summaries,
        damage=damage_mode,
    )
    manifest = {**asdict(summary), "noise_rates": {s.kind: asdict(s.noise) for s in agencies.SOURCES}}
    if damage_mode == "harsh":
        manifest["damage_rates"] = {k.name: k.rate for k in damage.KINDS}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    report("manifest", total)
    return summary


@dataclass
class _Totals:
    """What the manifest counts, summed over the chunks."""

    registry_rows: int = 0
    status: dict[str, int] = field(default_factory=dict)
    noise: dict[str, dict[str, int]] = field(default_factory=dict)  # source kind -> noise kind -> rows
    damage: dict[str, dict[str, int]] = field(default_factory=dict)  # only the kinds the rows carry

    def add_people(self, pop: population.Population) -> None:
        self.registry_rows += len(pop)
        values, counts = np.unique(pop.status.astype(str), return_counts=True)
        for k, v in zip(values, counts, strict=True):
            self.status[str(k)] = self.status.get(str(k), 0) + int(v)

    def add_rows(self, kind: str, truth: pa.Table) -> None:
        noise = self.noise.setdefault(kind, dict.fromkeys(agencies.NOISE_KINDS, 0))
        for k in agencies.NOISE_KINDS:
            noise[k] += int(pc.sum(truth[f"noise_{k}"]).as_py() or 0)
        hits = self.damage.setdefault(kind, {})
        for k in damage.KIND_NAMES:
            if f"damage_{k}" in truth.column_names:
                hits[k] = hits.get(k, 0) + int(pc.sum(truth[f"damage_{k}"]).as_py() or 0)


class _ParquetAppender:
    """One Parquet file written a chunk at a time, with the first chunk's schema (one chunk writes the
    file ``pq.write_table`` would)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: pq.ParquetWriter | None = None

    def append(self, table: pa.Table) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, table.schema)
        self._writer.write_table(table.cast(self._writer.schema))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _persons_table(
    pop: population.Population,
    districts: tuple[District, ...],
    name_forms: forms.NameForms,
) -> pa.Table:
    canonical = 0
    patronymic = np.where(
        pop.patronymic_form >= 0, name_forms.patronymic[canonical, np.maximum(pop.patronymic_form, 0)], None
    )
    contributor = np.array(population.CONTRIBUTOR_CODES, dtype=object)[pop.contributor_type]
    return pa.table(
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
