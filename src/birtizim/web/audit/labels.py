"""Words for what the audit log says was viewed (``Access.subject``), in the reader's language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from birtizim.web.audit.models import Access

# %(ref)s is the record's number or the month.
SUBJECT: dict[str, Promise] = {
    "vouchers.group_roster": _("Vouchers: roster of group no. %(ref)s"),
    "vouchers.session_attendance": _("Vouchers: attendance of session no. %(ref)s"),
    "vouchers.timesheet": _("Vouchers: timesheet no. %(ref)s"),
    "vouchers.timesheet_export": _("Vouchers: timesheet no. %(ref)s, export"),
    "vouchers.parent_links": _("Vouchers: parents' links of timesheet no. %(ref)s"),
    "vouchers.parent_link": _("Vouchers: parent's link no. %(ref)s"),
    "vouchers.flag": _("Vouchers: case no. %(ref)s"),
    "vouchers.flags": _("Vouchers: list of fraud flags"),
    "vouchers.children": _("Vouchers: list of children"),
    "vouchers.child": _("Vouchers: child no. %(ref)s"),
    "vouchers.applications": _("Vouchers: applications of batch %(ref)s"),
    "vouchers.applications_pending": _("Vouchers: applications waiting for the next batch"),
    "vouchers.enrolment": _("Vouchers: enrolment no. %(ref)s"),
    "registry.assigned_to": _("Work list: residents assigned to %(ref)s"),
    "registry.data_quality": _("Agency rows at fault"),
    "registry.data_quality_export": _("Agency rows at fault, export"),
    "fares.protocols": _("Fares: protocols %(ref)s"),
    "fares.protocol": _("Fares: protocol %(ref)s"),
    "fares.protocols_export": _("Fares: protocols %(ref)s, export"),
    "fares.report": _("Fares: report for %(ref)s"),
    "fares.offenders": _("Fares: repeat offenders"),
    "fares.person": _("Fares: one person's protocols"),
}


def subject(entry: Access) -> str:
    """What the entry says was viewed; a work list's entry is its action and the search typed."""
    found = SUBJECT.get(entry.subject)
    if found is None:
        return entry.subject
    return (str(found) % {"ref": entry.subject_ref}).replace("  ", " ").strip()
