"""``birtizim projects demo``: the demo portfolio's forecasts, worst first, without the web."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from birtizim.cli.app import part

if TYPE_CHECKING:  # the core is imported inside the command so that `birtizim --help` stays fast
    from birtizim.projects import Forecast

app = part("Construction deadlines: the demo portfolio's forecasts.")


def forecast_table(forecasts: Sequence[Forecast]) -> str:
    """A plain-text table: object, SPI(t), P(on time), P80 date, RAG and the reason."""
    from birtizim.projects import chance

    rows = [("object", "SPI(t)", "P(on time)", "P80", "deadline", "RAG", "reason")]
    for f in forecasts:
        spi_t = "-" if f.earned.spi_t is None else f"{f.earned.spi_t:.2f}"
        rows.append(
            (
                f.project.name,
                spi_t,
                chance(f.simulation.p_on_time, f.simulation.trials),
                f.simulation.p80.isoformat(),
                f.project.deadline.isoformat(),
                f.risk.rag.value,
                f.risk.reason,
            )
        )
    widths = [max(len(r[k]) for r in rows) for k in range(6)]
    return "\n".join("  ".join(cell.ljust(widths[k]) for k, cell in enumerate(r[:6])) + "  " + r[6] for r in rows)


@app.command()
def demo(
    trials: Annotated[int, typer.Option(min=100, help="Monte Carlo trials per object.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed of the simulation.")] = 0,
) -> None:
    """Print the demo portfolio's forecasts as of its date, worst first."""
    from birtizim.synth.projects import demo_forecasts, demo_portfolio

    portfolio = demo_portfolio()
    # Plain print, as the table is laid out by hand: no markup, no wrapping of the reasons.
    print(f"Demo portfolio as of {portfolio.as_of.isoformat()}, worst first\n")
    print(forecast_table(demo_forecasts(portfolio, trials=trials, seed=seed)))
