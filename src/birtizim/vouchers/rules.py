"""What may happen to a voucher, an enrolment and a timesheet, and what may not.

Every function here is pure: it takes the current state and returns the next one or raises
``RuleViolation`` saying why not. The caller persists the result, ideally with a conditional update
(``filter(id=x, status=current).update(status=new)``) so that two clerks acting at once cannot both
succeed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from birtizim.vouchers.model import (
    LIVE_VOUCHER_STATUSES,
    Enrolment,
    LeaveReason,
    MarkKind,
    TimesheetStatus,
    Voucher,
    VoucherStatus,
)


class RuleViolation(ValueError):
    """An action the rules forbid; the message says which rule."""


V = VoucherStatus
VOUCHER_TRANSITIONS: Mapping[VoucherStatus, frozenset[VoucherStatus]] = {
    V.ISSUED: frozenset({V.ACCEPTED, V.EXPIRED}),  # accepted by the parent, or lapsed unaccepted
    V.ACCEPTED: frozenset({V.ACTIVE, V.EXPIRED}),  # first enrolment activates it
    V.ACTIVE: frozenset({V.FROZEN, V.EXPIRED}),
    V.FROZEN: frozenset({V.ACTIVE, V.EXPIRED}),  # a frozen voucher may be resumed: freezing is not a penalty
    V.EXPIRED: frozenset(),  # final: a new period means a new voucher
}

T = TimesheetStatus
TIMESHEET_TRANSITIONS: Mapping[TimesheetStatus, frozenset[TimesheetStatus]] = {
    T.DRAFT: frozenset({T.SUBMITTED}),
    # Each checker may send the month back to the provider for correction (back to draft), never skip ahead.
    T.SUBMITTED: frozenset({T.PARENT_CONFIRMED, T.DRAFT}),
    T.PARENT_CONFIRMED: frozenset({T.VERIFIED, T.DRAFT}),
    T.VERIFIED: frozenset({T.APPROVED, T.DRAFT}),
    T.APPROVED: frozenset({T.PAID}),  # once approved only the payment remains; corrections go to next month
    T.PAID: frozenset(),  # final: money left the budget
}


def voucher_transition(current: VoucherStatus, target: VoucherStatus) -> VoucherStatus:
    """Return ``target`` if a voucher may move there from ``current``; raise ``RuleViolation`` otherwise."""
    if target not in VOUCHER_TRANSITIONS[current]:
        allowed = ", ".join(sorted(VOUCHER_TRANSITIONS[current])) or "none (final status)"
        raise RuleViolation(f"a voucher cannot go from {current} to {target}; allowed: {allowed}")
    return target


def timesheet_transition(current: TimesheetStatus, target: TimesheetStatus) -> TimesheetStatus:
    """Return ``target`` if a timesheet may move there from ``current``; raise ``RuleViolation`` otherwise."""
    if target not in TIMESHEET_TRANSITIONS[current]:
        allowed = ", ".join(sorted(TIMESHEET_TRANSITIONS[current])) or "none (final status)"
        raise RuleViolation(f"a timesheet cannot go from {current} to {target}; allowed: {allowed}")
    return target


def ensure_can_issue(child_id: int, existing: Iterable[Voucher]) -> None:
    """One voucher per child: refuse a new one while the child holds a live (not expired) voucher."""
    live = [v for v in existing if v.child_id == child_id and v.status in LIVE_VOUCHER_STATUSES]
    if live:
        raise RuleViolation(
            f"child {child_id} already holds voucher {live[0].voucher_id} ({live[0].status}); one voucher per child"
        )


def change_voucher(voucher: Voucher, target: VoucherStatus, siblings: Iterable[Voucher] = ()) -> Voucher:
    """Move ``voucher`` to ``target``; ``siblings`` are the child's other vouchers.

    Activating checks that no other voucher of the same child is active: the invariant is enforced
    here as well as by a partial unique index in the database, because the index alone gives an
    integrity error where the clerk needs a reason.
    """
    voucher_transition(voucher.status, target)
    if target is VoucherStatus.ACTIVE:
        other = next(
            (
                s
                for s in siblings
                if s.child_id == voucher.child_id
                and s.voucher_id != voucher.voucher_id
                and s.status is VoucherStatus.ACTIVE
            ),
            None,
        )
        if other is not None:
            raise RuleViolation(f"child {voucher.child_id} already has active voucher {other.voucher_id}")
    return dataclasses.replace(voucher, status=target)


def enrol(voucher: Voucher, *, enrolment_id: int, group_id: int, start_date: dt.date) -> tuple[Voucher, Enrolment]:
    """Enrol the voucher's child in a group: the voucher must be accepted (it becomes active) or active.

    The voucher belongs to the child, not to the provider: enrolments reference it and a child may
    move between groups and providers keeping the same voucher (see ``move``).
    """
    if voucher.status is VoucherStatus.ACCEPTED:
        voucher = change_voucher(voucher, VoucherStatus.ACTIVE)
    elif voucher.status is not VoucherStatus.ACTIVE:
        raise RuleViolation(f"voucher {voucher.voucher_id} is {voucher.status}: only an accepted or active one enrols")
    if start_date > voucher.valid_until:
        raise RuleViolation(f"voucher {voucher.voucher_id} is valid until {voucher.valid_until}, not {start_date}")
    enrolment = Enrolment(
        enrolment_id=enrolment_id,
        child_id=voucher.child_id,
        voucher_id=voucher.voucher_id,
        group_id=group_id,
        start_date=start_date,
    )
    return voucher, enrolment


def move(enrolment: Enrolment, *, new_enrolment_id: int, new_group_id: int, on: dt.date) -> tuple[Enrolment, Enrolment]:
    """The child changes group on ``on``: the old enrolment ends the day before, the new one starts.

    The voucher follows the child: the new enrolment carries the same voucher, so nothing is issued,
    and the two enrolments never overlap (overlap would count as two clubs at once).
    """
    if enrolment.end_date is not None:
        raise RuleViolation(f"enrolment {enrolment.enrolment_id} already ended on {enrolment.end_date}")
    if on <= enrolment.start_date:
        raise RuleViolation(f"a move on {on} must come after the enrolment's start {enrolment.start_date}")
    if new_group_id == enrolment.group_id:
        raise RuleViolation("a move goes to another group")
    ended = dataclasses.replace(enrolment, end_date=on - dt.timedelta(days=1), leave_reason=LeaveReason.MOVED)
    started = Enrolment(
        enrolment_id=new_enrolment_id,
        child_id=enrolment.child_id,
        voucher_id=enrolment.voucher_id,
        group_id=new_group_id,
        start_date=on,
    )
    return ended, started


FREEZE_AFTER_UNEXCUSED = 4  # about two weeks of a twice-weekly club


def absence_action(kinds: Sequence[MarkKind], *, limit: int = FREEZE_AFTER_UNEXCUSED) -> VoucherStatus | None:
    """FROZEN when the latest marks (oldest first) end in ``limit`` unexcused absences, else None.

    Excused absences neither count nor break the run: an ill child keeps the voucher, and an excuse
    in the middle cannot launder a month of unexplained absence. Any presence resets the run.
    """
    run = 0
    for kind in kinds:
        if kind is MarkKind.PRESENT:
            run = 0
        elif kind is MarkKind.UNEXCUSED_ABSENCE:
            run += 1
    return VoucherStatus.FROZEN if run >= limit else None
