"""Public holidays (days off) of Kazakhstan, for the flag on sessions marked on a holiday.

Fixed dates follow the Law on holidays and the Labour Code with the years each was a day off:
Orthodox Christmas from 2007, Defender of the Fatherland Day from 2013, First President's Day
2012-2021, Independence Day 16-17 December until 2021 and 16 December only from 2022, Republic Day
(25 October) from 2022. The first day of Kurban Ait moves with the lunar calendar and is set each
year by the government: only the years listed in ``KURBAN_AIT`` are known here.

Not included: weekend transfers (when a holiday falls on a weekend the next working day is off)
and the bridge days the government announces each year. Clubs often meet at weekends, and a
session on a transferred working day is not suspect in itself; pass such dates as extra holidays
to the flags if a department treats them so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

KURBAN_AIT: dict[int, dt.date] = {
    2015: dt.date(2015, 9, 24),
    2016: dt.date(2016, 9, 12),
    2017: dt.date(2017, 9, 1),
    2018: dt.date(2018, 8, 21),
    2019: dt.date(2019, 8, 11),
    2020: dt.date(2020, 7, 31),
    2021: dt.date(2021, 7, 20),
    2022: dt.date(2022, 7, 9),
    2023: dt.date(2023, 6, 28),
    2024: dt.date(2024, 6, 16),
    2025: dt.date(2025, 6, 6),
}


def holidays(year: int) -> dict[dt.date, str]:
    """Holidays of ``year`` that are days off, date -> English name."""
    days: dict[dt.date, str] = {
        dt.date(year, 1, 1): "New Year",
        dt.date(year, 1, 2): "New Year",
        dt.date(year, 3, 8): "International Women's Day",
        dt.date(year, 3, 21): "Nauryz",
        dt.date(year, 3, 22): "Nauryz",
        dt.date(year, 3, 23): "Nauryz",
        dt.date(year, 5, 1): "Kazakhstan People's Unity Day",
        dt.date(year, 5, 9): "Victory Day",
        dt.date(year, 7, 6): "Capital Day",
        dt.date(year, 8, 30): "Constitution Day",
        dt.date(year, 12, 16): "Independence Day",
    }
    if year >= 2007:
        days[dt.date(year, 1, 7)] = "Orthodox Christmas"
    if year >= 2013:
        days[dt.date(year, 5, 7)] = "Defender of the Fatherland Day"
    if 2012 <= year <= 2021:
        days[dt.date(year, 12, 1)] = "First President's Day"
    if year <= 2021:
        days[dt.date(year, 12, 17)] = "Independence Day"
    if year >= 2022:
        days[dt.date(year, 10, 25)] = "Republic Day"
    if year in KURBAN_AIT:
        days[KURBAN_AIT[year]] = "Kurban Ait"
    return dict(sorted(days.items()))


def between(first: dt.date, last: dt.date, extra: Iterable[dt.date] = ()) -> dict[dt.date, str]:
    """Holidays from ``first`` to ``last`` inclusive, plus ``extra`` dates (named "declared day off")."""
    found = {d: n for y in range(first.year, last.year + 1) for d, n in holidays(y).items() if first <= d <= last}
    for d in extra:
        if first <= d <= last:
            found.setdefault(d, "declared day off")
    return dict(sorted(found.items()))
