"""Survey shares with Wilson 95% confidence intervals, by district and by occupation.

Wilson's interval rather than the textbook "p ± 1.96·√(p(1−p)/n)": district samples are a few
hundred and occupation groups a few dozen, and the simple interval goes below 0% or collapses to
zero width when nobody (or everybody) in a small group answers one way. Wilson's stays inside
[0, 1] and keeps a sensible width there.

Pooling adds the counts of cells (an unweighted pooled sample). That is right for a sample drawn
in proportion to the population, as district surveys usually are; a survey that over-samples a
group would need design weights, which the records do not carry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from birtizim.outreach.model import SurveyResult

Z95 = 1.959963984540054  # two-sided 95% quantile of the standard normal


@dataclass(frozen=True, slots=True)
class Share:
    """``k`` of ``n`` with its Wilson interval."""

    k: int
    n: int
    share: float
    low: float
    high: float


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials."""
    if n <= 0:
        raise ValueError("a confidence interval needs a sample of at least one")
    if not 0 <= k <= n:
        raise ValueError(f"{k} of {n} is not a possible count")
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At k = 0 (k = n) the lower (upper) bound is exactly 0 (1); floating point can miss by 1e-16.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def proportion(k: int, n: int, z: float = Z95) -> Share:
    low, high = wilson_interval(k, n, z)
    return Share(k, n, k / n, low, high)


@dataclass(frozen=True, slots=True)
class SurveySummary:
    """Pooled results of one group (a district, or an occupation across districts)."""

    group: str
    sample_size: int
    unaware: Share  # had never heard of OSMS
    poor: Share  # rated the work poor


def _summarise(group: str, cells: list[SurveyResult]) -> SurveySummary | None:
    n = sum(c.sample_size for c in cells)
    if n == 0:
        return None
    return SurveySummary(
        group, n, proportion(sum(c.n_unaware for c in cells), n), proportion(sum(c.n_poor for c in cells), n)
    )


def district_cells(results: Iterable[SurveyResult], district: str, period: str) -> list[SurveyResult]:
    """The cells that make up a district's sample in a period.

    A survey is entered either district-wide (occupation None) or broken down by occupation. If a
    district-wide cell exists it is the district's figure and occupation cells are its breakdown,
    so they are not added again (that would count the same people twice).
    """
    cells = [r for r in results if r.district == district and r.period == period]
    whole = [c for c in cells if c.occupation is None]
    return whole or cells


def by_district(results: Iterable[SurveyResult], period: str | None = None) -> dict[str, SurveySummary]:
    """District -> pooled summary for ``period``; with None, every period's sample is pooled."""
    rows = list(results)
    periods = {r.period for r in rows} if period is None else {period}
    out: dict[str, SurveySummary] = {}
    for district in sorted({r.district for r in rows}):
        cells = [c for p in sorted(periods) for c in district_cells(rows, district, p)]
        summary = _summarise(district, cells)
        if summary is not None:
            out[district] = summary
    return out


def by_occupation(results: Iterable[SurveyResult], period: str | None = None) -> dict[str, SurveySummary]:
    """Occupation -> summary pooled over districts (cells without an occupation are left out)."""
    rows = [r for r in results if r.occupation is not None and (period is None or r.period == period)]
    out: dict[str, SurveySummary] = {}
    for occupation in sorted({r.occupation for r in rows if r.occupation is not None}):
        summary = _summarise(occupation, [r for r in rows if r.occupation == occupation])
        if summary is not None:
            out[occupation] = summary
    return out


def overall(results: Iterable[SurveyResult], period: str, group: str = "all") -> SurveySummary | None:
    """Every district's sample in ``period`` pooled: the region's share (what a meeting quotes)."""
    rows = list(results)
    cells = [c for district in sorted({r.district for r in rows}) for c in district_cells(rows, district, period)]
    return _summarise(group, cells)
