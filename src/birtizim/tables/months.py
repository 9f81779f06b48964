"""A calendar month as text, ``YYYY-MM``: the form every module keeps a month in (a fares month, an
outreach period), because it sorts in time order and compares as a string.

Reading a month from a cell as people write it (``10.2019``, ``окт 2019``) is ``cells.parse_month``;
this is the stored form only.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(month: str) -> str:
    """Return ``month`` unchanged if it is written ``YYYY-MM``; raise ``ValueError`` otherwise."""
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ValueError(f"a month is written YYYY-MM, not {month!r}")
    return month


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_start(month: str) -> dt.date:
    year, mon = check_month(month).split("-")
    return dt.date(int(year), int(mon), 1)


def next_month(month: str) -> str:
    first = month_start(month)
    return month_of(dt.date(first.year + first.month // 12, first.month % 12 + 1, 1))


def month_days(month: str) -> list[dt.date]:
    """Every day of ``month`` in order."""
    first, following = month_start(month), month_start(next_month(month))
    return [first + dt.timedelta(days=i) for i in range((following - first).days)]
