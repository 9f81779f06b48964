"""The stored form of a month, YYYY-MM, shared by fares (months) and outreach (periods)."""

from __future__ import annotations

import datetime as dt

import pytest

from birtizim.tables.months import check_month, month_days, month_of, month_start, next_month


@pytest.mark.parametrize("month", ["2019-10", "2024-02", "1999-12"])
def test_a_month_written_yyyy_mm_is_taken_as_it_is(month: str) -> None:
    assert check_month(month) == month
    assert month_of(month_start(month)) == month


@pytest.mark.parametrize("month", ["2019-13", "2019-00", "2019-1", "10.2019", "2019-10-01", "", None])
def test_anything_else_is_refused(month: object) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        check_month(month)  # type: ignore[arg-type]


def test_the_days_of_a_month_run_to_its_last_across_a_year_end_and_a_leap_day() -> None:
    assert next_month("2019-12") == "2020-01"
    december = month_days("2019-12")
    assert (december[0], december[-1], len(december)) == (dt.date(2019, 12, 1), dt.date(2019, 12, 31), 31)
    assert month_days("2024-02")[-1] == dt.date(2024, 2, 29) and len(month_days("2023-02")) == 28
