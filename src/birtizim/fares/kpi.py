"""What the analyst's page shows for a month: the headline, and the KPIs that put protocols in context.

- **inspection rate**: riders checked (all checks) over the month's riders: how much of the
  ridership inspectors actually saw;
- **sanction rate**: protocols over unpaid riders found: how many of those caught got a protocol;
- **fines collected within the deadline**: of the fines whose deadline has passed by ``as_of``
  (cancelled and appealed ones aside), the share paid in full by the deadline, and the tenge;
- **checks and protocols per inspector hour**: team-shift hours × team size;
- **trend**: the same for every month given, oldest first.

The headline puts the evasion rate with its interval next to the count of protocols, with the
one-sentence explanation of why they differ (``messages.headline_sentence``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from birtizim.fares.estimate import EvasionEstimate, estimate_month
from birtizim.fares.fines import DEFAULT_DEADLINES, Deadlines, FineStatus, fine_states
from birtizim.fares.intervals import Method
from birtizim.fares.messages import Language, headline_sentence
from birtizim.fares.model import Check, Payment, Protocol, Ridership, Shift
from birtizim.tables.months import month_of


@dataclass(frozen=True, slots=True)
class Headline:
    month: str
    protocols: int
    rate: float
    low: float
    high: float
    unpaid_riders: float
    trips: int
    riders_checked: int

    def sentence(self, language: Language) -> str:
        return headline_sentence(
            month=self.month,
            protocols=self.protocols,
            trips=self.trips,
            checked=self.riders_checked,
            rate=self.rate,
            low=self.low,
            high=self.high,
            unpaid=self.unpaid_riders,
            language=language,
        )


def headline(estimate: EvasionEstimate, protocols: int) -> Headline:
    c = estimate.city
    return Headline(
        estimate.month, protocols, c.rate, c.low, c.high, estimate.unpaid_riders.estimate, c.trips, c.riders_checked
    )


@dataclass(frozen=True, slots=True)
class MonthKPIs:
    month: str
    evasion: EvasionEstimate
    headline: Headline
    measurement_checks: int
    enforcement_checks: int
    riders_checked: int  # all checks
    unpaid_found: int  # all checks
    inspection_rate: float  # riders checked / riders
    protocols: int
    sanction_rate: float | None  # protocols / unpaid found
    fines_due: int  # deadline passed by as_of, not cancelled, not under appeal
    fines_paid_in_time: int
    collected_in_time_share: float | None
    collected_in_time_tenge: int
    inspector_hours: float
    checks_per_inspector_hour: float | None
    protocols_per_inspector_hour: float | None


def month_kpis(
    *,
    month: str,
    checks: Sequence[Check],
    ridership: Sequence[Ridership],
    protocols: Sequence[Protocol],
    payments: Iterable[Payment],
    shifts: Iterable[Shift],
    team_sizes: Mapping[str, int],
    as_of: dt.date,
    fare: float | None = None,
    deadlines: Deadlines = DEFAULT_DEADLINES,
    method: Method = "effective",
) -> MonthKPIs:
    evasion = estimate_month(checks, ridership, month=month, fare=fare, method=method)
    in_month = [c for c in checks if c.month == month]
    month_protocols = [p for p in protocols if p.month == month]
    checked = sum(c.riders_checked for c in in_month)
    unpaid = sum(c.unpaid for c in in_month)
    states = fine_states(month_protocols, payments, as_of=as_of, deadlines=deadlines)
    due = [s for s in states if s.due_on is not None and s.due_on < as_of and s.status != FineStatus.APPEALED]
    due = [s for s in due if s.status != FineStatus.CANCELLED]
    in_time = [s for s in due if s.status == FineStatus.PAID_IN_TIME]
    hours = sum(s.hours * team_sizes.get(s.team, 1) for s in shifts if month_of(s.start.date()) == month)
    return MonthKPIs(
        month=month,
        evasion=evasion,
        headline=headline(evasion, len(month_protocols)),
        measurement_checks=sum(c.kind == "measurement" for c in in_month),
        enforcement_checks=sum(c.kind == "enforcement" for c in in_month),
        riders_checked=checked,
        unpaid_found=unpaid,
        inspection_rate=checked / evasion.riders if evasion.riders else 0.0,
        protocols=len(month_protocols),
        sanction_rate=len(month_protocols) / unpaid if unpaid else None,
        fines_due=len(due),
        fines_paid_in_time=len(in_time),
        collected_in_time_share=len(in_time) / len(due) if due else None,
        collected_in_time_tenge=sum(min(s.paid, s.fine) for s in in_time),
        inspector_hours=hours,
        checks_per_inspector_hour=len(in_month) / hours if hours else None,
        protocols_per_inspector_hour=len(month_protocols) / hours if hours else None,
    )


def trend(
    *,
    months: Sequence[str],
    checks: Sequence[Check],
    ridership: Sequence[Ridership],
    protocols: Sequence[Protocol],
    payments: Sequence[Payment],
    shifts: Sequence[Shift],
    team_sizes: Mapping[str, int],
    as_of: dt.date,
    fare: float | None = None,
) -> list[MonthKPIs]:
    """``month_kpis`` for each month, oldest first."""
    return [
        month_kpis(
            month=m,
            checks=checks,
            ridership=ridership,
            protocols=protocols,
            payments=payments,
            shifts=shifts,
            team_sizes=team_sizes,
            as_of=as_of,
            fare=fare,
        )
        for m in sorted(months)
    ]
