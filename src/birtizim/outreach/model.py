"""The entities of outreach and plausibility, as plain frozen dataclasses.

The web app persists these and hands them back to the functions of this package; nothing here
knows about storage. Conventions that hold throughout the package:

- a district is its code from ``birtizim.reference`` (``talgar``), never a display name;
- a period is a calendar month written ``YYYY-MM``: districts report monthly, and the text form
  sorts in time order, so periods can be compared and sorted as strings;
- every share is a fraction from 0 to 1 (``0.23``), as the engine's ``district_report`` stores
  actualisation; percentages appear only in the text of explanations.

Constructors check invariants that no real record can break (a negative reach, more people
unaware than were asked). Figures that are possible but implausible (a reported reach share of
1.2) are accepted here on purpose: catching those is the job of the rules, which explain them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

from birtizim import engine
from birtizim.tables.counts import check_counts
from birtizim.tables.months import check_month, month_of, month_start, next_month

EventKind = Literal["meeting", "publication", "broadcast", "public_reception", "stand"]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)

AppealKind = Literal["question", "complaint"]
APPEAL_KINDS: tuple[AppealKind, ...] = get_args(AppealKind)


def default_due_on(period: str, day: int = 5) -> dt.date:
    """The usual deadline of a monthly report: the ``day``-th of the following month."""
    return month_start(next_month(period)).replace(day=day)


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")


@dataclass(frozen=True, slots=True)
class _DayLogged:
    """A row of a district's daily log: the month it counts in is its ``period``."""

    district: str
    date: dt.date

    @property
    def period(self) -> str:
        return month_of(self.date)


@dataclass(frozen=True, slots=True)
class OutreachEvent(_DayLogged):
    """One entry of a district's outreach log: a meeting, a publication, a broadcast and so on."""

    kind: EventKind
    audience: str  # who it was for, free text ("builders of the Talgar plant", "pensioners")
    reach: int  # people reached, as the district logged it

    def __post_init__(self) -> None:
        _one_of(self.kind, EVENT_KINDS, "event kind")
        check_counts("outreach event", reach=self.reach)


@dataclass(frozen=True, slots=True)
class CitizenQuestion(_DayLogged):
    """Citizens' questions or complaints received on one day, by channel and topic.

    ``count`` lets a district log "12 calls about status" as one row; a log with one row per
    appeal simply keeps the default of 1.
    """

    channel: str  # call centre, public reception, eGov, social media, letter...
    topic: str  # status check, contributions, medical care...
    count: int = 1
    kind: AppealKind = "question"

    def __post_init__(self) -> None:
        _one_of(self.kind, APPEAL_KINDS, "appeal kind")
        check_counts("citizens' question", count=self.count)


@dataclass(frozen=True, slots=True)
class SurveyResult:
    """One cell of a survey: how many were asked, how many had never heard of OSMS, how many rated
    the work poor. ``occupation`` is None for a district-wide sample not broken down by occupation."""

    district: str
    occupation: str | None  # builders, civil servants, teachers, medics...
    period: str
    sample_size: int
    n_unaware: int
    n_poor: int

    def __post_init__(self) -> None:
        check_month(self.period)
        check_counts("survey result", sample_size=self.sample_size, n_unaware=self.n_unaware, n_poor=self.n_poor)
        if self.n_unaware > self.sample_size or self.n_poor > self.sample_size:
            raise ValueError(
                f"survey result for {self.district} {self.period}: {self.n_unaware} unaware and "
                f"{self.n_poor} rating poor cannot exceed the sample of {self.sample_size}"
            )


@dataclass(frozen=True, slots=True)
class DistrictReport:
    """A district's own monthly report on outreach and actualisation.

    A report the web app expects but has not received may be stored with ``submitted_on=None``;
    completeness treats it exactly like a report that is absent.
    """

    district: str
    period: str
    reported_reach_share: float | None  # share of residents the district says it has reached so far
    reported_actualisation: float | None  # share of residents with a determined status, as the district says
    submitted_on: dt.date | None
    due_on: dt.date

    def __post_init__(self) -> None:
        check_month(self.period)
        for name in ("reported_reach_share", "reported_actualisation"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"report of {self.district} {self.period}: {name} cannot be negative ({value})")


@dataclass(frozen=True, slots=True)
class DistrictFigures:
    """The single list's figures for a district (one row of a run's ``district_report``)."""

    district: str
    residents: int
    determined: int  # residents whose OSMS status is determined
    actualisation: float  # determined / residents

    @classmethod
    def from_counts(cls, district: str, residents: int, undetermined: int) -> DistrictFigures:
        """The figures from a run's counts, with the engine's one definition of actualisation."""
        share = engine.actualisation(residents, undetermined)
        return cls(district, residents, residents - undetermined, 0.0 if share is None else share)

    def __post_init__(self) -> None:
        check_counts("district figures", residents=self.residents, determined=self.determined)
        if self.determined > self.residents:
            raise ValueError(
                f"figures of {self.district}: {self.determined} determined exceeds {self.residents} residents"
            )


@dataclass(frozen=True, slots=True)
class Dataset:
    """Everything the checks look at, as the web app (or the demo) gathers it."""

    figures: tuple[DistrictFigures, ...] = ()
    events: tuple[OutreachEvent, ...] = ()
    questions: tuple[CitizenQuestion, ...] = ()
    surveys: tuple[SurveyResult, ...] = ()
    reports: tuple[DistrictReport, ...] = ()

    @property
    def periods(self) -> tuple[str, ...]:
        """Every period any record falls in, in time order."""
        found = {e.period for e in self.events} | {q.period for q in self.questions}
        found |= {s.period for s in self.surveys} | {r.period for r in self.reports}
        return tuple(sorted(found))

    @property
    def districts(self) -> tuple[str, ...]:
        """Every district any record names, sorted."""
        found = {f.district for f in self.figures} | {e.district for e in self.events}
        found |= {q.district for q in self.questions} | {s.district for s in self.surveys}
        found |= {r.district for r in self.reports}
        return tuple(sorted(found))
