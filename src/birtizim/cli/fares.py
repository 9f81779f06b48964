"""``birtizim fares``: the synthetic city with ground truth, and the estimator's scores on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from birtizim.cli.app import console, fail, part

app = part("Fare inspection: a synthetic Shymkent-like city, and the evasion estimate scored against its truth.")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write the network, ridership, plans, checks and protocols to.")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 1,
    month: Annotated[str, typer.Option(help="The last (demo) month, YYYY-MM.")] = "2026-06",
    months: Annotated[int, typer.Option(min=1, max=24, help="Months to write, ending with --month.")] = 3,
    protocols: Annotated[
        int, typer.Option(help="Protocols in the demo month (the news story's 983); 0 for an ordinary month.")
    ] = 983,
    harsh: Annotated[bool, typer.Option(help="The harsher world: strong clustering, few checks per stratum.")] = False,
) -> None:
    """Write a few months of the synthetic city, the last one with exactly --protocols protocols."""
    from birtizim.synth.fares.city import WorldSettings
    from birtizim.synth.fares.world import synthesize
    from birtizim.tables.months import check_month

    try:
        check_month(month)
        summary = synthesize(
            out,
            seed=seed,
            last_month=month,
            months=months,
            settings=WorldSettings.harsh() if harsh else WorldSettings(),
            demo_protocols=protocols or None,
        )
    except (ValueError, RuntimeError) as exc:
        fail(str(exc))
    for name, rows in summary.rows.items():
        console.print(f"{name:<15} {rows:>8,} rows", highlight=False)
    if summary.demo:
        d = summary.demo
        console.print(
            f"{d['month']}: {d['protocols']} protocols ({d['protocols_from_measurement_checks']} from measurement "
            f"checks, the rest from {d['raids_carried_out']} of {d['raids_planned']} planned raids; "
            f"attempt {d['attempt']})",
            highlight=False,
        )
    console.print(f"Written to {out} in {summary.seconds:.1f} s", highlight=False)


@app.command("eval")
def evaluate(
    data: Annotated[Path, typer.Option(help="A folder written by `birtizim fares synth`.")],
    months: Annotated[int, typer.Option(min=1, help="Simulated months for interval coverage.")] = 200,
    harsh: Annotated[
        bool, typer.Option(help="Also measure coverage in the harsher world and the world of evader groups.")
    ] = True,
) -> None:
    """Print JSON: true and estimated rate, interval coverage over simulated months, repeat-offender scores."""
    from birtizim.eval.fares import evaluate_folder
    from birtizim.fares.reading import FaresImportError

    try:
        scores = evaluate_folder(data, months=months, harsh=harsh)
    except (FileNotFoundError, FaresImportError) as exc:
        fail(str(exc))
    print(json.dumps(scores, ensure_ascii=False, indent=2))
