"""Progress sheets: the XLSX a site engineer fills in, read into progress reports, and its template.

One row per activity per report date: the date, the activity's code, its percent complete, and
the report's accepted money (cumulative, tenge), workforce on site and issues, given on any row
of that date (the template puts them on the first). Headers are recognised in Russian, Kazakh or
English, in any order; an activity-name column is for the reader and ignored.

Nothing is dropped silently: every row that does not become part of a report comes back as a
``Reject`` with its spreadsheet row number (as Excel numbers it, the header being row 1) and a
code with its numbers, which the web writes in the reader's language. A report is a whole: when
one row of a date is rejected the date's other rows are rejected too (a report missing its roof
line would otherwise carry the roof's previous percent as if it had been re-reported).

The workbook is read, its headers matched and its cells parsed by ``birtizim.tables`` (the rules
every importer shares, docs/tables.md): a two-digit year is read against the as-of date, and
"48,000" is 48000 (a comma followed by three digits groups thousands).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from birtizim.tables import cells, headers, readers, xlsx
from birtizim.tables.sniff import TableError

# Canonical field -> headers accepted (compared as ``birtizim.tables.headers`` folds them). The first
# header of each language is the one the template writes.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "date": {
        "ru": ("Дата отчёта", "Дата"),
        "kk": ("Есеп күні", "Күні"),
        "en": ("Report date", "Date"),
    },
    "activity": {
        "ru": ("Код работы", "Код"),
        "kk": ("Жұмыс коды", "Код"),
        "en": ("Activity code", "Code"),
    },
    "name": {
        "ru": ("Наименование работы", "Работа"),
        "kk": ("Жұмыс атауы", "Жұмыс"),
        "en": ("Activity", "Activity name"),
    },
    "percent": {
        "ru": ("Выполнено, %", "Процент выполнения", "Выполнение, %"),
        "kk": ("Орындалды, %", "Орындалу пайызы"),
        "en": ("Percent complete", "Percent", "%"),
    },
    "accepted_money": {
        "ru": ("Принято работ, тг", "Принято работ", "Освоено, тг"),
        "kk": ("Қабылданған жұмыс, тг", "Қабылданған жұмыс"),
        "en": ("Accepted work, tenge", "Accepted money", "Accepted work"),
    },
    "workforce": {
        "ru": ("Рабочих на объекте", "Численность рабочих"),
        "kk": ("Нысандағы жұмысшылар", "Жұмысшылар саны"),
        "en": ("Workforce on site", "Workforce", "Workers on site"),
    },
    "issues": {
        "ru": ("Проблемы", "Замечания"),
        "kk": ("Мәселелер", "Ескертулер"),
        "en": ("Issues", "Problems"),
    },
}
REQUIRED = ("date", "activity", "percent")
TEMPLATE_ORDER = ("date", "activity", "name", "percent", "accepted_money", "workforce", "issues")


SYNONYMS: dict[str, tuple[str, ...]] = {
    name: tuple(h for spellings in by_language.values() for h in spellings) for name, by_language in COLUMNS.items()
}


class SheetError(ValueError):
    """The file as a whole cannot be read: ``code`` is unreadable, empty or missing_columns."""

    def __init__(self, code: str, params: Mapping[str, str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = dict(params or {})


class RejectCode(StrEnum):
    """Why a row was not imported; the params each carries are listed beside it."""

    DATE_MISSING = "date_missing"  # -
    DATE_INVALID = "date_invalid"  # value
    DATE_FUTURE = "date_future"  # date, as_of
    ACTIVITY_MISSING = "activity_missing"  # -
    ACTIVITY_UNKNOWN = "activity_unknown"  # activity
    PERCENT_MISSING = "percent_missing"  # -
    PERCENT_INVALID = "percent_invalid"  # value
    PERCENT_OUT_OF_RANGE = "percent_out_of_range"  # value
    MONEY_INVALID = "money_invalid"  # value
    WORKFORCE_INVALID = "workforce_invalid"  # value
    DUPLICATE = "duplicate"  # activity, date, first_row
    CONFLICT = "conflict"  # column (accepted_money, workforce or issues), date, first_row
    DATE_RECORDED = "date_recorded"  # date: a report for it is already recorded
    DATE_INCOMPLETE = "date_incomplete"  # date, other_row: another row of the date was rejected


@dataclass(frozen=True, slots=True)
class Reject:
    row: int
    code: RejectCode
    params: Mapping[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SheetReport:
    """One report date of the sheet. ``accepted_money`` None: not given (the previous amount stands)."""

    date: dt.date
    percent_complete: Mapping[str, float]
    accepted_money: float | None
    workforce: int | None
    issues: str
    rows: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SheetResult:
    rows: int  # data rows read (blank rows not counted)
    reports: tuple[SheetReport, ...]  # oldest first
    rejects: tuple[Reject, ...]  # in row order
    columns: Mapping[str, str]  # canonical field -> the header found in the file


@dataclass(frozen=True, slots=True)
class SheetRow:
    row: int  # spreadsheet row number: the header is row 1
    cells: Mapping[str, Any]  # canonical field -> the cell's value as calamine gives it ("" when blank)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(content: bytes) -> tuple[list[SheetRow], dict[str, str]]:
    """The first sheet's data rows keyed by canonical field, and the headers found.

    The header is the first non-blank row. Raises ``SheetError`` for a file that cannot be read (or
    is over the readers' limits), a sheet without data or a header lacking a required column.
    """
    try:
        table = readers.rows(content, name="progress sheet").rows
    except TableError as exc:
        raise SheetError("unreadable", {"detail": str(exc)[:200]}) from None
    numbered = [(n, row) for n, row in table if not all(_blank(c) for c in row)]
    if not numbered:
        raise SheetError("empty")
    _, header = numbered[0]
    names = ["" if _blank(c) else str(c) for c in header]
    positions, _ = headers.match(names, SYNONYMS)
    found = {name: names[i].strip() for name, i in positions.items()}
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        raise SheetError("missing_columns", {"columns": ", ".join(missing)})
    rows = [
        SheetRow(n, {name: (row[i] if i < len(row) else "") for name, i in positions.items()})
        for n, row in numbered[1:]
    ]
    return rows, found


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as 12 comes back from Excel as 12.0
    return str(value).strip()


@dataclass
class _Date:
    """What the rows of one date have said so far."""

    percents: dict[str, tuple[float, int]] = field(default_factory=dict)  # activity -> (percent, row)
    extras: dict[str, tuple[Any, int]] = field(default_factory=dict)  # column -> (value, first row)
    rejected: int | None = None  # the first rejected row of this date


_Problem = tuple[RejectCode, dict[str, str | int | float]]


@dataclass(frozen=True, slots=True)
class _Line:
    activity: str
    percent: float
    extras: dict[str, Any]  # the report's columns the row gives: accepted_money, workforce, issues


def _check_row(
    c: Mapping[str, Any], day: dt.date, group: _Date, known: set[str], as_of: dt.date, recorded: Collection[dt.date]
) -> _Problem | _Line:
    """One row of a known date: its problem, or what it says."""
    if day > as_of:
        return RejectCode.DATE_FUTURE, {"date": day.isoformat(), "as_of": as_of.isoformat()}
    if day in recorded:
        return RejectCode.DATE_RECORDED, {"date": day.isoformat()}
    code = _text(c["activity"])
    if not code:
        return RejectCode.ACTIVITY_MISSING, {}
    if code not in known:
        return RejectCode.ACTIVITY_UNKNOWN, {"activity": code[:40]}
    if _blank(c["percent"]):
        return RejectCode.PERCENT_MISSING, {}
    pct = cells.parse_number(c["percent"])
    if pct is None:
        return RejectCode.PERCENT_INVALID, {"value": _text(c["percent"])[:40]}
    if not 0 <= pct <= 100:
        return RejectCode.PERCENT_OUT_OF_RANGE, {"value": pct}
    if code in group.percents:
        return RejectCode.DUPLICATE, {"activity": code, "date": day.isoformat(), "first_row": group.percents[code][1]}
    extras: dict[str, Any] = {}
    money_cell = c.get("accepted_money", "")
    if not _blank(money_cell):
        money = cells.parse_number(money_cell)
        if money is None or money < 0:
            return RejectCode.MONEY_INVALID, {"value": _text(money_cell)[:40]}
        extras["accepted_money"] = money
    workforce_cell = c.get("workforce", "")
    if not _blank(workforce_cell):
        people = cells.parse_number(workforce_cell)
        if people is None or people < 0 or not people.is_integer():
            return RejectCode.WORKFORCE_INVALID, {"value": _text(workforce_cell)[:40]}
        extras["workforce"] = int(people)
    issues = _text(c.get("issues", ""))
    if issues:
        extras["issues"] = issues
    clash = next((k for k, v in extras.items() if k in group.extras and group.extras[k][0] != v), None)
    if clash is not None:
        return RejectCode.CONFLICT, {"column": clash, "date": day.isoformat(), "first_row": group.extras[clash][1]}
    return _Line(code, pct, extras)


def check_rows(
    rows: Sequence[SheetRow],
    *,
    activities: Collection[str],
    as_of: dt.date,
    recorded: Collection[dt.date] = (),
) -> tuple[list[SheetReport], list[Reject]]:
    """Rows into reports (one per date) and rejects. ``activities`` are the codes of the baseline in
    force; ``recorded`` the dates that already have a report (a sheet does not overwrite one)."""
    known = {str(a) for a in activities}
    rejects: list[Reject] = []
    dates: dict[dt.date, _Date] = {}
    for r in rows:
        cell = r.cells["date"]
        if _blank(cell):
            rejects.append(Reject(r.row, RejectCode.DATE_MISSING))
            continue
        day = cells.parse_date(cell, pivot_year=as_of.year)
        if day is None:
            rejects.append(Reject(r.row, RejectCode.DATE_INVALID, {"value": _text(cell)[:40]}))
            continue
        group = dates.setdefault(day, _Date())
        line = _check_row(r.cells, day, group, known, as_of, recorded)
        if not isinstance(line, _Line):
            rejects.append(Reject(r.row, line[0], line[1]))
            group.rejected = group.rejected or r.row
            continue
        for k, v in line.extras.items():
            group.extras.setdefault(k, (v, r.row))
        group.percents[line.activity] = (line.percent, r.row)

    reports: list[SheetReport] = []
    for day in sorted(dates):
        group = dates[day]
        if group.rejected is not None:
            # The rows that passed their own checks go back too, naming the row that sank the date.
            for _, row in sorted(group.percents.values(), key=lambda item: item[1]):
                rejects.append(
                    Reject(row, RejectCode.DATE_INCOMPLETE, {"date": day.isoformat(), "other_row": group.rejected})
                )
            continue
        money = group.extras.get("accepted_money")
        workforce = group.extras.get("workforce")
        issues = group.extras.get("issues")
        reports.append(
            SheetReport(
                date=day,
                percent_complete={code: pct for code, (pct, _) in group.percents.items()},
                accepted_money=None if money is None else float(money[0]),
                workforce=None if workforce is None else int(workforce[0]),
                issues="" if issues is None else str(issues[0]),
                rows=tuple(sorted(row for _, row in group.percents.values())),
            )
        )
    rejects.sort(key=lambda x: x.row)
    return reports, rejects


def read_progress_sheet(
    content: bytes,
    *,
    activities: Collection[str],
    as_of: dt.date,
    recorded: Collection[dt.date] = (),
) -> SheetResult:
    """Read and check a progress sheet; raises ``SheetError`` only when the file as a whole is unusable."""
    rows, columns = read_rows(content)
    reports, rejects = check_rows(rows, activities=activities, as_of=as_of, recorded=recorded)
    return SheetResult(rows=len(rows), reports=tuple(reports), rejects=tuple(rejects), columns=columns)


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateLine:
    code: str
    name: str
    percent: float  # the latest reported percent, for the engineer to update


def progress_template(
    lines: Sequence[TemplateLine],
    *,
    report_date: dt.date,
    language: str = "ru",
    notes: Sequence[str] = (),
    title: str = "",
) -> bytes:
    """A workbook pre-filled with the activities and their latest percents, dated ``report_date``.

    Text is written as strings (never formulas); ``notes`` (already in the reader's language) go on a
    second sheet, which the reader ignores: only the first sheet is read back.
    """
    lang = language if language in ("ru", "kk", "en") else "ru"
    out = io.BytesIO()
    book = xlsx.text_safe_workbook(out)
    header = book.add_format({"bold": True, "bg_color": "#E8EEF5", "border": 1, "text_wrap": True})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet = book.add_worksheet("Progress")
    widths = {"date": 12, "activity": 12, "name": 44, "percent": 14, "accepted_money": 20, "workforce": 14}
    for col, name in enumerate(TEMPLATE_ORDER):
        sheet.write_string(0, col, COLUMNS[name][lang][0], header)
        sheet.set_column(col, col, widths.get(name, 40))
    sheet.freeze_panes(1, 0)
    when = dt.datetime(report_date.year, report_date.month, report_date.day)
    for n, line in enumerate(lines, start=1):
        sheet.write_datetime(n, 0, when, day)
        sheet.write_string(n, 1, line.code)
        sheet.write_string(n, 2, line.name)
        sheet.write_number(n, 3, line.percent)
    if notes or title:
        about = book.add_worksheet("README")
        about.set_column(0, 0, 110)
        for n, text in enumerate([title, *notes] if title else list(notes)):
            about.write_string(n, 0, text)
    book.close()
    return out.getvalue()
