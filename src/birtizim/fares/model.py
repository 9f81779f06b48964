"""The entities of fare inspection, as plain frozen dataclasses.

The web app will persist these and hand them back to the functions of this package; nothing here
knows about storage. Conventions that hold throughout the package:

- a route is its code as the operator writes it (``"12"``, ``"45А"``), a time band its code
  (``am_peak``); a **stratum** is one route in one time band, the unit the plan and the estimate
  work on;
- a month is written ``YYYY-MM`` (it sorts in time order);
- a **check** is one vehicle trip on which inspectors checked the riders on board: the trip is the
  sampling cluster, because riders on one bus are alike (a group of teenagers, a driver who lets
  people in by the back door), so they are not independent draws;
- a check is either a **measurement** check, drawn at random by the published plan and the only
  kind the evasion rate is estimated from, or an **enforcement** raid, sent where evaders are
  expected and never used for the rate (it would overstate it);
- ridership is counted either as validations (validator taps: paid and exempt riders, never the
  evaders, who do not tap) or as riders (everyone on board, from passenger counters); the
  estimate needs to know which.
- money is in tenge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

from birtizim.tables.counts import check_counts
from birtizim.tables.months import check_month, month_of

CheckKind = Literal["measurement", "enforcement"]
CHECK_KINDS: tuple[CheckKind, ...] = get_args(CheckKind)

RidershipBasis = Literal["validations", "riders"]
RIDERSHIP_BASES: tuple[RidershipBasis, ...] = get_args(RidershipBasis)

ARTICLE = "622-2"  # Code of Administrative Offences of the Republic of Kazakhstan, art. 622 part 2


@dataclass(frozen=True, slots=True)
class TimeBand:
    """Part of the service day, ``start_hour`` ≤ hour < ``end_hour`` (hours 0-24)."""

    code: str
    start_hour: int
    end_hour: int
    name_ru: str
    name_kk: str
    name_en: str

    def __post_init__(self) -> None:
        if not 0 <= self.start_hour < self.end_hour <= 24:
            raise ValueError(f"time band {self.code}: hours {self.start_hour}-{self.end_hour} are not a span of a day")

    @property
    def minutes(self) -> int:
        return (self.end_hour - self.start_hour) * 60

    def contains(self, hour: int) -> bool:
        return self.start_hour <= hour < self.end_hour

    def name(self, language: str) -> str:
        return {"ru": self.name_ru, "kk": self.name_kk}.get(language, self.name_en)


# The bands a Shymkent-like service day falls into; a city may define its own.
DEFAULT_BANDS: tuple[TimeBand, ...] = (
    TimeBand("early", 6, 7, "раннее утро", "таң ертең", "early morning"),
    TimeBand("am_peak", 7, 10, "утренний час пик", "таңғы қарбалас уақыт", "morning peak"),
    TimeBand("day", 10, 16, "день", "күндіз", "daytime"),
    TimeBand("pm_peak", 16, 19, "вечерний час пик", "кешкі қарбалас уақыт", "evening peak"),
    TimeBand("evening", 19, 23, "вечер", "кеш", "evening"),
)


def band_of_hour(hour: int, bands: tuple[TimeBand, ...] = DEFAULT_BANDS) -> TimeBand | None:
    """The band an hour of the day falls in, or None outside service hours."""
    return next((b for b in bands if b.contains(hour)), None)


@dataclass(frozen=True, slots=True)
class Stop:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Route:
    code: str
    name: str
    stops: tuple[str, ...] = ()  # stop codes in running order
    headway_minutes: int = 12  # time between departures, for turning a drawn start time into a trip

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("a route needs a code")
        if self.headway_minutes < 1:
            raise ValueError(f"route {self.code}: headway must be at least a minute")


Stratum = tuple[str, str]  # (route code, band code)


@dataclass(frozen=True, slots=True)
class Ridership:
    """Boardings of one route in one time band over one month."""

    route: str
    band: str
    month: str
    boardings: int
    basis: RidershipBasis = "validations"

    def __post_init__(self) -> None:
        check_month(self.month)
        check_counts(f"ridership {self.route}/{self.band}", boardings=self.boardings)
        if self.basis not in RIDERSHIP_BASES:
            raise ValueError(f"ridership basis must be one of {', '.join(RIDERSHIP_BASES)}, not {self.basis!r}")

    @property
    def stratum(self) -> Stratum:
        return (self.route, self.band)


@dataclass(frozen=True, slots=True)
class Inspector:
    code: str
    name: str
    team: str


@dataclass(frozen=True, slots=True)
class Shift:
    """A team's working span on one day; its checks are published to the team shortly before it starts."""

    team: str
    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"shift of team {self.team}: it ends at {self.end}, not after its start {self.start}")

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class Check:
    """One vehicle trip on which the riders on board were checked."""

    id: str
    route: str
    band: str
    start: dt.datetime
    riders_checked: int
    paid: int
    unpaid: int
    exempt: int  # riding free by right (pensioners, children...): not evaders
    kind: CheckKind = "measurement"
    team: str = ""

    def __post_init__(self) -> None:
        check_counts(
            f"check {self.id}",
            riders_checked=self.riders_checked,
            paid=self.paid,
            unpaid=self.unpaid,
            exempt=self.exempt,
        )
        if self.paid + self.unpaid + self.exempt != self.riders_checked:
            raise ValueError(
                f"check {self.id}: {self.paid} paid + {self.unpaid} unpaid + {self.exempt} exempt "
                f"is not the {self.riders_checked} riders checked"
            )
        if self.kind not in CHECK_KINDS:
            raise ValueError(f"check kind must be one of {', '.join(CHECK_KINDS)}, not {self.kind!r}")

    @property
    def stratum(self) -> Stratum:
        return (self.route, self.band)

    @property
    def month(self) -> str:
        return month_of(self.start.date())


@dataclass(frozen=True, slots=True)
class Protocol:
    """A protocol on an administrative offence drawn up against a rider who did not pay.

    The personal fields are as the inspector wrote them (an IIN may be damaged or missing, names
    in any script); ``birtizim.fares.offenders`` links protocols to people.
    """

    number: str
    offence_at: dt.datetime
    route: str
    stop: str
    iin: str | None
    last_name: str | None
    first_name: str | None
    patronymic: str | None
    birth_date: dt.date | None
    address: str | None
    fine: int  # tenge, 2 MRP of the offence year: build with ``fines.protocol_fine``
    served_on: dt.date | None  # the day the offender received the decision (on the spot, usually)
    check_id: str = ""
    article: str = ARTICLE
    appealed: bool = False
    cancelled: bool = False

    def __post_init__(self) -> None:
        if not self.number:
            raise ValueError("a protocol needs a number")
        check_counts(f"protocol {self.number}", fine=self.fine)

    @property
    def month(self) -> str:
        return month_of(self.offence_at.date())


@dataclass(frozen=True, slots=True)
class Payment:
    protocol: str  # the protocol number the payment is for
    paid_on: dt.date
    amount: int  # tenge

    def __post_init__(self) -> None:
        check_counts(f"payment for {self.protocol}", amount=self.amount)
