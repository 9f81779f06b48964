"""The Markdown page a benchmark run writes: inputs, results, growth with N, targets, machine."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.__main__ import Contender, Result

# Everything below this line in the existing page is kept: the analysis is written by people.
NOTES_MARKER = "<!-- Notes below this line are written by hand and kept when the page is regenerated. -->"

# The targets: one region (2,059,200 residents, the Almaty region of 2020) and the whole country.
REGION_RESIDENTS = 2_059_200
TARGET_RSS_BYTES = 3 * 2**30
TARGET_FLOOR_RATIO = 5.0
TARGET_F1 = 0.995
TARGET_F1_BEFORE = 0.9966  # the region's link F1 before the reading and status work: not to be lowered
TARGET_SPEEDUP_OVER_SPLINK = 2.0
NATIONAL_RESIDENTS = 10_000_000  # a run this large or larger is checked against the national targets
TARGET_NATIONAL_SECONDS = 300.0
TARGET_NATIONAL_RSS_BYTES = 16 * 2**30


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _growth(a: Result, b: Result) -> float:
    """The exponent k in time ∝ N^k between two scales."""
    return math.log(b.seconds / a.seconds) / math.log(b.residents / a.residents)


def _by(results: Sequence[Result], contender: str) -> dict[int, Result]:
    return {r.residents: r for r in results if r.contender == contender and r.ok}


def _results_table(results: Sequence[Result]) -> list[str]:
    floors = _by(results, "floor")
    lines = [
        "| residents | contender | wall s (median) | runs | peak RSS MiB | link step s | precision | recall "
        "| F1 | status accuracy | × read floor |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        m = r.metrics
        wall = f"{r.seconds:.1f}" if r.ok else ("timed out" if r.timed_out else "failed")
        floor = floors.get(r.residents)
        ratio = f"{r.seconds / floor.seconds:.1f}" if r.ok and floor and r.contender != "floor" else "–"
        lines.append(
            f"| {r.residents:,} | {r.contender} | {wall} | {len(r.runs)} | {r.peak_rss_bytes / 2**20:,.0f} "
            f"| {_fmt(m.get('link_step_seconds'), 1)} | {_fmt(m.get('link_precision'))} "
            f"| {_fmt(m.get('link_recall'))} | {_fmt(m.get('link_f1'))} "
            f"| {_fmt(m.get('status_accuracy'))} | {ratio} |"
        )
    return lines


def _growth_lines(results: Sequence[Result], contenders: Sequence[Contender]) -> list[str]:
    lines = []
    for c in contenders:
        runs = sorted(_by(results, c.name).values(), key=lambda r: r.residents)
        steps = [f"{a.residents:,} → {b.residents:,}: k = {_growth(a, b):.2f}" for a, b in itertools.pairwise(runs)]
        if steps:
            lines.append(f"- **{c.name}**: " + "; ".join(steps))
    return lines or ["- one scale only: no growth to report"]


def _targets(results: Sequence[Result]) -> list[str]:
    ours = _by(results, "birtizim")
    verdict = {True: "met", False: "**missed**", None: "not yet measured"}
    rows: list[tuple[str, str, bool | None]] = []
    regional = [n for n in ours if n < NATIONAL_RESIDENTS]
    n = REGION_RESIDENTS if REGION_RESIDENTS in ours else max(regional, default=None)
    where = f"{n:,} residents" if n else "one region"
    if n is None:
        rows.append((f"{where}: every target", "not measured", None))
    else:
        r = ours[n]
        floor = _by(results, "floor").get(n)
        splink = _by(results, "splink_alone").get(n)
        f1 = r.metrics["link_f1"]
        rows += [
            (
                f"{where}: ≤ {TARGET_FLOOR_RATIO:.0f}× the read floor",
                f"{r.seconds / floor.seconds:.1f}× ({r.seconds:.1f} s against {floor.seconds:.1f} s)"
                if floor
                else "no floor in this run",
                r.seconds / floor.seconds <= TARGET_FLOOR_RATIO if floor else None,
            ),
            (
                f"{where}: peak RSS ≤ {TARGET_RSS_BYTES / 2**30:.0f} GiB",
                f"{r.peak_rss_bytes / 2**30:.2f} GiB",
                r.peak_rss_bytes <= TARGET_RSS_BYTES,
            ),
            (
                f"{where}: link F1 ≥ {TARGET_F1} and not below {TARGET_F1_BEFORE}",
                _fmt(f1),
                f1 >= max(TARGET_F1, TARGET_F1_BEFORE) if n == REGION_RESIDENTS else f1 >= TARGET_F1,
            ),
        ]
        if splink:
            speedup = splink.seconds / r.seconds
            rows.append(
                (
                    f"{where}: ≥ {TARGET_SPEEDUP_OVER_SPLINK:.0f}× faster than Splink alone at equal or better F1",
                    f"{speedup:.2f}× (F1 {_fmt(f1)} vs {_fmt(splink.metrics['link_f1'])})",
                    speedup >= TARGET_SPEEDUP_OVER_SPLINK and f1 >= splink.metrics["link_f1"],
                )
            )
        else:
            rows.append(
                (f"{where}: ≥ {TARGET_SPEEDUP_OVER_SPLINK:.0f}× faster than Splink alone", "not measured", None)
            )
        smaller = [s for s in ours if s < n]
        if smaller:
            k = _growth(ours[max(smaller)], r)
            rows.append(("time grows no worse than linearly", f"k = {k:.2f} ({max(smaller):,} → {n:,})", k <= 1.0))
    national = max((s for s in ours if s >= NATIONAL_RESIDENTS), default=None)
    if national is None:
        rows += [
            (f"the country: wall time ≤ {TARGET_NATIONAL_SECONDS:.0f} s", "not measured", None),
            (f"the country: peak RSS ≤ {TARGET_NATIONAL_RSS_BYTES / 2**30:.0f} GiB", "not measured", None),
            (f"the country: link F1 ≥ {TARGET_F1}", "not measured", None),
        ]
    else:
        r = ours[national]
        where = f"{national:,} residents"
        rows += [
            (
                f"{where}: wall time ≤ {TARGET_NATIONAL_SECONDS:.0f} s",
                f"{r.seconds:.0f} s",
                r.seconds <= TARGET_NATIONAL_SECONDS,
            ),
            (
                f"{where}: peak RSS ≤ {TARGET_NATIONAL_RSS_BYTES / 2**30:.0f} GiB",
                f"{r.peak_rss_bytes / 2**30:.2f} GiB",
                r.peak_rss_bytes <= TARGET_NATIONAL_RSS_BYTES,
            ),
            (f"{where}: link F1 ≥ {TARGET_F1}", _fmt(r.metrics["link_f1"]), r.metrics["link_f1"] >= TARGET_F1),
        ]
    lines = ["| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {verdict[ok]} |" for t, m, ok in rows]
    return lines


def markdown(
    results: Sequence[Result],
    inputs: dict[int, dict[str, int]],
    facts: dict[str, str],
    command: str,
    started: dt.datetime,
    contenders: Sequence[Contender],
    previous: Path | None = None,
    plot: str | None = None,
) -> str:
    repeats = max((len(r.runs) for r in results), default=0)
    lines = [
        "# Benchmarks",
        "",
        f"Generated {started:%Y-%m-%d %H:%M %Z} by `{command}` (from the repository root, with `.venv` active).",
        f"Wall time is the median of up to {repeats} runs (one run when a run takes over the repeat limit);",
        "peak RSS is the largest of the runs, read from the kernel for that process alone. Precision, recall",
        "and F1 score each agency row's link against the synthetic generator's ground truth; status accuracy",
        "is the share of registry residents whose OSMS status is right. Every contender but the floor reads",
        "the files with Birtizim's readers and decides statuses with its rules: only the linking differs.",
        "",
        "## Inputs",
        "",
        "| residents | registry rows | agency rows | files | MB on disk |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {n:,} | {i['registry_rows']:,} | {i['agency_rows']:,} | {i['files']} | {i['bytes'] / 1e6:,.1f} |"
        for n, i in inputs.items()
    ]
    lines += ["", "## Results", "", *_results_table(results), "", "## Targets", "", *_targets(results)]
    lines += ["", "## How time grows with N", "", "Exponent k in time ∝ N^k between consecutive scales:", ""]
    lines += _growth_lines(results, contenders)
    if plot:
        lines += ["", f"![Wall time and peak memory against residents, log–log, with fitted exponents]({plot})"]
    lines += ["", "## Contenders", ""]
    lines += [
        f"- **{c.name}**: {c.what}" + (f" (up to {c.max_residents:,} residents)" if c.max_residents else "")
        for c in contenders
    ]
    lines += ["", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += ["", NOTES_MARKER, ""]
    if previous is not None and previous.exists():
        text = previous.read_text(encoding="utf-8")
        if NOTES_MARKER in text:
            return "\n".join(lines) + text.split(NOTES_MARKER, 1)[1].lstrip("\n")
    return "\n".join(lines)
