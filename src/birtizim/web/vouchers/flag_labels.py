"""Words for the voucher core's codes (flags, entities), translated at the last moment."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FLAG: dict[str, Promise] = {
    "never_attends": _("Listed but never attending"),
    "too_many_clubs": _("More clubs than allowed"),
    "overlapping_groups": _("Two groups at the same time"),
    "departed_attends": _("Deceased or emigrated, yet attending"),
    "outside_region": _("Not in the region's single list, yet attending"),
    "over_capacity": _("Group over capacity"),
    "identical_checkins": _("Identical check-in times"),
    "bulk_entry": _("A month of marks entered at once"),
    "perfect_attendance": _("100% attendance of a whole group"),
    "holiday_marks": _("Marks on a public holiday"),
    "off_schedule_marks": _("Marks outside the timetable"),
    "parent_never_confirms": _("Parent never confirms"),
    "duplicate_timesheet": _("Duplicate timesheet"),
}

ENTITY: dict[str, Promise] = {
    "enrolment": _("enrolment"),
    "child": _("child"),
    "group": _("group"),
    "group_month": _("group and month"),
    "session": _("session"),
    "parent": _("parent"),
    "timesheet": _("timesheet"),
}


def flag(code: str) -> str:
    return str(FLAG.get(code, code))


def entity(code: str) -> str:
    return str(ENTITY.get(code, code))
