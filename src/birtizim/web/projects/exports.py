"""The portfolio as an Excel workbook and the objects as an OC4IDS project package.

The workbook is written by xlsxwriter cell by cell (a portfolio is tens or hundreds of rows): text
with ``write_string`` and the workbook's formula and number conversion off, so a contractor's name
that begins with ``=`` stays text and a BIN keeps its leading zero. Headers and words are in the
reader's language.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from birtizim import projects as core
from birtizim.engine import xlsx
from birtizim.web.accounts.scope import Scope
from birtizim.web.projects import convert, explain, selectors

PUBLISHER = "Birtizim"


def portfolio_xlsx(*, scope: Scope, district: str = "") -> tuple[bytes, int]:
    """The portfolio page's rows in its order; returns (workbook bytes, rows)."""
    rows = selectors.portfolio_get(scope=scope, district=district)
    out = io.BytesIO()
    book = xlsx.text_safe_workbook(out)
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF5", "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    share = book.add_format({"num_format": "0.0%"})
    ratio = book.add_format({"num_format": "0.00"})
    money = book.add_format({"num_format": "#,##0"})
    sheet = book.add_worksheet(_("Portfolio")[:31])
    headers: list[tuple[str, int]] = [
        ("#", 4),
        (_("Code"), 16),
        (_("Object"), 44),
        (_("District"), 22),
        (_("Kind of object"), 18),
        (_("Rating"), 10),
        (_("Why"), 70),
        (_("P(on time)"), 11),
        (_("P50 finish"), 12),
        (_("P80 finish"), 12),
        (_("Deadline"), 12),
        (_("SPI(t)"), 8),
        (_("SPI"), 8),
        (_("CPI"), 8),
        (_("EAC, tenge"), 16),
        (_("Complete"), 10),
        (_("Planned"), 10),
        (_("Last report"), 12),
        (_("Red flags"), 70),
        (_("Contractor"), 30),
        (_("Contractor's BIN"), 14),
        (_("Contract amount, tenge"), 16),
        (_("Forecast as of"), 12),
    ]
    for col, (title, width) in enumerate(headers):
        sheet.write_string(0, col, title, bold)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 3)

    def when(value: dt.date | None, r: int, c: int) -> None:
        if value is not None:
            sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), day)

    def number(value: float | None, r: int, c: int, fmt: Any) -> None:
        if value is not None:
            sheet.write_number(r, c, value, fmt)

    for n, row in enumerate(rows, start=1):
        p, s = row.project, row.snapshot
        sheet.write_number(n, 0, n)
        sheet.write_string(n, 1, p.code)
        sheet.write_string(n, 2, p.name)
        sheet.write_string(n, 3, row.district_name)
        sheet.write_string(n, 4, str(p.get_kind_display()))
        sheet.write_string(n, 19, p.contractor_name)
        sheet.write_string(n, 20, p.contractor_bin)
        sheet.write_number(n, 21, float(p.budget), money)
        when(p.deadline, n, 10)
        if s is None:
            sheet.write_string(n, 6, _("No schedule yet: nothing to forecast."))
            continue
        sheet.write_string(n, 5, explain.rag_label(s.rag))
        sheet.write_string(n, 6, row.reason)
        number(s.p_on_time, n, 7, share)
        when(s.p50, n, 8)
        when(s.p80, n, 9)
        number(s.spi_t, n, 11, ratio)
        number(s.spi, n, 12, ratio)
        number(s.cpi, n, 13, ratio)
        number(s.eac, n, 14, money)
        number(s.percent_complete / 100, n, 15, share)
        number(s.percent_planned / 100, n, 16, share)
        when(s.data_date, n, 17)
        sheet.write_string(n, 18, " ".join(line.sentence for line in selectors.flag_lines(list(s.flags))))
        when(s.as_of, n, 22)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    book.close()
    return out.getvalue(), len(rows)


def oc4ids_json(*, scope: Scope, base_url: str = "") -> dict[str, Any]:
    """Every object in scope that has a schedule, forecast now (one simulation each: an export, not a page)."""
    as_of = selectors.forecast_as_of()
    forecasts = []
    for p in convert.with_data(selectors.projects_visible(scope=scope).order_by("code")):
        f = selectors.object_forecast(convert.object_data(p), as_of=as_of)
        if f is not None:
            forecasts.append(f)
    return core.oc4ids_package(
        core.rank_portfolio(forecasts),
        published=timezone.now(),
        publisher=PUBLISHER,
        uri=base_url,
    )


def filename(prefix: str, suffix: str) -> str:
    return f"{prefix}-{timezone.localdate():%Y%m%d}.{suffix}"
