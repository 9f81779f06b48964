"""The monthly calculation index (МРП / АЕК) by year: the unit fines are set in.

The republican budget law fixes one MRP for each calendar year; a fine of "2 MRP" is worth twice the
MRP of the year the offence was committed. A year missing here is an error, never a guess: a fine
computed with last year's MRP would be wrong in every protocol.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from importlib import resources


class UnknownMRP(LookupError):
    """No MRP is recorded for the year asked; the message names the years that are known."""


@cache
def mrp_table() -> dict[int, int]:
    """Year -> MRP in tenge, from ``mrp.csv`` beside this module."""
    with resources.files(__package__).joinpath("mrp.csv").open(encoding="utf-8") as fh:
        return {int(r["year"]): int(r["mrp_tenge"]) for r in csv.DictReader(fh)}


def mrp(year: int) -> int:
    """The MRP of ``year`` in tenge; ``UnknownMRP`` if the year is not in the table."""
    table = mrp_table()
    try:
        return table[year]
    except KeyError:
        known = ", ".join(str(y) for y in sorted(table))
        raise UnknownMRP(f"no MRP is recorded for {year} (known years: {known}); add it to reference/mrp.csv") from None


def mrp_on(day: dt.date) -> int:
    """The MRP in force on ``day`` (the MRP of its calendar year)."""
    return mrp(day.year)
