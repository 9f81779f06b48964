"""A timesheet as an Excel workbook (the engine's XLSX writer: text cells are never formulas).

Children appear with first name and masked IIN only, as on the page; the view audits the export.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from django.utils.translation import gettext as _

from birtizim.engine import xlsx
from birtizim.web.audit.services import iin_hash
from birtizim.web.common.http import temporary_path
from birtizim.web.registry.exports import Exported
from birtizim.web.vouchers import selectors
from birtizim.web.vouchers.models import Enrolment, Timesheet


def timesheet_export(*, timesheet: Timesheet) -> Exported:
    """The month's lines (the caller checked the scope), and whose they are for the audit log."""
    figures = selectors.timesheet_figures(timesheet=timesheet)
    lines = pa.table(
        {
            "first_name": pa.array([r["first_name"] for r in figures.lines], pa.string()),
            "iin": pa.array([r["iin_masked"] for r in figures.lines], pa.string()),
            "present": pa.array([r["payment"].present for r in figures.lines], pa.int64()),
            "confirmed": pa.array([r["payment"].confirmed_present for r in figures.lines], pa.int64()),
            "excused": pa.array([r["payment"].excused for r in figures.lines], pa.int64()),
            "unexcused": pa.array([r["payment"].unexcused for r in figures.lines], pa.int64()),
            "amount": pa.array([r["payment"].amount for r in figures.lines], pa.decimal128(14, 2)),
        }
    )
    columns = [
        ("first_name", _("First name")),
        ("iin", _("IIN")),
        ("present", _("Present")),
        ("confirmed", _("Confirmed by parents")),
        ("excused", _("Excused absences")),
        ("unexcused", _("Unexcused absences")),
        ("CAST(amount AS DOUBLE)", _("Amount, tenge")),
    ]
    select = ", ".join(f'{sql} AS "{header.replace(chr(34), chr(39))}"' for sql, header in columns)
    con = duckdb.connect()
    path = temporary_path("timesheet-")
    try:
        con.register("lines", lines)
        counts = xlsx.write(con, path, [xlsx.Sheet(_("Timesheet")[:31], f"SELECT {select} FROM lines")])
    finally:
        con.close()
    iins = Enrolment.objects.filter(pk__in=[r["enrolment_id"] for r in figures.lines]).values_list(
        "child__iin", flat=True
    )
    return Exported(path, next(iter(counts.values()), 0), sorted(iin_hash(i) for i in iins), full_iin=False)
