"""The red-flags list as an Excel workbook, in the reader's language.

xlsxwriter writes every text with ``write_string`` (and the workbook refuses to turn strings into
formulas or links), so a sentence or an answer starting with ``=`` stays text: nothing a district
typed can run in leadership's Excel.
"""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from birtizim.engine import xlsx
from birtizim.web.common.http import temporary_path
from birtizim.web.outreach import check_labels, selectors
from birtizim.web.outreach.models import FollowUp


def flags_export(*, flags: QuerySet[FollowUp]) -> tuple[Path, int]:
    """Write the (already scoped and filtered) flags; returns the file and its number of rows."""
    rules = selectors.rules_current().rules
    names = selectors.district_names()
    # Each column's title and width, one definition (as the projects' export has them).
    columns = [
        (_("Severity"), 12),
        (_("District"), 24),
        (_("Period"), 9),
        (_("Check"), 32),
        (_("Explanation"), 90),
        (_("Follow-up"), 16),
        (_("Assigned to"), 16),
        (_("Answer"), 16),
        (_("Raised on"), 16),
    ]
    path = temporary_path("flags-")
    book = xlsx.text_safe_workbook(str(path))
    rows = 0
    try:
        sheet = book.add_worksheet(_("Red flags")[:31])
        bold = book.add_format({"bold": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        date = book.add_format({"num_format": "dd.mm.yyyy", "valign": "top"})
        for col, (header, width) in enumerate(columns):
            sheet.write_string(0, col, header, bold)
            sheet.set_column(col, col, width)
        for rows, flag in enumerate(flags, start=1):
            values = [
                check_labels.severity(flag.severity),
                names.get(flag.district, flag.district),
                flag.period,
                selectors.check_title(flag.code, rules),
                flag.explanation,
                str(flag.get_state_display()),
                flag.assigned_to.get_username() if flag.assigned_to else "",
                flag.answer,
            ]
            for col, value in enumerate(values):
                sheet.write_string(rows, col, value, wrap)
            raised = timezone.localtime(flag.raised_at).replace(tzinfo=None)
            sheet.write_datetime(rows, len(values), raised, date)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    finally:
        book.close()
    return path, rows
