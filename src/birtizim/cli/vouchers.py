"""``birtizim vouchers``: a synthetic voucher world and the flags' precision/recall on it."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from birtizim.cli.app import compact_table, console, fail, part

app = part("Vouchers for children's clubs: synthetic data with ghost patterns, and the fraud flags' scores.")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write the voucher tables and truth.parquet to.")],
    run: Annotated[Path | None, typer.Option(help="A run folder: children come from its persons.parquet.")] = None,
    region_dir: Annotated[
        Path | None, typer.Option(help="Or a `birtizim synth` folder: children come from truth/persons.parquet.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 1,
    months: Annotated[int, typer.Option(min=1, max=12, help="Months of sessions before the list's date.")] = 3,
) -> None:
    """Draw providers, groups, enrolments, sessions and marks from a region's children, with ghosts."""
    # imported here so that `birtizim --help` does not load the generator
    from birtizim.synth.vouchers import synthesize

    if (run is None) == (region_dir is None):
        fail("give either --run RUN or --region-dir DIR")
    try:
        summary = synthesize(out=out, run=run, region_dir=region_dir, seed=seed, months=months)
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    table = Table(title=f"Voucher world {summary.period_start} to {summary.period_end}, seed {summary.seed}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    injected = ", ".join(f"{k} {v}" for k, v in summary.truth.items())
    console.print(f"Injected ghosts: {injected}")
    console.print(f"Written to {out} in {summary.seconds:.1f} s")


@app.command("eval")
def evaluate(
    data: Annotated[Path, typer.Option(help="A folder written by `birtizim vouchers synth`.")],
) -> None:
    """Run every flag and print precision/recall per flag against the injected truth (table, then JSON)."""
    from birtizim.eval.vouchers import evaluate_folder

    try:
        scores = evaluate_folder(data)
    except FileNotFoundError as exc:
        fail(str(exc))

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.1%}"

    table = compact_table(f"Flags against injected truth: {data}")
    for col in ("flag", "entity", "truth", "flagged", "hits", "precision", "recall"):
        table.add_column(col, no_wrap=True, justify="left" if col in ("flag", "entity") else "right")
    for s in scores:
        table.add_row(
            s.flag, s.entity_kind, str(s.truth), str(s.flagged), str(s.true_positives), pct(s.precision), pct(s.recall)
        )
    console.print(table)
    print(json.dumps([asdict(s) for s in scores], ensure_ascii=False, indent=2))
