"""Payment arithmetic: payment = sessions marked present and confirmed by a parent x rate per session.

Excused and unexcused absences are never paid (an excused one keeps the voucher, see
``rules.absence_action``); a present mark the parent did not confirm is not paid either, which is
the whole point of the confirmation. Money is ``Decimal`` tenge with two decimals (tiyn), never a
float, and the SQL form uses DECIMAL for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from birtizim.vouchers.model import Mark, MarkKind

CENTS = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Payment:
    present: int  # sessions marked present
    confirmed_present: int  # of those, confirmed by a parent: the only paid ones
    excused: int
    unexcused: int
    rate_per_session: Decimal
    amount: Decimal  # confirmed_present x rate_per_session


def amount(confirmed_present: int, rate_per_session: Decimal) -> Decimal:
    """Confirmed present sessions x rate, in tenge with two decimals."""
    if confirmed_present < 0:
        raise ValueError("a count of sessions cannot be negative")
    if rate_per_session < 0:
        raise ValueError("a rate per session cannot be negative")
    return (confirmed_present * rate_per_session).quantize(CENTS)


def compute(marks: Iterable[Mark], *, rate_per_session: Decimal) -> Payment:
    """Payment for one child's marks of one month (one timesheet line)."""
    counts = dict.fromkeys(MarkKind, 0)
    confirmed = 0
    for mark in marks:
        counts[mark.kind] += 1
        confirmed += mark.kind is MarkKind.PRESENT and mark.confirmed
    return Payment(
        present=counts[MarkKind.PRESENT],
        confirmed_present=confirmed,
        excused=counts[MarkKind.EXCUSED_ABSENCE],
        unexcused=counts[MarkKind.UNEXCUSED_ABSENCE],
        rate_per_session=rate_per_session,
        amount=amount(confirmed, rate_per_session),
    )


# The columns ``lines_sql`` reads of each table: a caller that builds the tables from a database need
# read no more (the web's dashboard reads every mark of the programme; timestamps cost most to convert).
LINES_COLUMNS: dict[str, tuple[str, ...]] = {
    "marks": ("session_id", "enrolment_id", "child_id", "kind"),
    "sessions": ("session_id", "group_id", "date"),
    "groups": ("group_id", "provider_id", "programme_id"),
    "programmes": ("programme_id", "rate_per_session"),
    "confirmations": ("enrolment_id", "period", "outcome"),
}


def lines_sql() -> str:
    """SQL for every timesheet line at once: one row per (group, month, enrolment).

    Reads ``sessions``, ``marks``, ``enrolments``, ``groups``, ``programmes`` and ``confirmations``
    (see ``schema``). A present mark is confirmed when the parent confirmed that enrolment's month;
    a disputed month pays nothing. Same arithmetic as ``compute`` (tests check they agree).
    """
    return """
    WITH confirmed AS (
        SELECT enrolment_id, period, bool_or(outcome = 'confirmed') AND NOT bool_or(outcome = 'disputed') AS ok
        FROM confirmations GROUP BY ALL
    )
    SELECT s.group_id, g.provider_id, CAST(date_trunc('month', s.date) AS DATE) AS period, m.enrolment_id,
           any_value(m.child_id) AS child_id,
           count(*) FILTER (WHERE m.kind = 'present') AS present,
           count(*) FILTER (WHERE m.kind = 'present' AND coalesce(c.ok, false)) AS confirmed_present,
           count(*) FILTER (WHERE m.kind = 'excused_absence') AS excused,
           count(*) FILTER (WHERE m.kind = 'unexcused_absence') AS unexcused,
           any_value(p.rate_per_session) AS rate_per_session,
           CAST(count(*) FILTER (WHERE m.kind = 'present' AND coalesce(c.ok, false))
                * any_value(p.rate_per_session) AS DECIMAL(14, 2)) AS amount
    FROM marks m
    JOIN sessions s USING (session_id)
    JOIN groups g ON g.group_id = s.group_id
    JOIN programmes p ON p.programme_id = g.programme_id
    LEFT JOIN confirmed c ON c.enrolment_id = m.enrolment_id AND c.period = date_trunc('month', s.date)
    GROUP BY s.group_id, g.provider_id, date_trunc('month', s.date), m.enrolment_id
    """
