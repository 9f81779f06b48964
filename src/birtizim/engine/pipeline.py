"""reconcile(sources) -> a run folder: run.duckdb, Parquet tables, report.xlsx and district work lists."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from birtizim.engine import decisions as decision_table
from birtizim.engine import export, identity, iin, ingest, link, names, persist, plan, publication, report, status
from birtizim.engine.ingest import Ingested, Source
from birtizim.tables import places

Progress = Callable[[str], None]
STEPS = ("read", "link", "status", "report", "export")
# DuckDB's own budget, not the process's: Python, Splink and Arrow add about 0.5 GB. At 2,059,200
# residents 2GB costs no time (spilling is rare and sequential) and keeps the process near 2.5 GB
# where no limit let DuckDB grow past 4 GB (measured in docs/benchmarks.md).
DEFAULT_MEMORY_LIMIT = "2GB"
# DuckDB's checkpoint threshold, never reached (see reconcile)
NO_CHECKPOINT = "1000TB"


@dataclass
class Run:
    folder: Path
    region: str  # a code of birtizim.reference, or "" when the districts are the registry's own
    as_of: dt.date
    seconds: float
    ingested: list[Ingested]
    districts: list[report.DistrictRow]
    timings: dict[str, float] = field(default_factory=dict)
    linking: link.Linking = field(default_factory=link.Linking)

    @property
    def review(self) -> int:
        """Rows in the review band: linked to no one until a person decides."""
        return self.linking.review

    warnings: list[str] = field(default_factory=list)  # worth a person's attention; the run still stands
    district_names: dict[str, str] = field(default_factory=dict)  # code -> English name (or as written)
    decisions: decision_table.Applied = field(default_factory=decision_table.Applied)
    identities: dict[str, int] = field(default_factory=dict)  # "read": from the table given, "new": given now


def reconcile(
    sources: list[Source],
    out: Path,
    *,
    as_of: dt.date | None = None,
    region: str | None = None,
    full_iin: bool = False,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    progress: Progress | None = None,
    identities: Path | None = None,
    decisions: Path | None = None,
    outcomes: Path | None = None,
    lang: str = "ru",
) -> Run:
    """Read ``sources``, link, decide statuses and write the run folder ``out``.

    ``identities``: the identity table of an earlier run (its ``identities.parquet``), so that residents
    keep their ids; without it ids are given afresh (in the order of the keys, so the same files give the
    same ids). ``decisions``: people's decisions to apply (``decisions.py``: a Parquet or CSV table).
    ``outcomes``: the officers' recorded outcomes (``plan.py``: CSV or Parquet), evidence beside the
    agencies'. ``lang``: the language of report.xlsx and the work lists (ru, kk or en).
    """
    started = time.perf_counter()
    say = progress or (lambda _step: None)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "run.duckdb"
    db.unlink(missing_ok=True)
    # The work happens in memory (a file-backed database writes every intermediate table to disk,
    # which made some steps twice as slow); spill files go next to the run if memory runs short.
    # The finished tables are copied into run.duckdb at the end (persist.py).
    # No checkpoints: DuckDB checkpoints an in-memory database too, every 16 MiB of changes, and
    # compresses its tables as it does, a cost paid again and again on tables the run soon replaces
    # (1.5 s of reading a 2,059,200-resident region). The copy into run.duckdb compresses once.
    con = duckdb.connect(
        config={
            "temp_directory": str(out / ".spill"),
            "memory_limit": memory_limit,
            "checkpoint_threshold": NO_CHECKPOINT,
        }
    )
    timings: dict[str, float] = {}

    def timed(step: str, t0: float) -> float:
        now = time.perf_counter()
        timings[step] = round(now - t0, 2)
        say(step)
        return now

    try:
        iin.install_sql(con)
        names.install_sql(con)
        known = identity.load(con, identities)
        decision_table.load(con, decisions)
        plan.load_outcomes(con, outcomes)
        t = time.perf_counter()
        reading = ingest.read(con, sources, region=region, as_of=as_of, progress=say)
        chosen, as_of, ingested = reading.region, reading.as_of, reading.ingested
        # while the files are at hand: two kinds given the same bytes, a file with another kind's columns
        checks = publication.file_checks(ingested)
        # Each with its code and figures (a page says it in the reader's language), its English as the text.
        reading.warnings.extend(ingest.Notice(w.code, publication.describe(w), check=asdict(w)) for w in checks)
        t = timed("read", t)
        linking = link.link_all(con, as_of)
        applied = decision_table.summary(con)
        t = timed("link", t)
        status.decide(con, as_of)
        # the day's plan: outcomes weighed as evidence, rows no call can fix set apart, the work list
        plan.weigh_outcomes(con)
        plan.split_data_quality(con)
        plan.build_worklist(con, as_of)
        t = timed("status", t)
        report.build(con, chosen, ingested)
        t = timed("report", t)
        export.write_parquet(con, out)
        identity.write(con, out)
        export.write_report(con, out / "report.xlsx", full_iin=full_iin, lang=lang)
        export.write_worklists(con, out / "worklists", full_iin=full_iin, lang=lang)
        t = timed("export", t)
        run_file = persist.RunFile(con, db)
        try:
            run_file.copy()
            # not a progress step (the pages name those): the copy into run.duckdb, in run.json's timings
            timings["persist"] = round(time.perf_counter() - t, 2)
            run = Run(
                folder=out,
                region=chosen.code,
                as_of=as_of,
                seconds=round(time.perf_counter() - started, 2),
                ingested=ingested,
                districts=report.districts(con),
                timings=timings,
                linking=linking,
                warnings=reading.warnings,
                district_names={d.code: d.name_en for d in (*chosen.districts, places.UNPLACED)},
                decisions=applied,
                identities=_identity_counts(con, known),
            )
            meta = {
                "region": run.region,
                "region_name": chosen.name_en,
                "as_of": as_of.isoformat(),
                "seconds": run.seconds,
                "timings": timings,
                "linking": asdict(linking),
                "decisions": asdict(applied),
                "file_checks": [asdict(w) for w in checks],
                "identities": run.identities,
                "warnings": run.warnings,
                "sources": [{**asdict(i), "path": str(i.path)} for i in ingested],
            }
            run_file.finish(json.dumps(meta, ensure_ascii=False))
        except BaseException:
            run_file.abandon()
            raise
        (out / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        return run
    finally:
        con.close()
        shutil.rmtree(out / ".spill", ignore_errors=True)


def _identity_counts(con: duckdb.DuckDBPyConnection, known: int) -> dict[str, int]:
    total = con.execute("SELECT count(*) FROM identities").fetchone()
    return {"read": known, "new": (int(total[0]) if total else 0) - known}
