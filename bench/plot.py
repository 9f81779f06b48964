"""Growth on a log–log plot, drawn as plain SVG text: wall time and peak memory against residents.

Two panels side by side, one line per contender, and each contender's fitted exponent k (the slope of a
least-squares line through log time, or log memory, against log residents: time ∝ N^k) in the legend.
No plotting library: the page must be drawable offline and reviewable as text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from bench.__main__ import Result

# Colour-blind-safe (Okabe–Ito) colours, in the order contenders are first met.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
WIDTH, HEIGHT = 960, 420
PANEL_W, PANEL_H = 380, 300
MARGIN_L, MARGIN_T = 70, 50


def fitted_exponent(points: Sequence[tuple[float, float]]) -> float | None:
    """The slope of the least-squares line through (log x, log y); None with fewer than two distinct x."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    if len(set(xs)) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def _decades(lo: float, hi: float) -> tuple[int, int]:
    return math.floor(math.log10(lo)), math.ceil(math.log10(hi))


def _label(value: float) -> str:
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if value >= size:
            return f"{value / size:g}{unit}"
    return f"{value:g}"


def _panel(
    x0: float,
    title: str,
    unit: str,
    series: dict[str, list[tuple[float, float]]],
    colours: dict[str, str],
) -> list[str]:
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts]
    if not xs:
        return []
    ex0, ex1 = _decades(min(xs), max(xs))
    ey0, ey1 = _decades(min(ys), max(ys))
    ex1, ey1 = max(ex1, ex0 + 1), max(ey1, ey0 + 1)

    def px(x: float) -> float:
        return x0 + (math.log10(x) - ex0) / (ex1 - ex0) * PANEL_W

    def py(y: float) -> float:
        return MARGIN_T + PANEL_H - (math.log10(y) - ey0) / (ey1 - ey0) * PANEL_H

    out = [
        f'<text x="{x0 + PANEL_W / 2:.0f}" y="{MARGIN_T - 20}" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
        f'<rect x="{x0}" y="{MARGIN_T}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>',
    ]
    for e in range(ex0, ex1 + 1):
        x = px(10.0**e)
        out.append(f'<line x1="{x:.1f}" y1="{MARGIN_T}" x2="{x:.1f}" y2="{MARGIN_T + PANEL_H}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{MARGIN_T + PANEL_H + 16}" text-anchor="middle">{_label(10.0**e)}</text>')
    for e in range(ey0, ey1 + 1):
        y = py(10.0**e)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + PANEL_W}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{_label(10.0**e)} {escape(unit)}</text>')
    out.append(f'<text x="{x0 + PANEL_W / 2:.0f}" y="{MARGIN_T + PANEL_H + 34}" text-anchor="middle">residents</text>')
    legend_y = MARGIN_T + 14
    for name, pts in series.items():
        pts = sorted(pts)
        colour = colours[name]
        path = " ".join(f"{'M' if i == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for i, (x, y) in enumerate(pts))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in pts]
        k = fitted_exponent(pts)
        text = f"{name}: k = {k:.2f}" if k is not None else f"{name}: one scale"
        out.append(f'<text x="{x0 + 8}" y="{legend_y}" fill="{colour}">{escape(text)}</text>')
        legend_y += 15
    return out


def svg(results: Sequence[Result], *, title: str = "Growth with residents (log–log)") -> str:
    """The plot of every finished result: wall seconds and peak RSS (MiB) against residents."""
    done = [r for r in results if r.ok and r.runs]
    names = list(dict.fromkeys(r.contender for r in done))
    colours = {n: COLOURS[i % len(COLOURS)] for i, n in enumerate(names)}

    def series(value: Callable[[Result], float]) -> dict[str, list[tuple[float, float]]]:
        return {n: [(float(r.residents), value(r)) for r in done if r.contender == n and value(r) > 0] for n in names}

    body = [
        f'<text x="{WIDTH / 2:.0f}" y="18" text-anchor="middle" font-size="14" font-weight="bold">'
        f"{escape(title)}</text>",
        *_panel(MARGIN_L, "wall time", "s", series(lambda r: r.seconds), colours),
        *_panel(
            MARGIN_L + PANEL_W + 110, "peak memory (RSS)", "MiB", series(lambda r: r.peak_rss_bytes / 2**20), colours
        ),
        f'<text x="{MARGIN_L}" y="{HEIGHT - 8}" font-size="11">k: slope of the least-squares line through the '
        "points (time or memory ∝ residents^k); k = 1 is linear growth.</text>",
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">\n'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.plot PAGE.json PLOT.svg``: the plot of a page's rows, without measuring again."""
    import argparse
    import json
    from pathlib import Path

    from bench.__main__ import Result

    p = argparse.ArgumentParser(prog="python -m bench.plot", description=main.__doc__)
    p.add_argument("results", type=Path)
    p.add_argument("out", type=Path)
    args = p.parse_args(argv)
    raw = json.loads(args.results.read_text(encoding="utf-8"))
    fields = set(Result.__dataclass_fields__)
    results = [Result(**{k: v for k, v in r.items() if k in fields}) for r in raw["results"]]
    args.out.write_text(svg(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
