"""Import of district outreach logs (and citizens' questions) from XLSX and CSV.

District officers keep these logs in Excel, with headers in Russian, Kazakh or English, often all
three in one cell ("Район/Аудан/District"), sometimes under a title row. The file is read, headers
matched (folded, whole, without a unit in brackets such as "Охват (чел.)", then part by part), cells
parsed and districts recognised by ``birtizim.tables``, the rules every importer shares
(docs/tables.md). The header row is searched for among the first rows of the sheet.

Every data row ends up either as a record or as a reject with its row number and the reason:
nothing is dropped silently. Completely empty rows are not rejects but are listed too
(``blank_rows``). Row numbers are those the officer sees: the spreadsheet's row number, or the
record's number in a CSV file (as Excel shows it: a quoted cell spanning lines stays one row), so a
reject list can be worked through with the file open.

``write_events_template`` (and ``write_questions_template``) write the XLSX to hand out, optionally
filled with demo rows, with drop-down lists for the district and the kind of event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from birtizim.outreach.model import AppealKind, CitizenQuestion, EventKind, OutreachEvent
from birtizim.reference import DEFAULT_REGION
from birtizim.reference import region as reference_region
from birtizim.tables import cells, headers, places, readers
from birtizim.tables.headers import fold
from birtizim.tables.sniff import TableError

HEADER_SEARCH_ROWS = 10  # a title, a date line, a blank line... the header is near the top

T = TypeVar("T")


class OutreachImportError(TableError):
    """The file cannot be imported at all (unreadable, no recognisable header); names the file."""


EVENT_HEADERS: dict[str, tuple[str, ...]] = {
    "district": ("район", "аудан", "ауданы", "district", "район город", "населенный пункт", "region district"),
    "date": ("дата", "күні", "күн", "date", "дата проведения", "өткізілген күні", "дата мероприятия", "event date"),
    "kind": (
        "вид мероприятия",
        "тип мероприятия",
        "вид",
        "формат",
        "форма работы",
        "іс шара түрі",
        "шара түрі",
        "түрі",
        "event type",
        "type of event",
        "kind",
        "type",
    ),
    "audience": (
        "аудитория",
        "целевая аудитория",
        "участники",
        "тыңдаушылар",
        "қатысушылар",
        "аудиториясы",
        "мақсатты аудитория",
        "audience",
        "target audience",
    ),
    "reach": (
        "охват",
        "охват человек",
        "охвачено",
        "количество охваченных",
        "охвачено человек",
        "қамту",
        "қамтылғандар саны",
        "қамтылды",
        "reach",
        "people reached",
        "reached",
    ),
}
QUESTION_HEADERS: dict[str, tuple[str, ...]] = {
    "district": EVENT_HEADERS["district"],
    "date": ("дата", "дата обращения", "күні", "өтініш күні", "date"),
    "channel": ("канал", "канал обращения", "источник", "арна", "өтініш арнасы", "channel", "source"),
    "topic": ("тема", "тема обращения", "суть обращения", "тақырып", "өтініш тақырыбы", "topic", "subject"),
    "count": ("количество", "кол во", "число обращений", "количество обращений", "саны", "count", "number"),
    "kind": ("вид обращения", "тип обращения", "вопрос или жалоба", "өтініш түрі", "kind", "type"),
}

KIND_SYNONYMS: dict[EventKind, tuple[str, ...]] = {
    "meeting": ("meeting", "встреча", "собрание", "сход", "сход граждан", "семинар", "кездесу", "жиналыс", "жиын"),
    "publication": ("publication", "публикация", "статья", "пост", "article", "post", "жарияланым", "мақала"),
    "broadcast": (
        "broadcast",
        "эфир",
        "телеэфир",
        "радиоэфир",
        "тв",
        "радио",
        "tv",
        "radio",
        "хабар",
        "телехабар",
        "радиохабар",
    ),
    "public_reception": (
        "public reception",
        "public_reception",
        "reception",
        "приём граждан",
        "прием граждан",
        "личный приём",
        "личный прием",
        "приём",
        "прием",
        "азаматтарды қабылдау",
        "қабылдау",
    ),
    "stand": ("stand", "стенд", "информационный стенд", "выездной стенд", "ақпараттық стенд"),
}
# The labels the template offers in its drop-down: Russian, as the region's offices write.
KIND_LABELS: dict[EventKind, tuple[str, str, str]] = {  # ru, kk, en
    "meeting": ("встреча", "кездесу", "meeting"),
    "publication": ("публикация", "жарияланым", "publication"),
    "broadcast": ("эфир", "хабар", "broadcast"),
    "public_reception": ("приём граждан", "азаматтарды қабылдау", "public reception"),
    "stand": ("стенд", "ақпараттық стенд", "stand"),
}
APPEAL_SYNONYMS: dict[AppealKind, tuple[str, ...]] = {
    "question": ("question", "вопрос", "обращение", "консультация", "сұрақ", "өтініш"),
    "complaint": ("complaint", "жалоба", "претензия", "шағым"),
}

_KIND_LOOKUP = {fold(s): k for k, synonyms in KIND_SYNONYMS.items() for s in synonyms}
_APPEAL_LOOKUP = {fold(s): k for k, synonyms in APPEAL_SYNONYMS.items() for s in synonyms}


@dataclass(frozen=True)
class Reject:
    row: int  # spreadsheet row / CSV line, as the officer sees it
    reason: str
    cells: dict[str, str] = field(default_factory=dict)  # the row as read: header -> text


@dataclass(frozen=True)
class ImportResult(Generic[T]):
    rows: tuple[T, ...]
    rejects: tuple[Reject, ...]
    columns: dict[str, str]  # field -> header found in the file
    ignored_columns: tuple[str, ...]  # headers that matched no field (kept for the officer to see)
    blank_rows: tuple[int, ...]
    header_row: int
    row_numbers: tuple[int, ...] = ()  # the file row of each accepted record, in the order of ``rows``

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.rejects)


class _RowError(ValueError):
    """One cell cannot be used; becomes a reject."""


# ---- reading the file ------------------------------------------------------------------------


def _read(path: Path) -> list[tuple[int, list[object]]]:
    try:
        return list(readers.rows(path, name=str(path)).rows)
    except TableError as exc:
        raise OutreachImportError(str(exc)) from None


def _text(value: object) -> str:
    return cells.clean_text(readers.cell_text(value)) or ""


# ---- recognising headers -------------------------------------------------------------------


def _recognise(names: Sequence[str], synonyms: dict[str, tuple[str, ...]]) -> tuple[dict[str, int], list[str]]:
    return headers.match(names, synonyms)


# ---- parsing cells ----------------------------------------------------------------------------


def _district(value: object, region_code: str, region_name: str) -> str:
    text = _text(value)
    if not text:
        raise _RowError("the district is empty")
    code = places.recognise(text, region_code)
    if code is None:
        raise _RowError(f"unknown district {text!r} (not a district of {region_name})")
    return code


def _date(value: object, not_after: dt.date | None) -> dt.date:
    if _text(value) == "":
        raise _RowError("the date is empty")
    date = cells.parse_date(value, pivot_year=(not_after or dt.date.today()).year)
    if date is None:
        raise _RowError(f"cannot read the date {_text(value)!r} (write it as dd.mm.yyyy)")
    if not_after is not None and date > not_after:
        raise _RowError(f"the date {date.isoformat()} is after {not_after.isoformat()}")
    return date


def _whole_number(value: object, what: str) -> int:
    if isinstance(value, bool):
        raise _RowError(f"{what} must be a number, not {value!r}")
    if _text(value) == "":
        raise _RowError(f"{what} is empty")
    number = cells.parse_number(value)
    if number is None:
        raise _RowError(f"{what} {_text(value)!r} is not a number")
    if not number.is_integer():
        raise _RowError(f"{what} {_text(value)!r} is not a whole number of people")
    if number < 0:
        raise _RowError(f"{what} {_text(value)!r} is negative")
    return int(number)


def _kind(value: object) -> EventKind:
    text = _text(value)
    if not text:
        raise _RowError("the kind of event is empty")
    kind = _KIND_LOOKUP.get(fold(text))
    if kind is None:
        known = ", ".join(labels[0] for labels in KIND_LABELS.values())
        raise _RowError(f"unknown kind of event {text!r} (known: {known})")
    return kind


def _appeal(value: object) -> AppealKind:
    text = _text(value)
    if not text:
        return "question"  # an appeal not marked as a complaint is a question
    kind = _APPEAL_LOOKUP.get(fold(text))
    if kind is None:
        raise _RowError(f"{text!r} is neither a question nor a complaint (вопрос / жалоба)")
    return kind


def _collect(reasons: list[str], parse: Callable[[], T], fallback: T) -> T:
    """Parse one cell; on failure note the reason and carry on, so a row reports all its problems."""
    try:
        return parse()
    except _RowError as exc:
        reasons.append(str(exc))
        return fallback


# ---- the import ---------------------------------------------------------------------------------


def _import(
    path: Path,
    synonyms: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    build: Callable[[dict[str, object]], T],
) -> ImportResult[T]:
    table = _read(path)
    if not table:
        raise OutreachImportError(f"{path}: the file is empty")
    best: tuple[int, list[str]] | None = None
    for index, (_, row_cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        names = [_text(c) for c in row_cells]
        found, ignored = _recognise(names, synonyms)
        absent = [f for f in required if f not in found]
        if not absent:
            break
        if any(names) and (best is None or len(absent) < len(best[1])):
            best = (table[index][0], absent)
    else:
        where = f"row {best[0]} lacks {', '.join(best[1])}" if best else "no header row"
        expected = "; ".join(f"{f}: {' / '.join(synonyms[f][:3])}" for f in required)
        raise OutreachImportError(f"{path}: cannot find the header ({where}); expected columns {expected}")
    header_row = table[index][0]
    rows: list[T] = []
    numbers: list[int] = []
    rejects: list[Reject] = []
    blank: list[int] = []
    for number, row_cells in table[index + 1 :]:
        if all(_text(c) == "" for c in row_cells):
            blank.append(number)
            continue
        as_read = {names[i] or f"column {i + 1}": _text(c) for i, c in enumerate(row_cells) if i < len(names)}
        values = {f: row_cells[i] if i < len(row_cells) else None for f, i in found.items()}
        try:
            rows.append(build(values))
            numbers.append(number)
        except (_RowError, ValueError) as exc:
            rejects.append(Reject(number, str(exc), as_read))
    columns = {f: names[i] for f, i in found.items()}
    return ImportResult(tuple(rows), tuple(rejects), columns, tuple(ignored), tuple(blank), header_row, tuple(numbers))


def import_events(
    path: Path, *, region: str = DEFAULT_REGION, not_after: dt.date | None = None
) -> ImportResult[OutreachEvent]:
    """An outreach log: district, date, kind of event and reach (required), audience (optional).

    ``not_after`` rejects rows dated after it (a log cannot hold tomorrow's meeting).
    """
    region_name = reference_region(region).name_en

    def build(v: dict[str, object]) -> OutreachEvent:
        reasons: list[str] = []
        district = _collect(reasons, lambda: _district(v.get("district"), region, region_name), "")
        date = _collect(reasons, lambda: _date(v.get("date"), not_after), dt.date.min)
        kind: EventKind = _collect(reasons, lambda: _kind(v.get("kind")), "meeting")
        reach = _collect(reasons, lambda: _whole_number(v.get("reach"), "the reach"), 0)
        if reasons:  # every problem of the row at once: the officer fixes it in one go
            raise _RowError("; ".join(reasons))
        return OutreachEvent(district, date, kind, _text(v.get("audience")), reach)

    return _import(path, EVENT_HEADERS, ("district", "date", "kind", "reach"), build)


def import_questions(
    path: Path, *, region: str = DEFAULT_REGION, not_after: dt.date | None = None
) -> ImportResult[CitizenQuestion]:
    """A log of citizens' questions and complaints: district, date (required); channel, topic,
    count (1 when there is no such column) and question/complaint (question when empty)."""
    region_name = reference_region(region).name_en

    def build(v: dict[str, object]) -> CitizenQuestion:
        reasons: list[str] = []
        district = _collect(reasons, lambda: _district(v.get("district"), region, region_name), "")
        date = _collect(reasons, lambda: _date(v.get("date"), not_after), dt.date.min)
        count = _collect(reasons, lambda: _whole_number(v["count"], "the count") if "count" in v else 1, 1)
        kind: AppealKind = _collect(reasons, lambda: _appeal(v.get("kind")), "question")
        if reasons:
            raise _RowError("; ".join(reasons))
        return CitizenQuestion(district, date, _text(v.get("channel")), _text(v.get("topic")), count, kind)

    return _import(path, QUESTION_HEADERS, ("district", "date"), build)


# ---- templates ----------------------------------------------------------------------------------

EVENT_TEMPLATE_HEADERS = (
    "Район/Аудан/District",
    "Дата/Күні/Date",
    "Вид мероприятия/Іс-шара түрі/Kind",
    "Аудитория/Аудитория/Audience",
    "Охват/Қамту/Reach",
)
QUESTION_TEMPLATE_HEADERS = (
    "Район/Аудан/District",
    "Дата/Күні/Date",
    "Канал/Арна/Channel",
    "Тема/Тақырып/Topic",
    "Количество/Саны/Count",
    "Вид обращения/Өтініш түрі/Kind",
)


LANGUAGE_INDEX = {"ru": 0, "kk": 1, "en": 2}
SHEET_NAMES = {None: ("Журнал", "Справочник"), "ru": ("Журнал", "Справочник"), "kk": ("Журнал", "Анықтамалық"),
               "en": ("Log", "Reference")}  # fmt: skip
REFERENCE_HEADERS = ("Район", "Аудан", "District", "Вид мероприятия", "Іс-шара түрі", "Kind")


def _in(language: str | None, trilingual: str) -> str:
    """One language's part of a "ru/kk/en" header (all three when ``language`` is None)."""
    return trilingual if language is None else trilingual.split("/")[LANGUAGE_INDEX[language]]


def _write(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    region: str,
    lists: dict[int, str],
    language: str | None = None,
) -> Path:
    """The workbook; with ``language`` (ru, kk, en) its headers and lists are in that language alone --
    the importer reads any of the three -- and without it in all three at once."""
    import xlsxwriter

    reg = reference_region(region)
    book = xlsxwriter.Workbook(str(path))
    log_name, ref_name = SHEET_NAMES[language]
    lists = {col: source.replace("Справочник!", f"{ref_name}!") for col, source in lists.items()}
    headers = [_in(language, h) for h in headers]
    try:
        sheet = book.add_worksheet(log_name)
        ref = book.add_worksheet(ref_name)
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        date_fmt = book.add_format({"num_format": "dd.mm.yyyy"})
        sheet.write_row(0, 0, headers, bold)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(headers) - 1, 24)
        n = 0
        for n, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(n, col, dt.datetime.combine(value, dt.time()), date_fmt)
                elif isinstance(value, str):
                    sheet.write_string(n, col, value)  # as text: a value starting with "=" stays text
                else:
                    sheet.write(n, col, value)
        # The reference sheet: the drop-downs point at it, and officers read the accepted values there.
        if language is None:
            ref.write_row(0, 0, REFERENCE_HEADERS, bold)
            for i, d in enumerate(reg.districts, start=1):
                ref.write_row(i, 0, (d.name_ru, d.name_kk, d.name_en))
            for i, labels in enumerate(KIND_LABELS.values(), start=1):
                ref.write_row(i, 3, labels)
        else:  # the drop-downs read columns A and D: one language's names there
            at = LANGUAGE_INDEX[language]
            ref.write_row(0, 0, (REFERENCE_HEADERS[at], "", "", REFERENCE_HEADERS[3 + at]), bold)
            for i, d in enumerate(reg.districts, start=1):
                ref.write_string(i, 0, (d.name_ru, d.name_kk, d.name_en)[at])
            for i, labels in enumerate(KIND_LABELS.values(), start=1):
                ref.write_string(i, 3, labels[at])
        ref.set_column(0, 5, 24)
        last = max(n, 500)  # room for the officer's own rows below the demo ones
        for col, source in lists.items():
            sheet.data_validation(1, col, last, col, {"validate": "list", "source": source})
        sheet.data_validation(1, 1, last, 1, {"validate": "date", "criteria": ">", "value": dt.datetime(2000, 1, 1)})
    finally:
        book.close()
    return path


def write_events_template(
    path: Path, events: Iterable[OutreachEvent] = (), *, region: str = DEFAULT_REGION, language: str | None = None
) -> Path:
    """An outreach-log workbook to hand out: headers (trilingual, or in ``language``), drop-downs, demo rows
    if given."""
    at = LANGUAGE_INDEX.get(language or "ru", 0)
    names = {d.code: (d.name_ru, d.name_kk, d.name_en)[at] for d in reference_region(region).districts}
    count = len(reference_region(region).districts)
    rows = ((names.get(e.district, e.district), e.date, KIND_LABELS[e.kind][at], e.audience, e.reach) for e in events)
    lists = {0: f"=Справочник!$A$2:$A${count + 1}", 2: f"=Справочник!$D$2:$D${len(KIND_LABELS) + 1}"}
    return _write(path, EVENT_TEMPLATE_HEADERS, rows, region, lists, language)


def write_questions_template(
    path: Path,
    questions: Iterable[CitizenQuestion] = (),
    *,
    region: str = DEFAULT_REGION,
    language: str | None = None,
) -> Path:
    """A questions-and-complaints workbook, like ``write_events_template``."""
    at = LANGUAGE_INDEX.get(language or "ru", 0)
    names = {d.code: (d.name_ru, d.name_kk, d.name_en)[at] for d in reference_region(region).districts}
    count = len(reference_region(region).districts)
    labels = {"question": ("вопрос", "сұрақ", "question")[at], "complaint": ("жалоба", "шағым", "complaint")[at]}
    rows = ((names.get(q.district, q.district), q.date, q.channel, q.topic, q.count, labels[q.kind]) for q in questions)
    lists = {0: f"=Справочник!$A$2:$A${count + 1}"}
    return _write(path, QUESTION_TEMPLATE_HEADERS, rows, region, lists, language)
