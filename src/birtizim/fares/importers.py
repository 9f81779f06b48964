"""Files into the model: ridership from validator exports, payments, and the inspectors' exports.

Every data row ends up either as a record or as a reject with the row number the sender sees, a
code and a sentence in ru/kk/en (``messages.REJECT_TEXTS``): rows in = accepted + rejected, nothing
is dropped or counted twice. Blank rows are skipped and counted as such.

Ridership: one row per route and date (or month) and hour (or time band), with the boardings, under
Russian, Kazakh or English headers (Маршрут / Маршрут нөмірі / Route, Дата / Күні / Date, Час /
Сағат / Hour, Валидации / Жолаушылар саны / Boardings...). Rows are summed into route × band ×
month. Rejected: a route not in the network, an hour outside every band, a date that is not one, a
count that is not a whole number, and the same route, day and hour twice.

Payments: protocol number, date paid, amount, optionally the payer's IIN. Rejected: a protocol that
does not exist, an invalid IIN, an amount or date that is not one, a payment listed twice, and a
payment already recorded from an earlier file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from birtizim.engine import iin as iin_rules
from birtizim.fares.fines import protocol_fine
from birtizim.fares.messages import Language, reject_text
from birtizim.fares.model import (
    CHECK_KINDS,
    DEFAULT_BANDS,
    Check,
    CheckKind,
    Payment,
    Protocol,
    Ridership,
    RidershipBasis,
    TimeBand,
    band_of_hour,
)
from birtizim.fares.reading import FaresImportError, find_header, read_rows, text
from birtizim.reference.mrp import UnknownMRP
from birtizim.tables import cells as cell_rules
from birtizim.tables.headers import fold
from birtizim.tables.months import month_of

__all__ = [
    "FaresImportError",
    "Imported",
    "Reject",
    "import_payments",
    "import_ridership",
    "read_checks",
    "read_protocols",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Reject:
    row: int
    code: str
    values: dict[str, str] = field(default_factory=dict)

    def message(self, language: Language = "ru") -> str:
        return reject_text(self.code, language, self.values)


@dataclass(frozen=True)
class Imported(Generic[T]):
    records: tuple[T, ...]
    rejects: tuple[Reject, ...]
    rows_in: int  # data rows read, blank ones aside: accepted + rejected
    rows_accepted: int
    blank_rows: int
    columns: dict[str, str]  # field -> header as found


class _RowError(ValueError):
    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.values = {k: str(v) for k, v in values.items()}


RIDERSHIP_HEADERS: dict[str, tuple[str, ...]] = {
    "route": (
        "маршрут",
        "номер маршрута",
        "маршрут №",
        "№ маршрута",
        "маршрут нөмірі",
        "бағыт",
        "route",
        "route no",
        "line",
    ),
    "date": ("дата", "дата поездки", "күні", "күн", "сапар күні", "date", "day"),
    "month": ("месяц", "отчетный месяц", "ай", "есепті ай", "month"),
    "hour": ("час", "час суток", "сағат", "hour", "hour of day"),
    "band": ("временной интервал", "интервал", "период суток", "уақыт аралығы", "time band", "band"),
    "boardings": (
        "валидации",
        "количество валидаций",
        "число валидаций",
        "транзакции",
        "пассажиропоток",
        "перевезено пассажиров",
        "количество пассажиров",
        "валидациялар",
        "валидациялар саны",
        "жолаушылар саны",
        "boardings",
        "validations",
        "taps",
        "passengers",
    ),
}
PAYMENT_HEADERS: dict[str, tuple[str, ...]] = {
    "protocol": ("номер протокола", "№ протокола", "протокол", "хаттама нөмірі", "хаттама", "protocol", "protocol no"),
    "paid_on": (
        "дата оплаты",
        "дата платежа",
        "дата",
        "төлем күні",
        "төленген күні",
        "paid on",
        "payment date",
        "date",
    ),
    "amount": ("сумма", "сумма оплаты", "сома", "төлем сомасы", "amount", "sum"),
    "iin": ("иин", "иин плательщика", "жсн", "төлеушінің жсн", "iin", "payer iin"),
}


def _cell(cells: list[object], found: dict[str, int], name: str) -> object:
    i = found.get(name)
    return cells[i] if i is not None and i < len(cells) else None


def _required(cells: list[object], found: dict[str, int], name: str, headers: dict[str, str]) -> str:
    value = text(_cell(cells, found, name))
    if not value:
        raise _RowError("missing", column=headers[name])
    return value


# Dates, months and counts by the shared cell rules (birtizim.tables.cells, docs/tables.md).


def _date(value: object) -> dt.date:
    found = cell_rules.parse_date(value)
    if found is None:
        raise _RowError("bad_date", value=text(value))
    return found


def _month(value: object) -> str:
    found = cell_rules.parse_month(value if not isinstance(value, dt.date) else value.isoformat())
    if found is None:
        raise _RowError("bad_month", value=text(value))
    return month_of(found)


def _whole(value: object, column: str) -> int:
    number = cell_rules.parse_whole(value)
    if number is None or number < 0:
        raise _RowError("bad_number", value=text(value), column=column)
    return number


def _band(cells: list[object], found: dict[str, int], bands: Sequence[TimeBand], headers: dict[str, str]) -> str:
    listed = ", ".join(f"{b.code} {b.start_hour}–{b.end_hour}" for b in bands)
    if "hour" in found:
        raw = _required(cells, found, "hour", headers)
        m = re.match(r"^(\d{1,2})(?:[:.]\d{2})?", raw.strip())
        band = band_of_hour(int(m.group(1)), tuple(bands)) if m and int(m.group(1)) < 24 else None
        if band is None:
            raise _RowError("bad_hour", value=raw, bands=listed)
        return band.code
    raw = _required(cells, found, "band", headers)
    for b in bands:
        if fold(raw) in {fold(b.code), fold(b.name_ru), fold(b.name_kk), fold(b.name_en)}:
            return b.code
    raise _RowError("unknown_band", value=raw, bands=listed)


def _rows(
    path: Path,
    synonyms: dict[str, tuple[str, ...]],
    required: Sequence[Sequence[str]],
    build: Callable[[int, list[object], dict[str, int], dict[str, str]], T],
) -> tuple[list[tuple[int, T]], list[Reject], int, dict[str, str]]:
    rows = read_rows(path)
    header_pos, found = find_header(rows, synonyms, required, path)
    header_cells = rows[header_pos][1]
    headers = {name: text(header_cells[i]) for name, i in found.items()}
    records: list[tuple[int, T]] = []
    rejects: list[Reject] = []
    blank = 0
    for line, cells in rows[header_pos + 1 :]:
        if not any(text(c) for c in cells):
            blank += 1
            continue
        try:
            records.append((line, build(line, cells, found, headers)))
        except _RowError as exc:
            rejects.append(Reject(line, exc.code, exc.values))
    return records, rejects, blank, headers


def import_ridership(
    path: Path,
    *,
    routes: Collection[str] | None = None,
    bands: Sequence[TimeBand] = DEFAULT_BANDS,
    basis: RidershipBasis = "validations",
) -> Imported[Ridership]:
    """Ridership per route × band × month from a validator export (``routes``: the network's codes)."""
    known = set(routes) if routes is not None else None

    def build(
        line: int, cells: list[object], found: dict[str, int], headers: dict[str, str]
    ) -> tuple[str, str, str, str, int]:
        route = _required(cells, found, "route", headers)
        if known is not None and route not in known:
            raise _RowError("unknown_route", value=route)
        if "date" in found:
            day = _date(_required(cells, found, "date", headers) and _cell(cells, found, "date"))
            when, month = day.isoformat(), month_of(day)
        else:
            month = _month(_cell(cells, found, "month") or _required(cells, found, "month", headers))
            when = month
        band = _band(cells, found, bands, headers)
        slot = text(_cell(cells, found, "hour")) if "hour" in found else band
        return route, band, month, f"{when}|{slot}", _whole(_cell(cells, found, "boardings"), headers["boardings"])

    parsed, rejects, blank, headers = _rows(
        path, RIDERSHIP_HEADERS, [("route",), ("date", "month"), ("hour", "band"), ("boardings",)], build
    )
    totals: dict[tuple[str, str, str], int] = {}
    seen: dict[tuple[str, str], int] = {}
    accepted = 0
    for line, (route, band, month, slot, boardings) in parsed:
        first = seen.setdefault((route, slot), line)
        if first != line:
            rejects.append(Reject(line, "duplicate", {"first": str(first)}))
            continue
        totals[(route, band, month)] = totals.get((route, band, month), 0) + boardings
        accepted += 1
    records = tuple(Ridership(r, b, m, n, basis) for (r, b, m), n in sorted(totals.items()))
    rejects.sort(key=lambda r: r.row)
    return Imported(records, tuple(rejects), accepted + len(rejects), accepted, blank, headers)


def import_payments(
    path: Path, *, protocols: Collection[str], held: Collection[tuple[str, dt.date, int]] = ()
) -> Imported[Payment]:
    """Payments of fines; ``protocols`` are the protocol numbers a payment may refer to, ``held`` the
    payments (protocol, date, amount) already recorded from earlier files, which are rejected as such."""
    numbers = set(protocols)
    already = set(held)

    def build(line: int, cells: list[object], found: dict[str, int], headers: dict[str, str]) -> Payment:
        number = _required(cells, found, "protocol", headers)
        if number not in numbers:
            raise _RowError("unknown_protocol", value=number)
        if "iin" in found and text(_cell(cells, found, "iin")):
            raw = text(_cell(cells, found, "iin"))
            cleaned = iin_rules.clean(raw)
            if cleaned.iin is None or not iin_rules.is_valid(cleaned.iin):
                raise _RowError("invalid_iin", value=raw)
        _required(cells, found, "paid_on", headers)
        return Payment(
            number, _date(_cell(cells, found, "paid_on")), _whole(_cell(cells, found, "amount"), headers["amount"])
        )

    parsed, rejects, blank, headers = _rows(path, PAYMENT_HEADERS, [("protocol",), ("paid_on",), ("amount",)], build)
    seen: dict[Payment, int] = {}
    records = []
    for line, payment in parsed:
        first = seen.setdefault(payment, line)
        if first != line:
            rejects.append(Reject(line, "duplicate", {"first": str(first)}))
            continue
        if (payment.protocol, payment.paid_on, payment.amount) in already:
            rejects.append(Reject(line, "already_held", {"value": payment.protocol}))
            continue
        records.append(payment)
    rejects.sort(key=lambda r: r.row)
    return Imported(tuple(records), tuple(rejects), len(records) + len(rejects), len(records), blank, headers)


# The inspectors' own exports (the phone page's, and ``birtizim fares synth``'s) use these headers.
CHECK_HEADERS: dict[str, tuple[str, ...]] = {
    name: (name,)
    for name in ("id", "route", "band", "start", "riders_checked", "paid", "unpaid", "exempt", "kind", "team")
}
PROTOCOL_HEADERS: dict[str, tuple[str, ...]] = {
    name: (name,)
    for name in (
        "number",
        "offence_at",
        "route",
        "stop",
        "iin",
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "address",
        "served_on",
        "appealed",
        "cancelled",
        "check_id",
    )
}


_KINDS: dict[str, CheckKind] = {k: k for k in CHECK_KINDS}


def _flag(value: object) -> bool:
    return text(value).strip().lower() in {"true", "1", "да", "иә", "yes"}


def read_checks(path: Path) -> Imported[Check]:
    def build(line: int, cells: list[object], found: dict[str, int], headers: dict[str, str]) -> Check:
        def get(name: str) -> str:
            return _required(cells, found, name, headers)

        try:
            start = dt.datetime.fromisoformat(get("start"))
        except ValueError:
            raise _RowError("bad_date", value=get("start")) from None
        kind = _KINDS.get(get("kind"))
        if kind is None:
            raise _RowError("missing", column=headers["kind"])
        numbers = {n: _whole(get(n), headers[n]) for n in ("riders_checked", "paid", "unpaid", "exempt")}
        try:
            return Check(
                get("id"),
                get("route"),
                get("band"),
                start,
                kind=kind,
                team=text(_cell(cells, found, "team")),
                **numbers,
            )
        except ValueError:
            raise _RowError("bad_number", value=numbers["riders_checked"], column=headers["riders_checked"]) from None

    parsed, rejects, blank, headers = _rows(path, CHECK_HEADERS, [(n,) for n in CHECK_HEADERS if n != "team"], build)
    return Imported(
        tuple(r for _, r in parsed), tuple(rejects), len(parsed) + len(rejects), len(parsed), blank, headers
    )


def read_protocols(path: Path) -> Imported[Protocol]:
    """Protocols as the inspectors' devices export them; the fine is computed from the offence date."""

    def build(line: int, cells: list[object], found: dict[str, int], headers: dict[str, str]) -> Protocol:
        def opt(name: str) -> str | None:
            return text(_cell(cells, found, name)) or None

        raw_time = _required(cells, found, "offence_at", headers)
        try:
            when = dt.datetime.fromisoformat(raw_time)
        except ValueError:
            raise _RowError("bad_date", value=raw_time) from None
        try:
            fine = protocol_fine(when.date())
        except UnknownMRP:
            raise _RowError("no_mrp", value=when.year) from None
        birth = opt("birth_date")
        served = opt("served_on")
        return Protocol(
            number=_required(cells, found, "number", headers),
            offence_at=when,
            route=opt("route") or "",
            stop=opt("stop") or "",
            iin=opt("iin"),
            last_name=opt("last_name"),
            first_name=opt("first_name"),
            patronymic=opt("patronymic"),
            birth_date=_date(birth) if birth else None,
            address=opt("address"),
            fine=fine,
            served_on=_date(served) if served else None,
            check_id=opt("check_id") or "",
            appealed=_flag(_cell(cells, found, "appealed")),
            cancelled=_flag(_cell(cells, found, "cancelled")),
        )

    parsed, rejects, blank, headers = _rows(path, PROTOCOL_HEADERS, [("number",), ("offence_at",)], build)
    seen: dict[str, int] = {}
    records = []
    for line, p in parsed:
        first = seen.setdefault(p.number, line)
        if first != line:
            rejects.append(Reject(line, "duplicate", {"first": str(first)}))
            continue
        records.append(p)
    rejects.sort(key=lambda r: r.row)
    return Imported(tuple(records), tuple(rejects), len(records) + len(rejects), len(records), blank, headers)
