"""``birtizim synth``, ``reconcile`` and ``eval``: a synthetic region, the single list, and its accuracy."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from birtizim.cli.app import app, compact_table, console, fail, progress_bar

if TYPE_CHECKING:  # the engine is imported inside commands so that `birtizim --help` stays fast
    from birtizim.engine.ingest import Source
    from birtizim.engine.pipeline import Run


@app.command()
def synth(
    region: Annotated[
        str, typer.Option(help="Region layout: almaty-2019, shymkent or kazakhstan-2025.")
    ] = "almaty-2019",
    residents: Annotated[int, typer.Option(min=100, help="Number of living residents.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 1,
    out: Annotated[Path, typer.Option(help="Output folder (sources/, truth/, manifest.json).")] = Path("data/region"),
    as_of: Annotated[str | None, typer.Option(help="Reference date YYYY-MM-DD (default: the region's).")] = None,
    damage: Annotated[
        str, typer.Option(help="standard, or harsh: other residents' IINs, odd spellings and dates (a hostile clerk).")
    ] = "standard",
) -> None:
    """Synthesise a region: agency lists as agencies send them, plus the ground truth."""
    from birtizim.reference import regions
    from birtizim.synth import damage as damage_kinds
    from birtizim.synth import steps, synthesize

    if region not in regions():
        raise typer.BadParameter(
            f"unknown region {region!r}; known: {', '.join(sorted(regions()))}", param_hint="--region"
        )
    try:
        as_of_date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"{as_of!r} is not a date YYYY-MM-DD", param_hint="--as-of") from None
    if damage not in damage_kinds.MODES:
        raise typer.BadParameter(
            f"unknown damage {damage!r}; known: {', '.join(damage_kinds.MODES)}", param_hint="--damage"
        )

    with progress_bar() as bar:
        task = bar.add_task("synthesising", total=steps())

        def progress(step: str, total: int) -> None:
            bar.update(task, advance=1, description=step, total=total)

        summary = synthesize(
            region=region,
            residents=residents,
            seed=seed,
            out=out,
            as_of=as_of_date,
            damage_mode=damage,
            progress=progress,
        )

    table = Table(
        title=f"{summary.region}: {summary.residents:,} residents "
        f"({summary.registry_rows:,} registry rows), as of {summary.as_of}, seed {summary.seed}"
    )
    table.add_column("source")
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("noisy rows (main kinds)")
    for s in summary.sources:
        top = sorted(((v, k) for k, v in {**s.noise, **s.damage}.items() if v), reverse=True)[:4]
        layout = f"{s.encoding}, {s.delimiter!r}" if s.fmt == "csv" else "xlsx"
        table.add_row(s.kind, f"{s.path} ({layout})", f"{s.rows:,}", ", ".join(f"{k} {v:,}" for v, k in top))
    console.print(table)
    statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.status_counts.items()))
    console.print(f"True statuses: {statuses}")
    if summary.damage != "standard":
        hit = sum(sum(s.damage.values()) for s in summary.sources)
        console.print(f"Damage {summary.damage}: {hit:,} damages over the agency lists (truth/rows.parquet, damage_*)")
    console.print(f"Written to {out} in {summary.seconds:.1f} s")


def _sources_from(pairs: list[str], synthetic: Path | None, mapping: Path | None) -> list[Source]:
    from birtizim.engine.ingest import Source
    from birtizim.engine.sources import KINDS, Mapping

    mappings = Mapping.load_all(mapping) if mapping else {}
    found: list[tuple[str, Path]] = []
    if synthetic is not None:
        manifest = synthetic / "manifest.json"
        if not manifest.is_file():
            fail(f"{synthetic}: no manifest.json (is it a folder written by `birtizim synth`?)")
        found += [(s["kind"], synthetic / s["path"]) for s in json.loads(manifest.read_text("utf-8"))["sources"]]
    for pair in pairs:
        kind, sep, path = pair.partition("=")
        if not sep or not path:
            fail(f"--source takes KIND=PATH, got {pair!r}")
        if kind not in KINDS:
            fail(f"--source {pair}: unknown kind {kind!r}; known: {', '.join(KINDS)}")
        found.append((kind, Path(path)))
    if not found:
        fail("no sources: give --source KIND=PATH (one per file) or --synthetic DIR")
    return [Source(kind, path, mappings.get(kind) or mappings.get("*")) for kind, path in found]


@app.command()
def reconcile(
    source: Annotated[list[str] | None, typer.Option(help="KIND=PATH, once per agency file.")] = None,
    synthetic: Annotated[Path | None, typer.Option(help="Take the sources of a `birtizim synth` folder.")] = None,
    mapping: Annotated[Path | None, typer.Option(help="TOML mapping of columns for unknown layouts.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Status date YYYY-MM-DD (default: the region's).")] = None,
    region: Annotated[
        str | None,
        typer.Option(help="A known region (almaty-2019, shymkent, kazakhstan-2025); default: the registry decides."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Run folder to write.")] = Path("data/run"),
    full_iin: Annotated[bool, typer.Option(help="Show full IINs in XLSX exports (masked by default).")] = False,
    memory_limit: Annotated[
        str, typer.Option(help="DuckDB's memory before it spills to disk, e.g. 2GB (the whole process uses more).")
    ] = "2GB",
    identities: Annotated[
        Path | None,
        typer.Option(help="An earlier run's identities.parquet: residents keep their person_id across runs."),
    ] = None,
    decisions: Annotated[
        Path | None,
        typer.Option(help="People's decisions to apply (CSV or Parquet: action, source, fingerprint, person_id, ...)."),
    ] = None,
    outcomes: Annotated[
        Path | None,
        typer.Option(
            help="Officers' recorded outcomes (CSV or Parquet: person_id, iin, result, on_date, category, follow_up, "
            "recorded_at), shown beside the agencies' data."
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of report.xlsx and the work lists: ru, kk or en.")] = "ru",
) -> None:
    """Reconcile agency lists into one list of residents with one OSMS status each."""
    from birtizim.engine.pipeline import STEPS
    from birtizim.engine.pipeline import reconcile as run_reconcile
    from birtizim.engine.sources import SourceError

    try:
        as_of_date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of {as_of!r} is not a date YYYY-MM-DD")
    if lang not in ("ru", "kk", "en"):
        fail(f"--lang {lang!r}: give ru, kk or en")
    if outcomes is not None and not outcomes.is_file():
        fail(f"--outcomes {outcomes}: not found")
    sources = _sources_from(source or [], synthetic, mapping)
    step = "reading"
    try:
        with progress_bar() as bar:
            task = bar.add_task("reconciling", total=len(sources) + len(STEPS))

            def progress(done: str) -> None:
                nonlocal step
                step = done
                bar.update(task, advance=1, description=done)

            run = run_reconcile(
                sources,
                out,
                as_of=as_of_date,
                region=region,
                full_iin=full_iin,
                memory_limit=memory_limit,
                progress=progress,
                identities=identities,
                decisions=decisions,
                outcomes=outcomes,
                lang=lang,
            )
    except SourceError as exc:
        fail(str(exc))
    except Exception as exc:  # every failure becomes one sentence, never a traceback
        fail(_failure(exc, step, out))
    _print_districts(run)


def _failure(exc: Exception, step: str, out: Path) -> str:
    """One sentence for an engine failure: where it happened and what to do, without a traceback."""
    import duckdb

    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    after = f"after step '{step}'" if step != "reading" else "while reading"
    if isinstance(exc, duckdb.OutOfMemoryException | MemoryError):
        return f"the run ran out of memory {after}; give it more with --memory-limit (now a DuckDB limit)"
    if isinstance(exc, OSError | duckdb.IOException):
        return f"cannot read or write a file {after} ({first_line}); check the paths and the space left in {out}"
    return f"the run stopped {after}: {type(exc).__name__}: {first_line}"


def _print_districts(run: Run) -> None:
    table = compact_table(f"{run.region or 'districts as written'}: status as of {run.as_of}, ranked by actualisation")
    # Place names may come from the registry as written: shown as text, never as rich markup.
    names = {code: escape(name) for code, name in run.district_names.items()}
    shown = [names.get(d.district, escape(d.district)) for d in run.districts]
    for col in ("#", "district", "residents", "state", "contrib", "lapsed", "undeterm", "actual"):
        if col == "district":  # names must stay whole; the numbers can wrap their headers instead
            table.add_column(col, no_wrap=True, min_width=min(40, max(map(len, shown), default=8)))
        else:
            table.add_column(col, justify="right")
    for d in run.districts:
        table.add_row(
            str(d.rank),
            names.get(d.district, escape(d.district)),
            f"{d.residents:,}",
            f"{d.state:,}",
            f"{d.contributor:,}",
            f"{d.lapsed:,}",
            f"{d.undetermined:,}",
            f"{d.actualisation:.1%}",
        )
    console.print(table)
    if run.districts:
        best, worst = run.districts[0], run.districts[-1]
        console.print(
            f"Best: {names.get(best.district, escape(best.district))} {best.actualisation:.1%}; "
            f"worst: {names.get(worst.district, escape(worst.district))} {worst.actualisation:.1%}"
        )
    rows = sum(i.rows_in for i in run.ingested)
    rejected = sum(i.rejected for i in run.ingested)
    console.print(
        f"{rows:,} rows read from {len(run.ingested)} files, {rejected:,} rejected; "
        f"run written to {run.folder} in {run.seconds:.1f} s"
    )
    linking = run.linking
    console.print(
        f"Review band: {run.review:,} rows await a person's decision (review.parquet); "
        f"{linking.disputed_iins:,} rows carry a resident's IIN whose names or birth date differ: "
        f"{linking.iin_holders_kept:,} kept with that resident, {linking.linked_to_another_resident:,} linked "
        "by names to another resident (conflict iin_of_another_resident)"
    )
    known = run.identities
    console.print(
        f"Identities: {known.get('read', 0):,} read, {known.get('new', 0):,} new (identities.parquet: give it to the "
        "next run with --identities so that residents keep their person_id)"
    )
    told = run.decisions
    if told.given:
        console.print(
            f"Decisions: {told.given:,} given, {told.applied:,} applied; not applied: {told.row_absent:,} rows "
            f"no longer in the lists, {told.person_gone:,} residents gone, {told.person_changed:,} residents whose "
            f"record changed, {told.contradictory:,} contradictory; merges {told.merges_applied:,} applied, "
            f"{told.merges_stale:,} not"
        )
    for warning in run.warnings:
        console.print(f"[yellow]Warning:[/yellow] {escape(warning)}", highlight=False)


@app.command("eval")
def evaluate(
    run: Annotated[Path, typer.Option(help="A run folder written by `birtizim reconcile`.")],
    truth: Annotated[Path | None, typer.Option(help="The truth/ folder of the synthetic region.")] = None,
    decisions: Annotated[
        Path | None,
        typer.Option(help="People's decisions (CSV or Parquet) to measure the run against, as ground truth."),
    ] = None,
) -> None:
    """A run against synthetic ground truth (link precision/recall/F1, status accuracy) and/or against
    people's decisions (how often the engine agreed with them), as JSON."""
    from birtizim.engine.sources import SourceError
    from birtizim.eval import evaluate as run_eval
    from birtizim.eval.decisions import agreement

    if truth is None and decisions is None:
        fail("give --truth DIR (a synthetic region's truth/), --decisions FILE (people's decisions), or both")
    needed = [run / "links.parquet"] + ([truth / "rows.parquet"] if truth else []) + ([decisions] if decisions else [])
    for path in needed:
        if not path.is_file():
            fail(f"{path}: not found")
    if decisions is not None and not (run / "run.duckdb").is_file():
        fail(f"{run / 'run.duckdb'}: not found")
    result: dict[str, object] = run_eval(run, truth) if truth else {}
    if decisions is not None or truth is None:
        try:
            result["decisions"] = agreement(run, decisions)
        except SourceError as exc:
            fail(str(exc))
    print(json.dumps(result, ensure_ascii=False, indent=2))
