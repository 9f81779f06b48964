"""Outliers by modified z-score, across districts for a period and over time for a district.

Iglewicz and Hoaglin's modified z-score, z = 0.6745·(x − median)/MAD with MAD the median absolute
deviation from the median, is flagged when |z| > 3.5. Median and MAD rather than mean and standard
deviation because the figure we are hunting drags the mean and inflates the deviation: one
district claiming 45,000 reached among districts near 2,000 would hide itself from a plain z-score.
(0.6745 makes the MAD comparable with a standard deviation for normal data.)

MAD = 0 happens whenever more than half of the values are equal (most districts logging no
complaints, a district logging the same round figure every month). The score is then undefined,
and dividing by a tiny number would flag every value off the median. Two steps instead:

1. fall back to the mean absolute deviation from the median: z = (x − median)/(1.253314·MeanAD),
   1.253314 (= √(π/2)) making MeanAD comparable with a standard deviation; a value far from an
   otherwise constant crowd still stands out, and the crowd itself scores 0;
2. if the MeanAD is 0 too, all values are equal, so nothing is an outlier: every score is 0.

With a constant majority the fallback score of a lone different value is n/1.253314 however small
the difference (3.99 for five values): it is unusual, but maybe trivially so. The checks therefore
also ask for a minimum relative deviation from the median (``min_relative_deviation``).

Fewer than ``min_count`` values (5 by default) are not scored at all: a median of three numbers
says too little about what is usual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from birtizim.outreach.data_elements import VALUE_NAMES, Values
from birtizim.outreach.expressions import Expression, parse

MAD_FACTOR = 0.6745
MEAN_AD_FACTOR = 1.253314
THRESHOLD = 3.5
MIN_COUNT = 5

Scale = Literal["mad", "mean_ad", "none"]


@dataclass(frozen=True)
class ZScores:
    median: float
    mad: float
    scale: Scale  # which deviation the scores were divided by ("none": all values equal)
    scores: tuple[float, ...]


def modified_z_scores(values: Sequence[float]) -> ZScores:
    """Modified z-scores of ``values``, in their order (see the module notes for MAD = 0)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        raise ValueError("modified z-scores need at least one value")
    median = float(np.median(x))
    deviation = np.abs(x - median)
    mad = float(np.median(deviation))
    if mad > 0:
        return ZScores(median, mad, "mad", tuple(float(z) for z in MAD_FACTOR * (x - median) / mad))
    mean_ad = float(np.mean(deviation))
    if mean_ad > 0:
        return ZScores(median, mad, "mean_ad", tuple(float(z) for z in (x - median) / (MEAN_AD_FACTOR * mean_ad)))
    return ZScores(median, mad, "none", tuple(0.0 for _ in values))


@dataclass(frozen=True)
class Outlier:
    key: str  # the district (across districts) or the period (over time)
    value: float
    z: float
    median: float
    count: int  # how many values it was compared with, itself included
    scale: Scale


Direction = Literal["both", "high", "low"]


def find_outliers(
    values: Mapping[str, float],
    *,
    threshold: float = THRESHOLD,
    min_count: int = MIN_COUNT,
    direction: Direction = "both",
    min_relative_deviation: float = 0.0,
) -> list[Outlier]:
    """Keys whose value has |modified z| > ``threshold``, most extreme first.

    ``direction`` keeps only values above ("high") or below ("low") the median.
    ``min_relative_deviation`` also requires |x − median| > that share of |median|: when districts
    are alike the MAD is small, and a month 13% below a steady district's usual is "significant"
    without being worth anyone's afternoon.
    """
    if len(values) < min_count:
        return []
    keys = list(values)
    z = modified_z_scores([values[k] for k in keys])
    found = []
    for k, score in zip(keys, z.scores, strict=True):
        far = abs(values[k] - z.median) > min_relative_deviation * abs(z.median)
        wanted = direction == "both" or (score > 0) == (direction == "high")
        if abs(score) > threshold and far and wanted:
            found.append(Outlier(k, values[k], score, z.median, len(keys), z.scale))
    return sorted(found, key=lambda o: -abs(o.z))


Across = Literal["districts", "time"]


@dataclass(frozen=True)
class OutlierCheck:
    """A metric (an expression over the named values) to screen for outliers, and in which direction."""

    code: str
    label: str  # for the sentence: "reach per resident"
    metric: Expression
    across: Across
    fmt: str = "num2"  # number format of the value in the sentence (see ``messages.FORMATS``)
    severity: Literal["high", "medium", "low"] = "medium"
    threshold: float = THRESHOLD
    min_count: int = MIN_COUNT
    direction: Direction = "both"
    min_relative_deviation: float = 0.5
    labels: Mapping[str, str] = field(default_factory=dict)  # the label in Russian ("ru") and Kazakh ("kk")

    def label_in(self, language: str) -> str:
        return self.labels.get(language) or self.label


@dataclass(frozen=True)
class Finding:
    check: OutlierCheck
    district: str
    period: str
    outlier: Outlier


def run_check(check: OutlierCheck, table: Mapping[tuple[str, str], Values]) -> list[Finding]:
    """Apply one check to the (district, period) -> values table; values that cannot be computed are left out."""
    metric: dict[tuple[str, str], float] = {}
    for key, values in table.items():
        value = check.metric.evaluate(values)
        if value is not None:
            metric[key] = value
    groups: dict[str, dict[str, float]] = {}
    for (district, period), value in metric.items():
        # Across districts: one group per period, keyed by district; over time: the other way round.
        group, member = (period, district) if check.across == "districts" else (district, period)
        groups.setdefault(group, {})[member] = value
    findings = []
    for group, members in sorted(groups.items()):
        found = find_outliers(
            members,
            threshold=check.threshold,
            min_count=check.min_count,
            direction=check.direction,
            min_relative_deviation=check.min_relative_deviation,
        )
        for o in found:
            district, period = (o.key, group) if check.across == "districts" else (group, o.key)
            findings.append(Finding(check, district, period, o))
    return findings


DEFAULT_OUTLIER_CHECKS: tuple[OutlierCheck, ...] = (
    # Ratios across districts: a district of 300,000 and one of 30,000 are compared per resident.
    # Only high reach is a plausibility question; low reach is weak work, a matter for other pages.
    OutlierCheck(
        "outlier_reach_per_resident",
        "reach per resident",
        parse("reach / residents", VALUE_NAMES),
        "districts",
        direction="high",
        labels={"ru": "охват на одного жителя", "kk": "бір тұрғынға шаққандағы қамту"},
    ),
    # Only few questions are suspicious: reach on paper raises none, while many questions are
    # what real outreach produces.
    OutlierCheck(
        "outlier_questions_per_10k",
        "questions per 10,000 residents",
        parse("questions / residents * 10000", VALUE_NAMES),
        "districts",
        fmt="num",
        direction="low",
        labels={"ru": "обращений на 10\u00a0000 жителей", "kk": "10\u00a0000 тұрғынға шаққандағы өтініштер"},
    ),
    # Over time a district is its own yardstick, so the raw count is fair; a sudden drop can be
    # a log left unfilled, so both directions count.
    OutlierCheck(
        "outlier_reach_over_time",
        "logged reach",
        parse("reach", VALUE_NAMES),
        "time",
        fmt="int",
        labels={"ru": "охват по журналу", "kk": "журнал бойынша қамту"},
    ),
)
