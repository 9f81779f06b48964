"""The ``birtizim`` command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    help="Birtizim: one list and one set of numbers for a region's social programmes.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


@app.callback()
def main() -> None:
    """Birtizim command line."""


@app.command()
def synth(
    region: Annotated[str, typer.Option(help="Region layout: almaty-2019 or shymkent.")] = "almaty-2019",
    residents: Annotated[int, typer.Option(min=100, help="Number of living residents.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 1,
    out: Annotated[Path, typer.Option(help="Output folder (sources/, truth/, manifest.json).")] = Path("data/region"),
    as_of: Annotated[str | None, typer.Option(help="Reference date YYYY-MM-DD (default: the region's).")] = None,
) -> None:
    """Synthesise a region: agency lists as agencies send them, plus the ground truth."""
    from birtizim.reference import regions
    from birtizim.synth import steps, synthesize

    if region not in regions():
        raise typer.BadParameter(
            f"unknown region {region!r}; known: {', '.join(sorted(regions()))}", param_hint="--region"
        )
    try:
        as_of_date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"{as_of!r} is not a date YYYY-MM-DD", param_hint="--as-of") from None

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("synthesising", total=steps())

        def progress(step: str, total: int) -> None:
            bar.update(task, advance=1, description=step, total=total)

        summary = synthesize(
            region=region, residents=residents, seed=seed, out=out, as_of=as_of_date, progress=progress
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
        top = sorted(((v, k) for k, v in s.noise.items() if v), reverse=True)[:4]
        layout = f"{s.encoding}, {s.delimiter!r}" if s.fmt == "csv" else "xlsx"
        table.add_row(s.kind, f"{s.path} ({layout})", f"{s.rows:,}", ", ".join(f"{k} {v:,}" for v, k in top))
    console.print(table)
    statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.status_counts.items()))
    console.print(f"True statuses: {statuses}")
    console.print(f"Written to {out} in {summary.seconds:.1f} s")


if __name__ == "__main__":  # pragma: no cover
    app()
