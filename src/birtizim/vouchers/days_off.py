"""Public holidays of Kazakhstan that are days off, for the flag on sessions marked on a holiday.

The calendar is the ``holidays`` package's Kazakhstan (1991-2100, the Labour Code's holidays with the
years each was a day off, Kurban Ait's first day from the lunar calendar), kept in one place here.
What it does not know, said plainly:

* Kurban Ait's date for a year the government has not yet set is the package's astronomical estimate
  (its name then ends in "(estimated)"); the decree may move it by a day.
* Weekend transfers (a holiday on a Saturday moves the day off to Monday) and the bridge days the
  government declares each year are left out on purpose: clubs often meet at weekends, and a session
  on such a day is not suspect in itself. A department that treats them so passes them as ``extra``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays as calendars

# The package lists declared bridge days as "Day off (substituted from ...)"; they are not holidays.
_BRIDGE_DAY = "Day off"


def of_year(year: int) -> dict[dt.date, str]:
    """Holidays of ``year`` that are days off, date -> English name (the package's)."""
    found = calendars.country_holidays("KZ", years=year, observed=False, language="en_US")
    return dict(sorted((day, name) for day, name in found.items() if not name.startswith(_BRIDGE_DAY)))


def between(first: dt.date, last: dt.date, extra: Iterable[dt.date] = ()) -> dict[dt.date, str]:
    """Holidays from ``first`` to ``last`` inclusive, plus ``extra`` dates (named "declared day off")."""
    found = {d: n for y in range(first.year, last.year + 1) for d, n in of_year(y).items() if first <= d <= last}
    for d in extra:
        if first <= d <= last:
            found.setdefault(d, "declared day off")
    return dict(sorted(found.items()))
