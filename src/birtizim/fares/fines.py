"""The fine of a protocol and what became of it: due dates, payment in time, late, unpaid.

Fare evasion (art. 622 part 2 of the Code of Administrative Offences) is fined 2 MRP; the MRP is the
one of the year the offence was committed (``birtizim.reference.mrp``), so a fine is computed from
the offence date and never typed. A year without a recorded MRP raises ``UnknownMRP``.

The deadlines are settings, not facts of this module: by default a decision can be appealed for 10
days after it is served and comes into force then, and the fine is due 30 days after that (the
Code's usual terms; the region's legal office should confirm them against the current text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from birtizim.fares.model import Payment, Protocol
from birtizim.reference.mrp import UnknownMRP, mrp

FINE_MRP = 2  # art. 622 part 2: 2 MRP

__all__ = [
    "DEFAULT_DEADLINES",
    "FINE_MRP",
    "Deadlines",
    "FineState",
    "FineStatus",
    "UnknownMRP",
    "fine_states",
    "protocol_fine",
]


def protocol_fine(offence_date: dt.date) -> int:
    """The fine in tenge for an offence on ``offence_date``: 2 × the MRP of its year."""
    return FINE_MRP * mrp(offence_date.year)


@dataclass(frozen=True, slots=True)
class Deadlines:
    appeal_days: int = 10  # from serving the decision to its entry into force
    payment_days: int = 30  # from entry into force to the payment deadline

    def in_force_on(self, served_on: dt.date) -> dt.date:
        return served_on + dt.timedelta(days=self.appeal_days)

    def due_on(self, served_on: dt.date) -> dt.date:
        return self.in_force_on(served_on) + dt.timedelta(days=self.payment_days)


DEFAULT_DEADLINES = Deadlines()


class FineStatus(StrEnum):
    PAID_IN_TIME = "paid_in_time"
    PAID_LATE = "paid_late"
    OVERDUE = "overdue"  # not (fully) paid and the deadline has passed
    NOT_YET_DUE = "not_yet_due"
    NOT_SERVED = "not_served"  # no deadline runs until the decision is served
    APPEALED = "appealed"  # the deadline waits for the appeal
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class FineState:
    protocol: str
    fine: int
    paid: int  # tenge received, capped at nothing: an overpayment shows as paid > fine
    due_on: dt.date | None
    paid_on: dt.date | None  # the day the payments first reached the fine
    status: FineStatus


def fine_states(
    protocols: Iterable[Protocol],
    payments: Iterable[Payment],
    *,
    as_of: dt.date,
    deadlines: Deadlines = DEFAULT_DEADLINES,
) -> list[FineState]:
    """What became of each protocol's fine by ``as_of`` (payments after ``as_of`` are not yet known)."""
    by_protocol: dict[str, list[Payment]] = {}
    for p in payments:
        if p.paid_on <= as_of:
            by_protocol.setdefault(p.protocol, []).append(p)
    out = []
    for protocol in protocols:
        received = sorted(by_protocol.get(protocol.number, []), key=lambda p: p.paid_on)
        paid, paid_on = 0, None
        for payment in received:
            paid += payment.amount
            if paid_on is None and paid >= protocol.fine:
                paid_on = payment.paid_on
        due = deadlines.due_on(protocol.served_on) if protocol.served_on else None
        if protocol.cancelled:
            status = FineStatus.CANCELLED
        elif paid_on is not None:
            status = FineStatus.PAID_IN_TIME if due is None or paid_on <= due else FineStatus.PAID_LATE
        elif protocol.appealed:
            status = FineStatus.APPEALED
        elif due is None:
            status = FineStatus.NOT_SERVED
        else:
            status = FineStatus.OVERDUE if as_of > due else FineStatus.NOT_YET_DUE
        out.append(FineState(protocol.number, protocol.fine, paid, due, paid_on, status))
    return out
