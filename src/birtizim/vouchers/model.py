"""Statuses, kinds and categories of the voucher domain, and the few entities the rules act on.

The values are the strings stored in tables and database columns, so they never change meaning; a
web app maps them to translated labels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

AGE_MIN = 4  # youngest age (in whole years) a voucher is issued for
AGE_LIMIT = 18  # a child stops being eligible on this birthday (a person of 18 is an adult)


def age(birth: dt.date, on: dt.date) -> int:
    """Age in whole years on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class VoucherStatus(StrEnum):
    ISSUED = "issued"  # allocated to the child; the parent has not yet accepted it
    ACCEPTED = "accepted"  # the parent accepted it; the child is not yet enrolled anywhere
    ACTIVE = "active"  # the child is enrolled in at least one group and sessions can be paid
    FROZEN = "frozen"  # paused (long unexcused absence, or at the parent's request); no payments
    EXPIRED = "expired"  # end of the voucher's life: not accepted in time, period over, child aged out


# A voucher that still holds the child's one place in the programme: at most one per child.
LIVE_VOUCHER_STATUSES = frozenset(
    {VoucherStatus.ISSUED, VoucherStatus.ACCEPTED, VoucherStatus.ACTIVE, VoucherStatus.FROZEN}
)


class TimesheetStatus(StrEnum):
    DRAFT = "draft"  # the provider is still marking sessions
    SUBMITTED = "submitted"  # the provider closed the month; confirmation links go to parents
    PARENT_CONFIRMED = "parent_confirmed"  # the confirmation window closed; confirmed sessions are known
    VERIFIED = "verified"  # the education department checked it against the flags
    APPROVED = "approved"  # approved for payment
    PAID = "paid"  # money transferred: final


class MarkKind(StrEnum):
    PRESENT = "present"  # paid once a parent confirms it
    EXCUSED_ABSENCE = "excused_absence"  # illness, competition, family reason: not paid, keeps the voucher
    UNEXCUSED_ABSENCE = "unexcused_absence"  # not paid; a run of them freezes the voucher (rules.absence_action)


class ConfirmationOutcome(StrEnum):
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"  # the parent says the marks are wrong: nothing of that month is paid until resolved


class Priority(StrEnum):
    """Priority categories of the allocation queue, most urgent first (see ``allocation``)."""

    ORPHAN = "orphan"  # orphans and children left without parental care
    DISABILITY = "disability"  # children with disabilities
    LARGE_FAMILY = "large_family"  # children of large families (four or more children under 18)
    SOCIAL_ASSISTANCE = "social_assistance"  # families receiving targeted social assistance (АСП)


PRIORITY_ORDER: tuple[Priority, ...] = tuple(Priority)  # tier 0 is served first; no category is the last tier


class LeaveReason(StrEnum):
    MOVED = "moved"  # to another group: the voucher follows the child
    DROPPED_OUT = "dropped_out"
    AGED_OUT = "aged_out"
    VOUCHER_FROZEN = "voucher_frozen"


@dataclass(frozen=True, slots=True)
class Voucher:
    voucher_id: int
    child_id: int
    status: VoucherStatus
    nominal_value: Decimal  # face value per month in tenge; informational, payment is per confirmed session
    valid_until: dt.date


@dataclass(frozen=True, slots=True)
class Enrolment:
    enrolment_id: int
    child_id: int
    voucher_id: int
    group_id: int
    start_date: dt.date
    end_date: dt.date | None = None
    leave_reason: LeaveReason | None = None


@dataclass(frozen=True, slots=True)
class Mark:
    """One child's attendance mark for one session, with whether a parent confirmed it."""

    kind: MarkKind
    confirmed: bool = False
