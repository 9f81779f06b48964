"""Rows as the core's entities (``birtizim.fares.model``), and times between the two.

The core reasons in local wall-clock time (a plan's start minute, an offence at 18:40), the
database keeps aware datetimes: ``local`` and ``aware`` convert in the project's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from birtizim.fares import model as core
from birtizim.tables.months import month_days
from birtizim.web.fares.models import Band, Check, Payment, Protocol, Ridership, Shift


def local(moment: dt.datetime) -> dt.datetime:
    """An aware datetime as naive local time (what the core works in)."""
    return timezone.localtime(moment).replace(tzinfo=None)


def aware(moment: dt.datetime) -> dt.datetime:
    """A naive local time as an aware datetime (what the database keeps)."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def in_month(field: str, month: str) -> dict[str, dt.datetime]:
    """Filter arguments for an aware datetime ``field`` within ``month`` (YYYY-MM) in local time."""
    days = month_days(month)
    first = dt.datetime.combine(days[0], dt.time())
    return {f"{field}__gte": aware(first), f"{field}__lt": aware(first + dt.timedelta(days=len(days)))}


def bands() -> tuple[core.TimeBand, ...]:
    """The bands in force: the database's, or the core's defaults before any were loaded."""
    rows = [
        core.TimeBand(b.code, b.start_hour, b.end_hour, b.name_ru, b.name_kk, b.name_en) for b in Band.objects.all()
    ]
    return tuple(rows) or core.DEFAULT_BANDS


def check_of(row: Check) -> core.Check:
    """A recorded check (riders counted) as the core's ``Check``."""
    assert row.riders_checked is not None, "only recorded checks enter the estimate"
    return core.Check(
        id=row.code,
        route=row.route,
        band=row.band,
        start=local(row.start),
        riders_checked=row.riders_checked,
        paid=row.paid or 0,
        unpaid=row.unpaid or 0,
        exempt=row.exempt or 0,
        kind=row.kind,  # type: ignore[arg-type]  # the choices are the core's kinds
        team=row.team.code if row.team_id else "",
    )


def checks_of(rows: Iterable[Check]) -> list[core.Check]:
    return [check_of(r) for r in rows]


def ridership_of(rows: Iterable[Ridership]) -> list[core.Ridership]:
    return [core.Ridership(r.route, r.band, r.month, r.boardings, r.basis) for r in rows]  # type: ignore[arg-type]


def protocol_of(row: Protocol) -> core.Protocol:
    return core.Protocol(
        number=row.number,
        offence_at=local(row.offence_at),
        route=row.route,
        stop=row.stop,
        iin=row.iin or None,
        last_name=row.last_name or None,
        first_name=row.first_name or None,
        patronymic=row.patronymic or None,
        birth_date=row.birth_date,
        address=row.address or None,
        fine=row.fine,
        served_on=row.served_on,
        check_id=row.check_ref.code if row.check_ref_id and row.check_ref else "",
        appealed=row.appealed,
        cancelled=row.cancelled,
    )


def protocols_of(rows: Iterable[Protocol]) -> list[core.Protocol]:
    return [protocol_of(r) for r in rows]


def payments_of(rows: Iterable[Payment], numbers: dict[int, str]) -> list[core.Payment]:
    """``numbers``: protocol id -> number (so no query per payment)."""
    return [core.Payment(numbers[p.protocol_id], p.paid_on, p.amount) for p in rows if p.protocol_id in numbers]


def shift_of(row: Shift) -> core.Shift:
    return core.Shift(row.team.code, local(row.start), local(row.end))
