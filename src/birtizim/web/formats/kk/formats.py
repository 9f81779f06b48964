"""Kazakh number and date formats: Django ships none for ``kk``, so Kazakh pages fell back to English
(48000, 100.0%). Kazakhstan writes numbers and dates the same way in Kazakh as in Russian."""

DATE_FORMAT = "Y ж. j E"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "Y ж. j E G:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
