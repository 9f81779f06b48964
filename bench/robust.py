"""``python -m bench.robust``: linking on lists the engine was not tuned to, one Markdown page.

- **Adversarial regions**: ``birtizim synth --damage harsh`` at each scale, beside the standard region
  of the same seed (precision on clean lists): link precision, recall and F1, the review band, recall
  per kind of noise and damage, and the rows carrying another resident's IIN (how many the run linked
  to that resident, and how many without a conflict saying so).
- **FEBRL 1-3** (``bench.febrl``): Birtizim, Splink alone and recordlinkage on the same two files.

Regions and FEBRL folders are cached under ``--work``; every contender runs once in its own process
(wall time and peak RSS are its own, measured as in ``python -m bench``). Exit status 1 when a target
is missed: accuracy, not time, is the gate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import febrl, machine, table
from bench.__main__ import CONTENDERS, Result, region_for, run_contender
from birtizim.synth import damage

TARGET_F1_HARSH = 0.99
TARGET_F1_FEBRL = 0.99
TARGET_PRECISION_STANDARD = 0.999
FEBRL_CONTENDERS = ("birtizim", "splink_alone", "recordlinkage_tk")


def _fmt(value: Any, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if isinstance(value, float) else ("–" if value is None else str(value))


def _review(result: Result, folder: Path) -> int | None:
    run = folder / "runs" / f"{result.contender}-{result.residents}" / "run.json"
    if not run.is_file():
        return None
    review = json.loads(run.read_text(encoding="utf-8")).get("linking", {}).get("review")
    return int(review) if review is not None else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.robust", description=(__doc__ or "").splitlines()[0])
    p.add_argument("--scales", default="20000,200000", help="comma-separated resident counts")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--febrl", default=",".join(febrl.DATASETS), help="FEBRL data sets ('' for none)")
    p.add_argument("--timeout", type=float, default=1800.0)
    p.add_argument("--work", type=Path, default=Path("bench/.data"))
    p.add_argument("--out", type=Path, default=Path("docs/benchmarks-robust.md"))
    args = p.parse_args(argv)
    args.repeats, args.max_repeat_seconds = 1, 0.0  # once each: accuracy is the point
    started = dt.datetime.now().astimezone()
    birtizim = next(c for c in CONTENDERS if c.name == "birtizim")

    regions: list[dict[str, Any]] = []
    for residents in [int(s) for s in args.scales.split(",") if s]:
        for mode in ("standard", "harsh"):
            folder = region_for(residents, args.seed, args.work, damage=mode)
            print(f"{residents:,} residents, {mode}", flush=True)
            args_mode = argparse.Namespace(**{**vars(args), "work": args.work / mode})
            result = run_contender(birtizim, folder, residents, args_mode)
            regions.append(
                {"residents": residents, "damage": mode, "result": result, "review": _review(result, args_mode.work)}
            )

    febrl_results: list[dict[str, Any]] = []
    for name in [s for s in args.febrl.split(",") if s]:
        folder = args.work / "febrl" / name
        if not (folder / "manifest.json").is_file():
            febrl.build(name, args.work / "febrl")
        rows = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["rows"]
        print(f"{name}: {rows}", flush=True)
        args_set = argparse.Namespace(**{**vars(args), "work": args.work / "febrl-runs" / name})
        for contender in (c for c in CONTENDERS if c.name in FEBRL_CONTENDERS):
            result = run_contender(contender, folder, rows["registry"], args_set)
            febrl_results.append({"data_set": name, "rows": rows, "result": result})

    command = "python -m bench.robust " + " ".join(argv if argv is not None else sys.argv[1:])
    facts = machine.facts()
    missed = _missed(regions, febrl_results)
    page = _markdown(regions, febrl_results, facts, command, started, missed, previous=args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page, encoding="utf-8")
    raw = {
        "command": command,
        "started": started.isoformat(timespec="seconds"),
        "machine": facts,
        "regions": [{**r, "result": asdict(r["result"]) | {"seconds": r["result"].seconds}} for r in regions],
        "febrl": [{**r, "result": asdict(r["result"]) | {"seconds": r["result"].seconds}} for r in febrl_results],
        "missed": missed,
    }
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")
    for line in missed:
        print(f"FAIL: {line}", file=sys.stderr)
    return 1 if missed else 0


def _missed(regions: list[dict[str, Any]], febrl_results: list[dict[str, Any]]) -> list[str]:
    missed = []
    for r in regions:
        res: Result = r["result"]
        m = res.metrics
        if not res.ok:
            missed.append(f"birtizim did not finish the {r['damage']} region of {res.residents:,}")
        elif r["damage"] == "harsh":
            if m["link_f1"] < TARGET_F1_HARSH:
                missed.append(f"link F1 {m['link_f1']} < {TARGET_F1_HARSH} on the harsh region of {res.residents:,}")
            silent = m["another_residents_iin"]["linked_to_that_resident_without_conflict"]
            if silent:
                missed.append(f"{silent} rows linked to the resident whose IIN they carry without a conflict")
        elif m["link_precision"] < TARGET_PRECISION_STANDARD:
            missed.append(f"precision {m['link_precision']} < {TARGET_PRECISION_STANDARD} at {res.residents:,}")
    for r in febrl_results:
        res = r["result"]
        if res.contender == "birtizim" and (not res.ok or res.metrics["link_f1"] < TARGET_F1_FEBRL):
            missed.append(f"link F1 {res.metrics.get('link_f1')} < {TARGET_F1_FEBRL} on {r['data_set']}")
    return missed


def _markdown(
    regions: list[dict[str, Any]],
    febrl_results: list[dict[str, Any]],
    facts: dict[str, str],
    command: str,
    started: dt.datetime,
    missed: list[str],
    previous: Path | None = None,
) -> str:
    lines = [
        "# Linking on lists the engine was not tuned to",
        "",
        f"Generated {started:%Y-%m-%d %H:%M %Z} by `{command}` (from the repository root, with `.venv` active).",
        "Every figure scores each agency row's link against the truth of the data set; rows in the review band",
        "are linked to no one, so they count against recall. Each contender ran once, in its own process.",
        "",
        "## Synthetic regions, standard and adversarial (`birtizim synth --damage harsh`)",
        "",
        "| residents | damage | precision | recall | F1 | review band | another resident's IIN: rows "
        "| linked to that resident | … without a conflict | wall s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in regions:
        res: Result = r["result"]
        m, other = res.metrics, res.metrics.get("another_residents_iin", {})
        lines.append(
            f"| {res.residents:,} | {r['damage']} | {_fmt(m.get('link_precision'))} | {_fmt(m.get('link_recall'))} "
            f"| {_fmt(m.get('link_f1'))} | {_fmt(r['review'])} | {_fmt(other.get('rows'))} "
            f"| {_fmt(other.get('linked_to_that_resident'))} "
            f"| {_fmt(other.get('linked_to_that_resident_without_conflict'))} | {_fmt(res.seconds, 1)} |"
        )
    harsh = [r for r in regions if r["damage"] == "harsh" and r["result"].ok]
    if harsh:
        lines += ["", "### Recall per kind of damage (harsh regions)", ""]
        lines += ["| kind | what the clerk did | " + " | ".join(f"{r['residents']:,}" for r in harsh) + " |"]
        lines += ["|---|---|" + "---:|" * len(harsh)]
        described = {k.name: k.what for k in damage.KINDS}
        kinds = sorted({k for r in harsh for k in r["result"].metrics["recall_by_kind"]})
        for kind in sorted(kinds, key=lambda k: (not k.startswith("damage_"), k)):
            cells = []
            for r in harsh:
                hit = r["result"].metrics["recall_by_kind"].get(kind)
                cells.append(f"{hit['recall']:.3f} ({hit['rows']:,})" if hit else "–")
            what = described.get(kind.removeprefix("damage_"), "standard noise")
            lines.append(f"| {kind} | {what} | " + " | ".join(cells) + " |")
        lines += ["", "Recall, with the rows of that kind in brackets; a row can carry several kinds."]
    if febrl_results:
        lines += [
            "",
            "## FEBRL: a registry and an agency list shaped by someone else (`bench.febrl`)",
            "",
            "| data set | registry rows | list rows | contender | precision | recall | F1 | wall s | peak RSS MiB |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|",
        ]
        for r in febrl_results:
            res, rows = r["result"], r["rows"]
            m = res.metrics
            wall = _fmt(res.seconds, 1) if res.ok else ("timed out" if res.timed_out else "failed")
            lines.append(
                f"| {r['data_set']} | {rows['registry']:,} | {rows[febrl.LIST_KIND]:,} | {res.contender} "
                f"| {_fmt(m.get('link_precision'))} | {_fmt(m.get('link_recall'))} | {_fmt(m.get('link_f1'))} "
                f"| {wall} | {res.peak_rss_bytes / 2**20:,.0f} |"
            )
    lines += ["", "## Targets", ""]
    lines += [f"- **missed**: {m}" for m in missed] or [
        f"- all met: F1 ≥ {TARGET_F1_HARSH} on every harsh region and ≥ {TARGET_F1_FEBRL} on every FEBRL pair of "
        f"lists; precision ≥ {TARGET_PRECISION_STANDARD} on every standard region; no row linked to the resident "
        "whose IIN it carries without a conflict"
    ]
    lines += ["", "## Machine", ""] + [f"- {k}: {v}" for k, v in facts.items()] + ["", table.NOTES_MARKER, ""]
    if previous is not None and previous.exists():
        text = previous.read_text(encoding="utf-8")
        if table.NOTES_MARKER in text:
            return "\n".join(lines) + text.split(table.NOTES_MARKER, 1)[1].lstrip("\n")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
