"""Completeness and timeliness of district reports, as DHIS2 reports them.

For one period: completeness = reports received / reports expected; timeliness = reports received
by their due date / reports expected. Both divide by the expected count (DHIS2's "reporting rate"
and "reporting rate on time"), so a region where half the districts report, all on time, shows
50% timeliness, not 100%: a late-but-received report and a missing one both fail leadership.

A report counts as late if it arrived after its own ``due_on`` (an extension granted to one
district is honoured). A report that has not arrived is "missing" once the period's deadline has
passed as of the day of the check, and "pending" before that: flagging a district for a report not
yet due would teach people to ignore the flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from birtizim.outreach.model import DistrictReport, default_due_on
from birtizim.tables.months import check_month


@dataclass(frozen=True)
class Late:
    district: str
    submitted_on: dt.date
    due_on: dt.date

    @property
    def days_late(self) -> int:
        return (self.submitted_on - self.due_on).days


@dataclass(frozen=True)
class Completeness:
    period: str
    due_on: dt.date
    expected: int
    received: int
    on_time: int
    missing: tuple[str, ...]  # not received, deadline passed
    pending: tuple[str, ...]  # not received, deadline not yet passed
    late: tuple[Late, ...]

    @property
    def completeness(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


def completeness(
    reports: Iterable[DistrictReport],
    expected: Iterable[str],
    period: str,
    *,
    due_on: dt.date | None = None,
    as_of: dt.date | None = None,
) -> Completeness:
    """Completeness of ``period``'s reports from the ``expected`` districts.

    ``due_on`` is the period's deadline for reports that have not arrived (default: the 5th of the
    next month; a placeholder report with ``submitted_on=None`` may set a district's own);
    ``as_of`` is the day of the check (default: today). Reports from districts not expected are
    ignored: they cannot make a region more complete than 100%.
    """
    check_month(period)
    due = due_on or default_due_on(period)
    today = as_of or dt.date.today()
    districts = sorted(set(expected))
    this_period = [r for r in reports if r.period == period and r.district in districts]
    received = {r.district: r for r in this_period if r.submitted_on is not None}
    # A placeholder row (submitted_on None) may carry a district's own, extended deadline.
    deadline = {r.district: r.due_on for r in this_period if r.submitted_on is None}
    late = tuple(
        Late(d, r.submitted_on, r.due_on)
        for d, r in sorted(received.items())
        if r.submitted_on is not None and r.submitted_on > r.due_on
    )
    absent = [d for d in districts if d not in received]
    overdue = tuple(d for d in absent if today > deadline.get(d, due))
    return Completeness(
        period=period,
        due_on=due,
        expected=len(districts),
        received=len(received),
        on_time=len(received) - len(late),
        missing=overdue,
        pending=tuple(d for d in absent if d not in overdue),
        late=late,
    )
