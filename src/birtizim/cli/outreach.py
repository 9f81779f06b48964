"""``birtizim outreach flags``: the red flags raised on the demo outreach data, without the web.

With ``--template PATH`` it also writes the outreach-log workbook filled with the demo's events,
the file to try the importer on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from birtizim.cli.app import console, fail, part

app = part("Outreach and plausibility: the demo's red flags, and an outreach-log workbook to import.")


@app.command()
def flags(
    seed: Annotated[int, typer.Option(help="Random seed of the demo data.")] = 1,
    run: Annotated[Path | None, typer.Option(help="Take the district figures from this reconcile run.")] = None,
    template: Annotated[Path | None, typer.Option(help="Also write the demo outreach log as XLSX here.")] = None,
    language: Annotated[str, typer.Option(help="The language of the sentences: ru, kk or en.")] = "en",
) -> None:
    """Print every flag the plausibility rules raise on the demo data, one line each."""
    from birtizim.outreach.flags import evaluate_all
    from birtizim.outreach.importer import write_events_template
    from birtizim.outreach.messages import LANGUAGES
    from birtizim.outreach.run_figures import load_figures
    from birtizim.synth.outreach import AS_OF, build_demo

    if language not in LANGUAGES:
        fail(f"--language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    try:
        figures = load_figures(run) if run else None
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    data = build_demo(seed, figures=figures)
    raised = evaluate_all(data, as_of=AS_OF, language=language)
    for flag in raised:
        console.print(
            f"{flag.severity:<6} {flag.code:<28} {flag.district:<15} {flag.period}  {flag.explanation}",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"{len(raised)} flags")
    if template:
        console.print(f"written {write_events_template(template, data.events)}")
