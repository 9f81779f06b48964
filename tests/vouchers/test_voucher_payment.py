import datetime as dt
from decimal import Decimal

import pytest
from voucher_builder import OCT, Tables

from birtizim.vouchers import payment
from birtizim.vouchers.model import Mark, MarkKind

P, E, U = MarkKind.PRESENT, MarkKind.EXCUSED_ABSENCE, MarkKind.UNEXCUSED_ABSENCE


def test_it_pays_confirmed_present_sessions_times_the_rate() -> None:
    marks = [Mark(P, confirmed=True)] * 6 + [Mark(P, confirmed=False)] * 2 + [Mark(E)] * 2 + [Mark(U)]
    paid = payment.compute(marks, rate_per_session=Decimal("2500"))
    # 6 confirmed present x 2,500 = 15,000; 2 unconfirmed present, 2 excused and 1 unexcused are not paid
    assert paid.amount == Decimal("15000.00")
    assert (paid.present, paid.confirmed_present, paid.excused, paid.unexcused) == (8, 6, 2, 1)


def test_it_keeps_tiyn_exact() -> None:
    assert payment.amount(3, Decimal("1833.33")) == Decimal("5499.99")
    assert payment.amount(0, Decimal("1833.33")) == Decimal("0.00")


def test_a_confirmed_absence_is_still_not_paid() -> None:
    paid = payment.compute([Mark(E, confirmed=True), Mark(U, confirmed=True)], rate_per_session=Decimal("2000"))
    assert paid.amount == Decimal("0.00")


def test_it_rejects_negative_counts_and_rates() -> None:
    with pytest.raises(ValueError, match="negative"):
        payment.amount(-1, Decimal("100"))
    with pytest.raises(ValueError, match="negative"):
        payment.amount(1, Decimal("-100"))


def test_the_sql_lines_agree_with_the_python_arithmetic() -> None:
    t = Tables()
    g = t.group()
    sessions = t.timetable_sessions(g, OCT, dt.date(2019, 10, 16))  # Mon/Wed: Oct 2, 7, 9, 14, 16
    confirmed, disputed, silent = (t.enrol(t.child(), g) for _ in range(3))
    plans = {  # enrolment -> kinds per session, and the parent's answer for October
        confirmed: ([P, P, E, P, U], "confirmed"),
        disputed: ([P, P, P, P, P], "disputed"),
        silent: ([P, U, P, P, E], None),
    }
    for enrolment, (kinds, answer) in plans.items():
        for session, kind in zip(sessions, kinds, strict=True):
            t.mark(session, enrolment, kind.value)
        t.link(enrolment, OCT, answer)
    lines = {r["enrolment_id"]: r for r in t.connect().execute(payment.lines_sql()).to_arrow_table().to_pylist()}
    for enrolment, (kinds, answer) in plans.items():
        expected = payment.compute(
            [Mark(k, confirmed=answer == "confirmed") for k in kinds], rate_per_session=Decimal("2000.00")
        )
        line = lines[enrolment]
        assert line["amount"] == expected.amount
        assert (line["present"], line["confirmed_present"], line["excused"], line["unexcused"]) == (
            expected.present,
            expected.confirmed_present,
            expected.excused,
            expected.unexcused,
        )
    assert lines[confirmed]["amount"] == Decimal("6000.00")  # 3 present x 2,000, confirmed
    assert lines[disputed]["amount"] == Decimal("0.00")
    assert lines[silent]["amount"] == Decimal("0.00")
