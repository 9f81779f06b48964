"""The root ``birtizim`` command and what every sub-command shares: the console, errors, progress bars.

Each module of this package adds the commands of one part of the product (``region``: synth,
reconcile and eval of the single list; ``vouchers``; ``outreach``). Domain code is imported inside
the commands so that ``birtizim --help`` stays fast.
"""

from __future__ import annotations

from typing import NoReturn

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    help="Birtizim: one list and one set of numbers for a region's social programmes.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


def part(help_text: str) -> typer.Typer:
    """The sub-command of one part of the product (``birtizim vouchers ...``), shaped like the root."""
    return typer.Typer(help=help_text, no_args_is_help=True, add_completion=False)


@app.callback()
def main() -> None:
    """Birtizim command line."""


def fail(message: str) -> NoReturn:
    """One sentence on the console and exit code 2: a command's errors never end in a traceback."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    )


def compact_table(title: str) -> Table:
    """The command line's compact table: it fits 80 columns without wrapping names or numbers."""
    return Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1), collapse_padding=True, pad_edge=False)
