"""Each flag fires on a hand-built case stored in the database, through the web's set-based run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from conftest import World
from test_vouchers_builder import OCT, Club, local, new_iin

from birtizim.web.registry import runstore
from birtizim.web.vouchers import models as m
from birtizim.web.vouchers.flag_cases import flags_run

OCT_END = dt.date(2019, 10, 31)
NOV = dt.date(2019, 11, 1)


def found(code: str) -> set[int]:
    return set(m.Flag.objects.filter(code=code, active=True).values_list("entity_id", flat=True))


def never_attends(club: Club, world: World) -> int:
    sessions = club.timetable(OCT, OCT_END)  # 9 Mondays and Wednesdays
    ghost = club.enrol()
    honest = club.enrol()
    for s in sessions:
        club.mark(s, ghost, "excused_absence")
        club.mark(s, honest)
    return ghost.pk


def too_many_clubs(club: Club, world: World) -> int:
    child = club.child()
    for weekday in (1, 2, 3):
        club.enrol(child, group=club.new_group(slots=((weekday, "15:30", 60),)))
    return child.pk


def overlapping_groups(club: Club, world: World) -> int:
    child = club.child()
    other = club.new_group(slots=((1, "16:00", 90),))
    a, b = club.enrol(child), club.enrol(child, group=other)
    monday = dt.date(2019, 10, 14)
    club.mark(club.session(monday, "15:30"), a)
    club.mark(club.session(monday, "16:00", group=other), b)
    return child.pk


def _iin_with_status(world: World, status: str) -> str:
    iin = runstore.value(
        world.run.folder, "SELECT min(iin) FROM persons WHERE registry_status = ? AND iin IS NOT NULL", [status]
    )
    assert iin is not None, f"the test region has nobody {status}"
    return str(iin)


def departed_attends(club: Club, world: World) -> int:
    child = club.child(iin=_iin_with_status(world, "deceased"))
    club.mark(club.session(dt.date(2019, 10, 14)), club.enrol(child))
    return child.pk


def outside_region(club: Club, world: World) -> int:
    child = club.child(iin=new_iin(dt.date(2011, 3, 2)))
    assert runstore.value(world.run.folder, "SELECT count(*) FROM persons WHERE iin = ?", [child.iin]) == 0
    club.mark(club.session(dt.date(2019, 10, 14)), club.enrol(child))
    return child.pk


def over_capacity(club: Club, world: World) -> int:
    small = club.new_group(capacity=2)
    for _ in range(3):
        club.enrol(group=small)
    return small.pk


def identical_checkins(club: Club, world: World) -> int:
    s = club.session(dt.date(2019, 10, 14))
    at = local(s.date, "15:20")
    for _ in range(4):
        club.mark(s, club.enrol(), checked_in_at=at)
    return club.group.pk


def bulk_entry(club: Club, world: World) -> int:
    once = local(dt.date(2019, 10, 31), "21:00")
    enrolment = club.enrol()
    for i, s in enumerate(club.timetable(OCT, OCT_END)):
        club.mark(s, enrolment, entered_at=once + dt.timedelta(minutes=i))
    return club.group.pk


def perfect_attendance(club: Club, world: World) -> int:
    children = [club.enrol() for _ in range(5)]
    for s in club.timetable(OCT, OCT_END):
        for e in children:
            club.mark(s, e)
    return club.group.pk


def holiday_marks(club: Club, world: World) -> int:
    s = club.session(dt.date(2019, 12, 16))  # Independence Day, a Monday
    club.mark(s, club.enrol())
    return s.pk


def off_schedule_marks(club: Club, world: World) -> int:
    e = club.enrol()
    for day in (dt.date(2019, 10, 14), dt.date(2019, 10, 16)):
        club.mark(club.session(day), e)
    sunday = club.session(dt.date(2019, 10, 20), "11:00")  # a third session in a week of two slots
    club.mark(sunday, e)
    return sunday.pk


def parent_never_confirms(club: Club, world: World) -> int:
    e = club.enrol()
    for period in (OCT, NOV):
        sent = local(period, "10:00") + dt.timedelta(days=32)
        m.ConfirmationLink.objects.create(
            enrolment=e,
            parent=e.child.parent,
            period=period,
            nonce=f"n-{e.pk}-{period:%m}",
            sent_at=sent,
            expires_at=sent + dt.timedelta(days=10),
        )
    assert e.child.parent_id is not None
    return e.child.parent_id


def duplicate_timesheet(club: Club, world: World) -> int:
    first = m.Timesheet.objects.create(
        group=club.group, provider=club.provider, period=OCT, created_at=local(NOV, "09:00")
    )
    second = m.Timesheet.objects.create(
        group=club.group, provider=club.provider, period=OCT, created_at=local(NOV, "12:00")
    )
    assert first.pk < second.pk
    return second.pk


CASES: dict[str, Callable[[Club, World], int]] = {
    f.__name__: f
    for f in (
        never_attends, too_many_clubs, overlapping_groups, departed_attends, outside_region, over_capacity,
        identical_checkins, bulk_entry, perfect_attendance, holiday_marks, off_schedule_marks,
        parent_never_confirms, duplicate_timesheet,
    )
}  # fmt: skip


@pytest.mark.parametrize("code", list(CASES))
def test_it_raises_each_flag_on_its_hand_built_case(world: World, db: None, code: str) -> None:
    club = Club()
    entity = CASES[code](club, world)
    record = flags_run(scope=None)
    assert entity in found(code), (code, record.counts)
    flag = m.Flag.objects.get(code=code, entity_id=entity)
    assert flag.provider_ids == [club.provider.pk] and flag.district == "talgar" and flag.evidence


def test_it_raises_nothing_for_an_honest_group(world: World, db: None) -> None:
    club = Club()
    children = [club.enrol(club.child(iin=_resident_iin(world, i))) for i in range(3)]
    for i, s in enumerate(club.timetable(OCT, OCT_END)):
        for j, e in enumerate(children):
            club.mark(s, e, "present" if (i + j) % 4 else "excused_absence")
    record = flags_run(scope=None)
    assert record.found == 0, record.counts
    assert not m.Flag.objects.exists()


def _resident_iin(world: World, nth: int) -> str:
    iin = runstore.value(
        world.run.folder,
        "SELECT iin FROM persons WHERE registry_status = 'resident' AND iin IS NOT NULL ORDER BY iin LIMIT 1 OFFSET ?",
        [nth],
    )
    return str(iin)


def test_it_keeps_one_case_per_flag_across_runs_and_remembers_decisions(world: World, db: None) -> None:
    club = Club()
    over_capacity(club, world)
    holiday = holiday_marks(club, world)
    first = flags_run(scope=None)
    assert first.new == first.found == m.Flag.objects.count() >= 2
    m.Flag.objects.filter(code="holiday_marks").update(status=m.Flag.Status.DISMISSED)
    second = flags_run(scope=None)
    assert second.new == 0 and m.Flag.objects.count() == first.found  # no duplicate case
    assert m.Flag.objects.get(code="holiday_marks", entity_id=holiday).status == m.Flag.Status.DISMISSED
    # The data change (the holiday session is deleted): the case stays, no longer active.
    m.Session.objects.filter(pk=holiday).delete()
    flags_run(scope=None)
    case = m.Flag.objects.get(code="holiday_marks", entity_id=holiday)
    assert case.active is False and case.status == m.Flag.Status.DISMISSED
