"""One month of the synthetic city: every trip that ran, and the checks the plan sent to some of them.

``month_trips`` draws the whole month (about 100,000 trips) as arrays: riders, unpaid and exempt
riders per trip, so the month's true rate per stratum is known exactly. ``run_checks`` turns planned
checks into what inspectors found: a measurement check boards the first departure after its drawn
minute and checks the riders then on board (a hypergeometric draw from the trip's riders); an
enforcement raid is sent to the worst of the next few departures, as tip-offs and known hot spots
would send it, and checks most of the bus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from birtizim.fares.model import Check
from birtizim.fares.plan import PlannedCheck
from birtizim.synth.fares.city import City, FloatArray, IntArray
from birtizim.tables.months import month_days

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class MonthTrips:
    month: str
    days: int
    offset: IntArray  # first trip of each stratum
    stratum: IntArray  # per trip
    day: IntArray
    slot: IntArray  # departure number within the band on its day
    riders: IntArray
    unpaid: IntArray
    exempt: IntArray
    propensity: FloatArray  # q_i

    def truth(self, n_strata: int) -> tuple[IntArray, IntArray]:
        """Riders and unpaid riders per stratum over the month."""
        riders = np.bincount(self.stratum, weights=self.riders, minlength=n_strata).astype(np.int64)
        unpaid = np.bincount(self.stratum, weights=self.unpaid, minlength=n_strata).astype(np.int64)
        return riders, unpaid

    def validations(self, n_strata: int) -> IntArray:
        """What validators counted: everyone who tapped, i.e. all riders but the evaders."""
        out: IntArray = np.bincount(self.stratum, weights=self.riders - self.unpaid, minlength=n_strata).astype(
            np.int64
        )
        return out


def month_trips(city: City, month: str, rng: np.random.Generator) -> MonthTrips:
    s = city.settings
    n_days = len(month_days(month))
    per_stratum = city.trips_per_day * n_days
    offset = np.concatenate([[0], np.cumsum(per_stratum)[:-1]]).astype(np.int64)
    stratum = np.repeat(np.arange(len(per_stratum)), per_stratum)
    within = np.arange(len(stratum)) - offset[stratum]
    day = within // city.trips_per_day[stratum]
    slot = within % city.trips_per_day[stratum]
    p = city.propensity[stratum]
    # weekends carry fewer riders; loads vary trip to trip (gamma-Poisson)
    weekday = np.array([d.weekday() for d in month_days(month)])[day]
    load = np.where(weekday >= 5, 0.75, 1.0) * rng.gamma(4.0, 0.25, size=len(stratum))
    riders = rng.poisson(city.mean_riders[stratum] * load)
    if s.mechanism == "groups":
        alone = rng.binomial(riders, 0.3 * p)
        group_size = 1 + rng.poisson(3.0, size=len(stratum))
        boards = rng.random(len(stratum)) < np.minimum(0.7 * p * city.mean_riders[stratum] * load / 4.0, 1.0)
        unpaid = np.minimum(alone + np.where(boards, group_size, 0), riders)
        q = np.where(riders > 0, unpaid / np.maximum(riders, 1), p)  # what a tip-off would point at
    else:
        q = rng.beta(p * s.clustering, (1 - p) * s.clustering)
        unpaid = rng.binomial(riders, q)
    exempt = rng.binomial(riders - unpaid, s.exempt_share)
    return MonthTrips(month, n_days, offset, stratum, day, slot, riders, unpaid, exempt, q)


@dataclass(frozen=True)
class CheckResults:
    stratum: IntArray
    trip: IntArray  # global trip index
    checked: IntArray
    unpaid: IntArray
    exempt: IntArray
    enforcement: BoolArray


def run_checks(
    city: City, trips: MonthTrips, planned: Sequence[PlannedCheck], rng: np.random.Generator
) -> CheckResults:
    index = {st: h for h, st in enumerate(city.strata)}
    first_day = dt.date.fromisoformat(trips.month + "-01")
    h = np.array([index[(c.route, c.band)] for c in planned], dtype=np.int64)
    day = np.array([(c.start.date() - first_day).days for c in planned], dtype=np.int64)
    band_start = np.array([city.bands[city.stratum_band[x]].start_hour for x in h], dtype=np.int64)
    minute = np.array([c.start.hour * 60 + c.start.minute for c in planned], dtype=np.int64) - band_start * 60
    raid = np.array([c.kind == "enforcement" for c in planned], dtype=bool)
    per_day = city.trips_per_day[h]
    slot = np.minimum(-(-minute // city.headway[h]), per_day - 1)  # the first departure at or after the minute
    trip = trips.offset[h] + day * per_day + slot
    if raid.any():
        # a raid goes to the departure with the highest propensity among the next few
        best = trip.copy()
        for k in range(1, city.settings.raid_candidates):
            later = trips.offset[h] + day * per_day + np.minimum(slot + k, per_day - 1)
            best = np.where(trips.propensity[later] > trips.propensity[best], later, best)
        trip = np.where(raid, best, trip)
    share = np.where(raid, city.settings.raid_checked_share, city.settings.checked_share)
    n = trips.riders[trip]
    u = trips.unpaid[trip]
    e = trips.exempt[trip]
    m = rng.binomial(n, share)
    y = rng.hypergeometric(u, n - u, m)
    ex = rng.hypergeometric(e, n - u - e, m - y)
    return CheckResults(h, trip, m, y, ex, raid)


def as_checks(city: City, planned: Sequence[PlannedCheck], results: CheckResults) -> list[Check]:
    return [
        Check(
            id=c.id,
            route=c.route,
            band=c.band,
            start=c.start,
            riders_checked=int(results.checked[i]),
            paid=int(results.checked[i] - results.unpaid[i] - results.exempt[i]),
            unpaid=int(results.unpaid[i]),
            exempt=int(results.exempt[i]),
            kind=c.kind,
            team=c.team,
        )
        for i, c in enumerate(planned)
    ]
