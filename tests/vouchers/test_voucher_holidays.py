import datetime as dt

from birtizim.vouchers import holidays


def test_the_2019_calendar() -> None:
    days = holidays.holidays(2019)
    assert days[dt.date(2019, 12, 1)] == "First President's Day"
    assert days[dt.date(2019, 12, 16)] == days[dt.date(2019, 12, 17)] == "Independence Day"
    assert days[dt.date(2019, 8, 11)] == "Kurban Ait"
    assert dt.date(2019, 10, 25) not in days  # Republic Day returned only in 2022
    assert len(days) == 16


def test_the_2022_reform() -> None:
    days = holidays.holidays(2022)
    assert days[dt.date(2022, 10, 25)] == "Republic Day"
    assert dt.date(2022, 12, 1) not in days and dt.date(2022, 12, 17) not in days
    assert dt.date(2022, 12, 16) in days


def test_between_takes_extra_days_off() -> None:
    found = holidays.between(dt.date(2019, 12, 10), dt.date(2020, 1, 3), extra=[dt.date(2019, 12, 31)])
    assert list(found) == [
        dt.date(2019, 12, 16),
        dt.date(2019, 12, 17),
        dt.date(2019, 12, 31),
        dt.date(2020, 1, 1),
        dt.date(2020, 1, 2),
    ]
    assert found[dt.date(2019, 12, 31)] == "declared day off"
