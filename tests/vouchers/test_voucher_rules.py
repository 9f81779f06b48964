import datetime as dt
import itertools
from decimal import Decimal

import pytest

from birtizim.vouchers import rules
from birtizim.vouchers.model import LeaveReason, MarkKind, TimesheetStatus, Voucher, VoucherStatus
from birtizim.vouchers.rules import RuleViolation

V = VoucherStatus
T = TimesheetStatus
P, E, U = MarkKind.PRESENT, MarkKind.EXCUSED_ABSENCE, MarkKind.UNEXCUSED_ABSENCE


def voucher(status: VoucherStatus, voucher_id: int = 1, child_id: int = 7) -> Voucher:
    return Voucher(voucher_id, child_id, status, Decimal("30000.00"), dt.date(2020, 5, 31))


def test_it_walks_a_voucher_through_its_life() -> None:
    path = [V.ISSUED, V.ACCEPTED, V.ACTIVE, V.FROZEN, V.ACTIVE, V.EXPIRED]
    for current, target in itertools.pairwise(path):
        assert rules.voucher_transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [(V.ISSUED, V.ACTIVE), (V.ISSUED, V.FROZEN), (V.ACCEPTED, V.FROZEN), (V.ACTIVE, V.ISSUED), (V.EXPIRED, V.ACTIVE)],
)
def test_it_refuses_illegal_voucher_moves(current: VoucherStatus, target: VoucherStatus) -> None:
    with pytest.raises(RuleViolation, match=f"from {current} to {target}"):
        rules.voucher_transition(current, target)


def test_an_expired_voucher_is_final() -> None:
    with pytest.raises(RuleViolation, match="none \\(final status\\)"):
        rules.voucher_transition(V.EXPIRED, V.ISSUED)


def test_it_walks_a_timesheet_to_payment() -> None:
    path = [T.DRAFT, T.SUBMITTED, T.PARENT_CONFIRMED, T.VERIFIED, T.APPROVED, T.PAID]
    for current, target in itertools.pairwise(path):
        assert rules.timesheet_transition(current, target) is target


@pytest.mark.parametrize("checker", [T.SUBMITTED, T.PARENT_CONFIRMED, T.VERIFIED])
def test_a_checker_can_send_a_timesheet_back_to_draft(checker: TimesheetStatus) -> None:
    assert rules.timesheet_transition(checker, T.DRAFT) is T.DRAFT


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (T.DRAFT, T.APPROVED),  # skipping the parent and the checks
        (T.SUBMITTED, T.VERIFIED),  # skipping the parent
        (T.DRAFT, T.PAID),
        (T.APPROVED, T.DRAFT),  # approved money is not reopened
        (T.PAID, T.DRAFT),
        (T.PAID, T.APPROVED),
        (T.VERIFIED, T.SUBMITTED),
    ],
)
def test_it_refuses_illegal_timesheet_moves(current: TimesheetStatus, target: TimesheetStatus) -> None:
    with pytest.raises(RuleViolation, match="a timesheet cannot go"):
        rules.timesheet_transition(current, target)


def test_one_live_voucher_per_child() -> None:
    with pytest.raises(RuleViolation, match="already holds voucher 1"):
        rules.ensure_can_issue(7, [voucher(V.FROZEN)])
    rules.ensure_can_issue(7, [voucher(V.EXPIRED)])  # an expired one does not block a new one
    rules.ensure_can_issue(8, [voucher(V.ACTIVE)])  # another child's voucher is irrelevant


def test_it_refuses_a_second_active_voucher() -> None:
    other = voucher(V.ACTIVE, voucher_id=2)
    with pytest.raises(RuleViolation, match="already has active voucher 2"):
        rules.change_voucher(voucher(V.FROZEN), V.ACTIVE, siblings=[other])
    resumed = rules.change_voucher(voucher(V.FROZEN), V.ACTIVE, siblings=[voucher(V.EXPIRED, voucher_id=2)])
    assert resumed.status is V.ACTIVE


def test_the_first_enrolment_activates_an_accepted_voucher() -> None:
    activated, enrolment = rules.enrol(voucher(V.ACCEPTED), enrolment_id=3, group_id=9, start_date=dt.date(2019, 9, 2))
    assert activated.status is V.ACTIVE
    assert (enrolment.voucher_id, enrolment.child_id, enrolment.group_id) == (1, 7, 9)


@pytest.mark.parametrize("status", [V.ISSUED, V.FROZEN, V.EXPIRED])
def test_only_an_accepted_or_active_voucher_enrols(status: VoucherStatus) -> None:
    with pytest.raises(RuleViolation, match=f"is {status}"):
        rules.enrol(voucher(status), enrolment_id=3, group_id=9, start_date=dt.date(2019, 9, 2))


def test_the_voucher_follows_the_child_to_another_group() -> None:
    _, first = rules.enrol(voucher(V.ACTIVE), enrolment_id=3, group_id=9, start_date=dt.date(2019, 9, 2))
    ended, started = rules.move(first, new_enrolment_id=4, new_group_id=12, on=dt.date(2019, 11, 1))
    assert ended.end_date == dt.date(2019, 10, 31) and ended.leave_reason is LeaveReason.MOVED
    assert started.voucher_id == first.voucher_id and started.child_id == first.child_id
    assert started.start_date == dt.date(2019, 11, 1) and started.group_id == 12
    with pytest.raises(RuleViolation, match="already ended"):
        rules.move(ended, new_enrolment_id=5, new_group_id=13, on=dt.date(2019, 12, 1))


@pytest.mark.parametrize(
    ("kinds", "action"),
    [
        ([U, U, U, U], V.FROZEN),
        ([U, U, E, U, U], V.FROZEN),  # an excuse in between does not launder the run
        ([U, U, U, P], None),  # presence resets it
        ([U, U, U], None),
        ([E] * 20, None),  # excused absences keep the voucher however many
        ([P, U, E, E, U, U, E, U], V.FROZEN),
    ],
)
def test_excused_absences_keep_the_voucher_unexcused_ones_freeze_it(
    kinds: list[MarkKind], action: VoucherStatus | None
) -> None:
    assert rules.absence_action(kinds) is action
