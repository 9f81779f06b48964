"""Print the flags raised on the demo data: ``python -m birtizim.outreach [--run RUN] [--seed N] [--language ru]``.

With ``--template PATH`` it also writes the outreach-log workbook filled with the demo's events,
the file to try the importer on.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from birtizim.outreach.demo import AS_OF, build_demo
from birtizim.outreach.figures import load_figures
from birtizim.outreach.flags import evaluate_all
from birtizim.outreach.importer import write_events_template
from birtizim.outreach.messages import LANGUAGES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m birtizim.outreach", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run", type=Path, help="take the district figures from this reconcile run")
    parser.add_argument("--template", type=Path, help="also write the demo outreach log as XLSX here")
    parser.add_argument("--language", choices=LANGUAGES, default="en", help="the language of the sentences")
    args = parser.parse_args(argv)
    data = build_demo(args.seed, figures=load_figures(args.run) if args.run else None)
    flags = evaluate_all(data, as_of=AS_OF, language=args.language)
    for flag in flags:
        print(f"{flag.severity:<6} {flag.code:<28} {flag.district:<15} {flag.period}  {flag.explanation}")
    print(f"{len(flags)} flags")
    if args.template:
        print(f"written {write_events_template(args.template, data.events)}")


if __name__ == "__main__":
    main()
