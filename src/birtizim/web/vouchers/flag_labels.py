"""Words for the voucher core's codes (flags, entities) and its evidence, translated at the last moment.

The core keeps each flag's figures as named facts (``birtizim.vouchers.flags``); here they become a
sentence in the reader's language, with the groups and children named rather than numbered. Sentences
put a number after its label ("sessions held: 16") so that no language needs a plural form per number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from birtizim import wording

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

# What a case is about, named: {child}, {group}, {date}, {month}, {children} are filled in by the selector.
SUBJECT: dict[str, Promise] = {
    "enrolment": _("%(child)s in %(group)s"),
    "group_month": _("%(group)s, %(month)s"),
    "session": _("%(group)s, session of %(date)s"),
    "parent": _("parent of %(children)s"),
    "timesheet": _("timesheet of %(group)s for %(month)s"),
}
OTHER_CHILD = _("a child of another district")
OTHER_GROUP = _("a group of another district")
UNKNOWN = _("a record no longer in the register")

EVIDENCE: dict[str, Promise] = {
    "never_attends": _(
        "Listed in %(group)s but not present at a single session: sessions held %(sessions)s "
        "(%(first_day)s – %(last_day)s); excused absences %(excused)s, unexcused %(unexcused)s, "
        "unmarked %(unmarked)s."
    ),
    "too_many_clubs": _(
        "Enrolled in %(clubs)s clubs at once on %(day)s (%(groups)s; providers: %(providers)s); "
        "at most %(allowed)s are allowed."
    ),
    "overlapping_groups": _(
        "Marked present in two groups at overlapping times; days with an overlap: %(days)s. The first, "
        "%(day)s: %(group_a)s %(start_a)s–%(end_a)s and %(group_b)s %(start_b)s–%(end_b)s "
        "(minutes in both: %(minutes)s)."
    ),
    "departed_attends": _(
        "The single list shows this child as %(registry_status)s, yet marked present at sessions: %(present)s "
        "(%(first_day)s – %(last_day)s; providers: %(providers)s)."
    ),
    "outside_region": _(
        "%(why)s, yet marked present at sessions: %(present)s (%(first_day)s – %(last_day)s; providers: %(providers)s)."
    ),
    "over_capacity": _(
        "Places in the group: %(capacity)s. Enrolled at once, at most: %(enrolled)s%(enrolled_on)s. %(present)s"
    ),
    "identical_checkins": _(
        "Sessions at which %(min_children)s or more children checked in at the same second: %(sessions_hit)s "
        "of %(sessions)s; the largest such group: %(children)s (%(at)s)."
    ),
    "bulk_entry": _(
        "The marks of sessions held %(first_day)s – %(last_day)s (sessions: %(sessions)s, marks: %(marks)s) "
        "were saved within %(window)s min from %(saved_at)s."
    ),
    "perfect_attendance": _(
        "Every enrolled child present at every session: children %(children)s, sessions %(sessions)s, "
        "present marks %(present)s of %(expected)s."
    ),
    "holiday_marks": _(
        "Session of %(group)s on %(date)s (%(weekday)s), a public holiday, %(holiday)s: children marked "
        "present %(children)s."
    ),
    "off_schedule_marks": _(
        "Session of %(group)s on %(weekday)s %(date)s at %(start)s matches no slot of its timetable "
        "(%(slots)s): children marked present %(children)s; sessions that week %(week_sessions)s, in the "
        "timetable %(week_slots)s."
    ),
    "parent_never_confirms": _(
        "Confirmation links sent: %(links)s, over months: %(months)s, for enrolments: %(enrolments)s. "
        "None confirmed; disputed %(disputed)s, unanswered %(unanswered)s."
    ),
    "duplicate_timesheet": _(
        "Repeats the timesheet of %(group)s for %(period)s created %(first_created)s: present marks %(present)s "
        "and %(amount)s tenge claimed again."
    ),
}
ENROLLED_ON = _(" (on %(day)s)")
PRESENT_MOST = _("Present at one session, at most: %(present)s (%(day)s).")
NOBODY_PRESENT = _("Nobody was marked present.")
NO_IIN = _("No IIN is recorded")
IIN_OUTSIDE = _("The IIN is not in the region's single list")
NO_TIMETABLE = _("no timetable")
REGISTRY_STATUS: dict[str, Promise] = {"deceased": _("deceased"), "emigrated": _("emigrated")}

# Kazakhstan's public holidays as the ``holidays`` package names them in English (it has no Russian).
HOLIDAY: dict[str, Promise] = {
    "New Year's Day": _("New Year's Day"),
    "Orthodox Christmas": _("Orthodox Christmas"),
    "International Women's Day": _("International Women's Day"),
    "Nowruz Holiday": _("Nowruz"),
    "Kazakhstan's People Solidarity Holiday": _("Day of the Unity of the People of Kazakhstan"),
    "Defender of the Fatherland Day": _("Defender of the Fatherland Day"),
    "Victory Day": _("Victory Day"),
    "Capital Day": _("Capital Day"),
    "Eid al-Adha": _("Kurban Ait"),
    "Constitution Day": _("Constitution Day"),
    "Republic Day": _("Republic Day"),
    "First President Day": _("First President Day"),
    "Independence Day": _("Independence Day"),
    "declared day off": _("a declared day off"),
}


def flag(code: str) -> str:
    return str(FLAG.get(code, code))


def entity(code: str) -> str:
    return str(ENTITY.get(code, code))


def holiday(name: str) -> str:
    estimated = name.endswith(" (estimated)")
    found = HOLIDAY.get(name.removesuffix(" (estimated)"))
    return (str(found) if found else name) + (" (" + gettext_now("estimated") + ")" if estimated else "")


# ---- figures as the reader writes them --------------------------------------------------------------


def _number(value: Any) -> str:
    try:
        return wording.whole(float(value), wording.language_of(get_language()))
    except (TypeError, ValueError):
        return "–"


def _day(value: Any) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), "SHORT_DATE_FORMAT")
    except ValueError:
        return "–"


def _moment(value: Any) -> str:
    try:
        return date_format(dt.datetime.fromisoformat(str(value)), "SHORT_DATETIME_FORMAT")
    except ValueError:
        return "–"


def _month(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%m.%Y")
    except ValueError:
        return "–"


def _money(value: Any) -> str:
    try:
        return str(number_format(Decimal(str(value)), 2, force_grouping=True))
    except (InvalidOperation, ValueError):
        return "–"


def _weekday(day: Any) -> str:
    try:
        return str(WEEKDAYS[dt.date.fromisoformat(str(day)[:10]).weekday()])
    except ValueError:
        return ""


def _slots(slots: Any) -> str:
    if not slots:
        return str(NO_TIMETABLE)
    return ", ".join(f"{WEEKDAYS_ABBR[int(s['weekday']) - 1]} {s['start']}–{s['end']}" for s in slots)


def evidence(code: str, facts: Mapping[str, Any], group: Callable[[Any], str], fallback: str = "") -> str:
    """The flag's evidence in the reader's language; ``group(id)`` names a group (or says it is not shown).

    A case raised before the core kept facts (``facts`` empty) shows its stored English sentence.
    """
    template = EVIDENCE.get(code)
    if template is None or not facts:
        return fallback
    f = dict(facts)
    n = _number
    values: dict[str, Any]
    if code == "never_attends":
        values = {
            "group": group(f.get("group")), "sessions": n(f.get("sessions")), "first_day": _day(f.get("first_day")),
            "last_day": _day(f.get("last_day")), "excused": n(f.get("excused")), "unexcused": n(f.get("unexcused")),
            "unmarked": n(f.get("unmarked")),
        }  # fmt: skip
    elif code == "too_many_clubs":
        values = {
            "clubs": n(f.get("clubs")), "day": _day(f.get("day")),
            "groups": ", ".join(group(g) for g in f.get("groups") or []),
            "providers": n(f.get("providers")), "allowed": n(f.get("allowed")),
        }  # fmt: skip
    elif code == "overlapping_groups":
        values = {
            "days": n(f.get("days")), "day": _day(f.get("day")), "group_a": group(f.get("group_a")),
            "start_a": f.get("start_a", ""), "end_a": f.get("end_a", ""), "group_b": group(f.get("group_b")),
            "start_b": f.get("start_b", ""), "end_b": f.get("end_b", ""), "minutes": n(f.get("minutes")),
        }  # fmt: skip
    elif code in ("departed_attends", "outside_region"):
        status = REGISTRY_STATUS.get(str(f.get("registry_status")))
        values = {
            "registry_status": str(status) if status else str(f.get("registry_status", "")),
            "why": str(NO_IIN if f.get("no_iin") else IIN_OUTSIDE), "present": n(f.get("present")),
            "first_day": _day(f.get("first_day")), "last_day": _day(f.get("last_day")),
            "providers": n(f.get("providers")),
        }  # fmt: skip
    elif code == "over_capacity":
        on = f.get("enrolled_on")
        present = (
            str(PRESENT_MOST) % {"present": n(f.get("present")), "day": _day(f.get("present_on"))}
            if f.get("present")
            else str(NOBODY_PRESENT)
        )
        values = {
            "capacity": n(f.get("capacity")), "enrolled": n(f.get("enrolled")),
            "enrolled_on": str(ENROLLED_ON) % {"day": _day(on)} if on else "", "present": present,
        }  # fmt: skip
    elif code == "identical_checkins":
        values = {
            "min_children": n(f.get("min_children")), "sessions_hit": n(f.get("sessions_hit")),
            "sessions": n(f.get("sessions")), "children": n(f.get("children")), "at": _moment(f.get("at")),
        }  # fmt: skip
    elif code == "bulk_entry":
        values = {
            "first_day": _day(f.get("first_day")), "last_day": _day(f.get("last_day")),
            "sessions": n(f.get("sessions")), "marks": n(f.get("marks")), "window": n(f.get("window")),
            "saved_at": _moment(f.get("saved_at")),
        }  # fmt: skip
    elif code == "perfect_attendance":
        values = {k: n(f.get(k)) for k in ("children", "sessions", "present", "expected")}
    elif code == "holiday_marks":
        values = {
            "group": group(f.get("group")), "date": _day(f.get("date")), "weekday": _weekday(f.get("date")),
            "holiday": holiday(str(f.get("holiday", ""))), "children": n(f.get("children")),
        }  # fmt: skip
    elif code == "off_schedule_marks":
        values = {
            "group": group(f.get("group")), "weekday": _weekday(f.get("date")), "date": _day(f.get("date")),
            "start": f.get("start", ""), "slots": _slots(f.get("slots")), "children": n(f.get("children")),
            "week_sessions": n(f.get("week_sessions")), "week_slots": n(f.get("week_slots")),
        }  # fmt: skip
    elif code == "parent_never_confirms":
        values = {k: n(f.get(k)) for k in ("links", "months", "enrolments", "disputed", "unanswered")}
    elif code == "duplicate_timesheet":
        values = {
            "group": group(f.get("group")), "period": _month(f.get("period")),
            "first_created": _moment(f.get("first_created")), "present": n(f.get("present")),
            "amount": _money(f.get("amount")),
        }  # fmt: skip
    else:  # pragma: no cover - every code of EVIDENCE has its branch
        return fallback
    return str(template) % values
