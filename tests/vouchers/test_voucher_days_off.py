import datetime as dt

import holidays as calendars

from birtizim.vouchers import days_off


def test_the_2019_calendar() -> None:
    days = days_off.of_year(2019)
    assert days[dt.date(2019, 12, 1)] == "First President Day"
    assert days[dt.date(2019, 12, 16)] == days[dt.date(2019, 12, 17)] == "Independence Day"
    assert days[dt.date(2019, 8, 11)] == "Eid al-Adha"  # Kurban Ait's first day
    assert dt.date(2019, 10, 25) not in days  # Republic Day returned only in 2022
    assert dt.date(2019, 5, 10) not in days  # a declared bridge day is not a holiday
    assert dt.date(2019, 12, 2) not in days  # nor the Monday after a Sunday holiday
    assert len(days) == 16


def test_the_2022_reform() -> None:
    days = days_off.of_year(2022)
    assert days[dt.date(2022, 10, 25)] == "Republic Day"
    assert dt.date(2022, 12, 1) not in days and dt.date(2022, 12, 17) not in days
    assert dt.date(2022, 12, 16) in days


def test_kurban_ait_is_known_after_2025_as_an_estimate_until_decreed() -> None:
    """The hand-written calendar this replaced stopped at 2025 and said nothing for later years."""
    for year in range(2026, 2031):
        eid = [(d, n) for d, n in days_off.of_year(year).items() if n.startswith("Eid al-Adha")]
        assert len(eid) == 1, year
    assert days_off.of_year(2026) == {
        d: n
        for d, n in calendars.country_holidays("KZ", years=2026, observed=False, language="en_US").items()
        if not n.startswith("Day off")
    }


def test_between_takes_extra_days_off() -> None:
    found = days_off.between(dt.date(2019, 12, 10), dt.date(2020, 1, 3), extra=[dt.date(2019, 12, 31)])
    assert list(found) == [
        dt.date(2019, 12, 16),
        dt.date(2019, 12, 17),
        dt.date(2019, 12, 31),
        dt.date(2020, 1, 1),
        dt.date(2020, 1, 2),
    ]
    assert found[dt.date(2019, 12, 31)] == "declared day off"
