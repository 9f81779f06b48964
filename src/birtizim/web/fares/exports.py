"""Excel: the protocol register and the monthly report, in the reader's language.

Text is written with ``write_string`` in a text-safe workbook, so a name starting with ``=`` stays
text. IINs are masked unless the caller has the right to reveal them and asked to (the view audits
either way).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from birtizim.engine import xlsx
from birtizim.fares.fines import FineState
from birtizim.web.common.http import temporary_path
from birtizim.web.fares import entities
from birtizim.web.fares.labels import fine_status
from birtizim.web.fares.models import Protocol
from birtizim.web.fares.selectors import MonthFigures, mask

# xgettext:no-python-format
INTERVAL_FROM = gettext_lazy("95% interval, from")  # the "% i" is no format: the comment tells xgettext


def _book(prefix: str) -> tuple[Path, Any]:
    path = temporary_path(prefix)
    return path, xlsx.text_safe_workbook(str(path))


def _header(book: Any, sheet: Any, headers: Sequence[str]) -> None:
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    sheet.freeze_panes(1, 0)


def protocols_export(*, rows: Sequence[Protocol], states: dict[str, FineState], full_iin: bool = False) -> Path:
    headers = [
        _("Protocol"),
        _("Time of the offence"),
        _("Route"),
        _("Stop"),
        _("IIN"),
        _("Last name"),
        _("First name"),
        _("Patronymic"),
        _("Date of birth"),
        _("Fine, tenge"),
        _("Served on"),
        _("Fine"),
        _("Paid, tenge"),
        _("Inspector"),
    ]
    path, book = _book("protocols-")
    try:
        sheet = book.add_worksheet(_("Protocols")[:31])
        when = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
        day = book.add_format({"num_format": "dd.mm.yyyy"})
        _header(book, sheet, headers)
        for r, p in enumerate(rows, start=1):
            state = states.get(p.number)
            sheet.write_string(r, 0, p.number)
            sheet.write_datetime(r, 1, entities.local(p.offence_at), when)
            for col, value in enumerate(
                [p.route, p.stop, p.iin if full_iin else mask(p.iin), p.last_name, p.first_name, p.patronymic], start=2
            ):
                sheet.write_string(r, col, value or "")
            if p.birth_date:
                sheet.write_datetime(r, 8, p.birth_date, day)
            sheet.write_number(r, 9, p.fine)
            if p.served_on:
                sheet.write_datetime(r, 10, p.served_on, day)
            sheet.write_string(r, 11, fine_status(state.status) if state else "")
            sheet.write_number(r, 12, state.paid if state else 0)
            sheet.write_string(r, 13, p.inspector.get_username() if p.inspector else "")
        sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
        sheet.set_column(0, 1, 16)
        sheet.set_column(2, 4, 14)
        sheet.set_column(5, 7, 18)
        sheet.set_column(8, 13, 13)
    finally:
        book.close()
    return path


def report_export(*, figures: MonthFigures, trend: Sequence[MonthFigures], bands: dict[str, str]) -> Path:
    """The month's headline, KPIs and strata, and the trend by month: figures only, no person."""
    path, book = _book("fares-report-")
    try:
        pct = book.add_format({"num_format": "0.0%"})
        whole = book.add_format({"num_format": "#,##0"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        summary = book.add_worksheet(_("Month")[:31])
        summary.set_column(0, 0, 48)
        summary.set_column(1, 3, 16)
        summary.write_string(0, 0, _("Month"))
        summary.write_string(0, 1, figures.month)
        k = figures.kpis
        if k is None:
            summary.write_string(2, 0, figures.problem)
        else:
            e = k.evasion
            summary.merge_range(1, 0, 1, 3, figures.sentence, wrap)
            summary.set_row(1, 60)
            _header_row(book, summary, 3, [_("Figure"), _("Estimate"), str(INTERVAL_FROM), _("to")])
            lines: list[tuple[str, float, float | None, float | None, Any]] = [
                (_("Evasion rate"), e.city.rate, e.city.low, e.city.high, pct),
                (
                    _("Riders without paying in the month"),
                    e.unpaid_riders.estimate,
                    e.unpaid_riders.low,
                    e.unpaid_riders.high,
                    whole,
                ),
            ]
            if e.revenue_lost is not None:
                lines.append(
                    (_("Revenue lost, tenge"), e.revenue_lost.estimate, e.revenue_lost.low, e.revenue_lost.high, whole)
                )
            lines += [
                (_("Protocols"), k.protocols, None, None, whole),
                (_("Measurement checks"), k.measurement_checks, None, None, whole),
                (_("Enforcement raids"), k.enforcement_checks, None, None, whole),
                (_("Riders checked"), k.riders_checked, None, None, whole),
                (_("Inspection rate"), k.inspection_rate, None, None, pct),
            ]
            for label, value, share in (
                (_("Sanction rate"), k.sanction_rate, pct),
                (_("Fines collected within the deadline"), k.collected_in_time_share, pct),
                (_("Checks per inspector hour"), k.checks_per_inspector_hour, None),
                (_("Protocols per inspector hour"), k.protocols_per_inspector_hour, None),
                (_("Design effect"), e.city.deff, None),
            ):
                if value is not None:
                    lines.append((label, value, None, None, share))
            for i, (label, value, low, high, fmt) in enumerate(lines, start=4):
                summary.write_string(i, 0, label)
                summary.write_number(i, 1, value, fmt)
                if low is not None and high is not None:
                    summary.write_number(i, 2, low, fmt)
                    summary.write_number(i, 3, high, fmt)
            _strata_sheet(book, figures, bands, pct, whole)
        _trend_sheet(book, trend, pct, whole)
    finally:
        book.close()
    return path


def _header_row(book: Any, sheet: Any, row: int, headers: Sequence[str]) -> None:
    bold = book.add_format({"bold": True})
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, bold)


def _strata_sheet(book: Any, figures: MonthFigures, bands: dict[str, str], pct: Any, whole: Any) -> None:
    assert figures.kpis is not None
    sheet = book.add_worksheet(_("Routes and time bands")[:31])
    headers = [
        _("Route"),
        _("Time band"),
        _("Boardings"),
        _("Trips checked"),
        _("Riders checked"),
        _("Unpaid found"),
        _("Evasion rate"),
        str(INTERVAL_FROM),
        _("to"),
    ]
    _header(book, sheet, headers)
    for r, s in enumerate(figures.kpis.evasion.strata, start=1):
        sheet.write_string(r, 0, s.route)
        sheet.write_string(r, 1, bands.get(s.band, s.band))
        sheet.write_number(r, 2, s.ridership, whole)
        if s.rate is not None:
            sheet.write_number(r, 3, s.rate.trips)
            sheet.write_number(r, 4, s.rate.riders_checked)
            sheet.write_number(r, 5, s.rate.unpaid_found)
            sheet.write_number(r, 6, s.rate.rate, pct)
            sheet.write_number(r, 7, s.rate.low, pct)
            sheet.write_number(r, 8, s.rate.high, pct)
    sheet.autofilter(0, 0, max(len(figures.kpis.evasion.strata), 1), len(headers) - 1)
    sheet.set_column(0, 8, 14)


def _trend_sheet(book: Any, trend: Sequence[MonthFigures], pct: Any, whole: Any) -> None:
    sheet = book.add_worksheet(_("Trend")[:31])
    headers = [_("Month"), _("Evasion rate"), str(INTERVAL_FROM), _("to"), _("Protocols"), _("Inspection rate")]
    _header(book, sheet, headers)
    for r, t in enumerate(trend, start=1):
        sheet.write_string(r, 0, t.month)
        if t.kpis is not None:
            c = t.kpis.evasion.city
            sheet.write_number(r, 1, c.rate, pct)
            sheet.write_number(r, 2, c.low, pct)
            sheet.write_number(r, 3, c.high, pct)
            sheet.write_number(r, 4, t.kpis.protocols, whole)
            sheet.write_number(r, 5, t.kpis.inspection_rate, pct)
    sheet.set_column(0, 5, 16)
