"""``python -m bench``: every contender on the same synthetic regions, one table.

For each scale the region is generated once (cached under ``--work``), then each contender runs in
its own process (so peak RSS is its own) ``--repeats`` times; wall time is the median, peak RSS the
largest. The last run's output is scored against the generator's ground truth. A contender slower
than ``--max-repeat-seconds`` runs once: three half-hour runs would measure patience, not speed.

Exit status 1 when Birtizim fails or its link F1 is below ``--min-f1`` at any scale: accuracy, not
time, is the CI gate (timings on a shared CI machine are too noisy to gate on).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shutil
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import machine, measure, table
from birtizim.eval import evaluate


@dataclass(frozen=True)
class Contender:
    name: str
    what: str
    max_residents: int | None = None  # None: every scale

    def argv(self, region: Path, out: Path) -> list[str]:
        if self.name == "birtizim":
            cli = Path(sys.executable).with_name("birtizim")
            return [str(cli), "reconcile", "--synthetic", str(region), "--out", str(out)]
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

    @property
    def seconds(self) -> float:
        return statistics.median(self.runs) if self.runs else math.nan


def region_for(residents: int, seed: int, work: Path, damage: str = "standard") -> Path:
    region = work / (f"almaty-{residents}-s{seed}" + ("" if damage == "standard" else f"-{damage}"))
    if not (region / "manifest.json").exists():
        shutil.rmtree(region, ignore_errors=True)
        cli = Path(sys.executable).with_name("birtizim")
        print(f"synthesising {residents:,} residents ({damage}) -> {region}", flush=True)
        settings = ["--region", "almaty-2019", "--residents", str(residents), "--seed", str(seed), "--damage", damage]
        subprocess.run(
            [str(cli), "synth", *settings, "--out", str(region)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return region


def run_contender(c: Contender, region: Path, residents: int, args: argparse.Namespace) -> Result:
    result = Result(c.name, residents)
    out = args.work / "runs" / f"{c.name}-{residents}"
    for i in range(args.repeats):
        shutil.rmtree(out, ignore_errors=True)
        m = measure.run(c.argv(region, out), timeout=args.timeout, log=args.work / "logs" / f"{out.name}-{i}.log")
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
    args = p.parse_args(argv)

    scales = [int(s) for s in args.scales.split(",")]
    chosen = [c for c in CONTENDERS if not args.only or c.name in args.only.split(",")]
    started = dt.datetime.now().astimezone()
    results: list[Result] = []
    inputs: dict[int, dict[str, int]] = {}
    for residents in scales:
        region = region_for(residents, args.seed, args.work)
        inputs[residents] = machine.input_size(region)
        print(f"{residents:,} residents", flush=True)
        for c in chosen:
            if c.max_residents is None or residents <= c.max_residents:
                results.append(run_contender(c, region, residents, args))

    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    facts = machine.facts()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    page = table.markdown(results, inputs, facts, command, started, CONTENDERS, previous=args.out)
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

    ours = [r for r in results if r.contender == "birtizim"]
    failed = [r for r in ours if not r.ok]
    low = [r for r in ours if r.ok and args.min_f1 is not None and r.metrics["link_f1"] < args.min_f1]
    for r in failed:
        print(f"FAIL: birtizim did not finish at {r.residents:,} residents", file=sys.stderr)
    for r in low:
        print(f"FAIL: link F1 {r.metrics['link_f1']} < {args.min_f1} at {r.residents:,} residents", file=sys.stderr)
    return 1 if failed or low else 0


if __name__ == "__main__":
    sys.exit(main())
