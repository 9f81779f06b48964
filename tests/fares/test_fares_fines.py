"""The fine is 2 MRP of the offence year, and what became of it."""

import datetime as dt

import pytest

from birtizim.fares.fines import Deadlines, FineStatus, UnknownMRP, fine_states, protocol_fine
from birtizim.fares.model import Payment, Protocol
from birtizim.reference.mrp import mrp


def test_fine_is_two_mrp_of_the_offence_year() -> None:
    assert protocol_fine(dt.date(2024, 12, 31)) == 2 * 3692
    assert protocol_fine(dt.date(2025, 1, 1)) == 2 * 3932
    assert protocol_fine(dt.date(2026, 6, 15)) == 2 * 4325 == 8650


def test_a_year_without_an_mrp_is_a_clear_error() -> None:
    with pytest.raises(UnknownMRP, match=r"no MRP is recorded for 2031 \(known years: 2024, 2025, 2026\)"):
        protocol_fine(dt.date(2031, 3, 1))
    with pytest.raises(UnknownMRP):
        mrp(2023)


def _protocol(number: str, served: dt.date | None, **kw: bool) -> Protocol:
    return Protocol(
        number, dt.datetime(2026, 6, 1, 8, 0), "12", "S1", None, None, None, None, None, None, 8650, served, **kw
    )


def test_fine_states() -> None:
    served = dt.date(2026, 6, 1)
    # in force on June 11, due on July 11
    assert Deadlines().due_on(served) == dt.date(2026, 7, 11)
    protocols = [
        _protocol("in_time", served),
        _protocol("late", served),
        _protocol("partly", served),
        _protocol("open", served),
        _protocol("appealed", served, appealed=True),
        _protocol("cancelled", served, cancelled=True),
        _protocol("unserved", None),
    ]
    payments = [
        Payment("in_time", dt.date(2026, 7, 11), 8650),
        Payment("late", dt.date(2026, 7, 12), 8650),
        Payment("partly", dt.date(2026, 6, 5), 4000),
        Payment("in_time", dt.date(2026, 9, 1), 8650),  # after as_of: not yet known
    ]
    states = {s.protocol: s for s in fine_states(protocols, payments, as_of=dt.date(2026, 8, 1))}
    assert states["in_time"].status == FineStatus.PAID_IN_TIME and states["in_time"].paid == 8650
    assert states["late"].status == FineStatus.PAID_LATE
    assert states["partly"].status == FineStatus.OVERDUE and states["partly"].paid == 4000
    assert states["open"].status == FineStatus.OVERDUE
    assert states["appealed"].status == FineStatus.APPEALED
    assert states["cancelled"].status == FineStatus.CANCELLED
    assert states["unserved"].status == FineStatus.NOT_SERVED
    early = fine_states(protocols[3:4], [], as_of=dt.date(2026, 7, 1))
    assert early[0].status == FineStatus.NOT_YET_DUE
