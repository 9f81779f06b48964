"""``python -m bench``: every contender on the same synthetic regions, one table.

For each scale the region is generated once (cached under ``--work``), then each contender runs in
its own process (so peak RSS is its own) ``--repeats`` times; wall time is the median, peak RSS the
largest. The last run's output is scored against the generator's ground truth. A contender slower
than ``--max-repeat-seconds`` runs once: three half-hour runs would measure patience, not speed.

Exit status 1 when Birtizim fails or its link F1 is below ``--min-f1`` at any scale: accuracy, not
time, is the CI gate (timings on a shared CI machine are too noisy to gate on).

``--merge`` keeps the rows of the existing page's JSON that this run does not measure (the national
run adds its 20,000,000 rows beside the region's); the page then draws every row on its log–log plot
(``bench.plot``, written beside the page as SVG).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import machine, measure, plot, table
from birtizim.eval import evaluate
from birtizim.synth import GENERATOR


@dataclass(frozen=True)
class Contender:
    name: str
    what: str
    max_residents: int | None = None  # None: every scale

    def argv(self, region: Path, out: Path, memory_limit: str | None = None) -> list[str]:
        if self.name == "birtizim":
            cli = Path(sys.executable).with_name("birtizim")
            limit = ["--memory-limit", memory_limit] if memory_limit else []
            return [str(cli), "reconcile", "--synthetic", str(region), "--out", str(out), *limit]
        if self.name == "floor":
            return [sys.executable, "-m", "bench.floor", str(region)]
        return [sys.executable, "-m", f"bench.{self.name}", str(region), str(out)]


CONTENDERS = (
    Contender("birtizim", "`birtizim reconcile`: read, link, statuses, reports, report.xlsx, work lists"),
    Contender("status_quo", "exact join on the IIN as written, as agencies do today"),
    Contender("splink_alone", "one Splink 5 model (DuckDB) over all rows, IIN as a comparison"),
    Contender("recordlinkage_tk", "Python Record Linkage Toolkit: blocking, comparers, ECM", max_residents=20_000),
    Contender("floor", "DuckDB reading every input file into memory, nothing else"),
)


@dataclass
class Result:
    contender: str
    residents: int
    runs: list[float] = field(default_factory=list)
    peak_rss_bytes: int = 0
    ok: bool = True
    timed_out: bool = False
    metrics: dict[str, Any] = field(default_factory=dict)
    region: str = "almaty-2019"

    @property
    def seconds(self) -> float:
        return statistics.median(self.runs) if self.runs else math.nan


# The folder prefix of a region's synthetic data (the Almaty region's folders predate the others).
PREFIX = {"almaty-2019": "almaty"}


def _current(manifest: Path) -> bool:
    """Whether ``manifest`` is of a region the generator as it is now drew."""
    if not manifest.exists():
        return False
    return bool(json.loads(manifest.read_text(encoding="utf-8")).get("generator") == GENERATOR)


def region_for(
    residents: int, seed: int, work: Path, damage: str = "standard", region_code: str = "almaty-2019"
) -> Path:
    prefix = PREFIX.get(region_code, region_code)
    region = work / (f"{prefix}-{residents}-s{seed}" + ("" if damage == "standard" else f"-{damage}"))
    if not _current(region / "manifest.json"):
        shutil.rmtree(region, ignore_errors=True)
        cli = Path(sys.executable).with_name("birtizim")
        print(f"synthesising {residents:,} residents ({damage}) -> {region}", flush=True)
        settings = ["--region", region_code, "--residents", str(residents), "--seed", str(seed), "--damage", damage]
        subprocess.run(
            [str(cli), "synth", *settings, "--out", str(region)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return region


def run_contender(c: Contender, region: Path, residents: int, args: argparse.Namespace) -> Result:
    # (bench.robust's arguments name no region and no memory limit)
    result = Result(c.name, residents, region=getattr(args, "region", "almaty-2019"))
    out = args.work / "runs" / f"{c.name}-{residents}"
    for i in range(args.repeats):
        shutil.rmtree(out, ignore_errors=True)
        log = args.work / "logs" / f"{out.name}-{i}.log"
        m = measure.run(c.argv(region, out, getattr(args, "memory_limit", None)), timeout=args.timeout, log=log)
        result.peak_rss_bytes = max(result.peak_rss_bytes, m.peak_rss_bytes)
        if not m.ok:
            result.ok, result.timed_out = False, m.timed_out
            print(f"  {c.name}: {'timed out' if m.timed_out else 'failed'}, see {m.log}", flush=True)
            return result
        result.runs.append(round(m.seconds, 2))
        print(f"  {c.name} run {i + 1}: {m.seconds:.1f} s, {m.peak_rss_bytes / 2**20:,.0f} MiB", flush=True)
        if m.seconds > args.max_repeat_seconds:
            break
    if c.name != "floor":
        result.metrics = evaluate(out, region / "truth")
        timings = json.loads((out / "run.json").read_text(encoding="utf-8")).get("timings", {})
        result.metrics["link_step_seconds"] = timings.get("link")
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--scales", default="20000", help="comma-separated resident counts")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--max-repeat-seconds", type=float, default=300.0)
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is killed")
    p.add_argument("--only", default="", help="comma-separated contenders (default: all)")
    p.add_argument("--min-f1", type=float, default=None, help="exit 1 if Birtizim's link F1 is lower")
    p.add_argument("--work", type=Path, default=Path("bench/.data"))
    p.add_argument("--out", type=Path, default=Path("docs/benchmarks.md"))
    p.add_argument("--region", default="almaty-2019", help="the synthetic region's code (kazakhstan-2025: the country)")
    p.add_argument(
        "--memory-limit",
        default=None,
        help="DuckDB's memory before it spills to disk, for every contender (default: Birtizim's own, "
        "the others' DuckDB default)",
    )
    p.add_argument("--merge", action="store_true", help="keep the page's rows that this run does not measure")
    args = p.parse_args(argv)
    if args.memory_limit:
        # the alternatives and the floor read it (bench.alternative, bench.floor)
        os.environ["BENCH_MEMORY_LIMIT"] = args.memory_limit

    scales = [int(s) for s in args.scales.split(",")]
    chosen = [c for c in CONTENDERS if not args.only or c.name in args.only.split(",")]
    started = dt.datetime.now().astimezone()
    results: list[Result] = []
    inputs: dict[int, dict[str, int]] = {}
    for residents in scales:
        region = region_for(residents, args.seed, args.work, region_code=args.region)
        inputs[residents] = machine.input_size(region)
        print(f"{residents:,} residents", flush=True)
        for c in chosen:
            if c.max_residents is None or residents <= c.max_residents:
                results.append(run_contender(c, region, residents, args))

    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    measured = list(results)
    if args.merge:
        results, inputs = merged(args.out.with_suffix(".json"), results, inputs)
    facts = machine.facts()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    picture = args.out.with_suffix(".svg")
    picture.write_text(plot.svg(results), encoding="utf-8")
    page = table.markdown(results, inputs, facts, command, started, CONTENDERS, previous=args.out, plot=picture.name)
    args.out.write_text(page, encoding="utf-8")
    raw = {
        "command": command,
        "started": started.isoformat(timespec="seconds"),
        "machine": facts,
        "inputs": inputs,
        "results": [asdict(r) | {"seconds": r.seconds} for r in results],
    }
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")

    ours = [r for r in measured if r.contender == "birtizim"]
    failed = [r for r in ours if not r.ok]
    low = [r for r in ours if r.ok and args.min_f1 is not None and r.metrics["link_f1"] < args.min_f1]
    for r in failed:
        print(f"FAIL: birtizim did not finish at {r.residents:,} residents", file=sys.stderr)
    for r in low:
        print(f"FAIL: link F1 {r.metrics['link_f1']} < {args.min_f1} at {r.residents:,} residents", file=sys.stderr)
    return 1 if failed or low else 0


def merged(
    previous: Path, results: list[Result], inputs: dict[int, dict[str, int]]
) -> tuple[list[Result], dict[int, dict[str, int]]]:
    """This run's results and inputs with the previous page's rows that it did not measure, by scale."""
    if not previous.exists():
        return results, inputs
    raw = json.loads(previous.read_text(encoding="utf-8"))
    fields = {f for f in Result.__dataclass_fields__}
    kept = [
        Result(**{k: v for k, v in r.items() if k in fields})
        for r in raw.get("results", [])
        if int(r["residents"]) not in inputs
    ]
    old_inputs = {int(n): i for n, i in raw.get("inputs", {}).items() if int(n) not in inputs}
    return (
        sorted([*kept, *results], key=lambda r: r.residents),
        dict(sorted({**old_inputs, **inputs}.items())),
    )


if __name__ == "__main__":
    sys.exit(main())
