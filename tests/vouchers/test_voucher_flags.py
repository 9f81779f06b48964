"""Each flag on a hand-built case where it must fire and one where it must not."""

import datetime as dt
import json

import pytest
from voucher_builder import OCT, Tables

from birtizim.vouchers import flags, schema

NOV = dt.date(2019, 11, 1)
OCT_END = dt.date(2019, 10, 31)
MON, WED = dt.date(2019, 10, 14), dt.date(2019, 10, 16)


def attending(t: Tables, group: int, sessions: list[int], kind: str = "present") -> int:
    enrolment = t.enrol(t.child(), group)
    for s in sessions:
        t.mark(s, enrolment, kind)
    return enrolment


# ----- never_attends -----


def test_never_attends_fires_for_a_listed_child_never_present() -> None:
    t = Tables()
    g = t.group()
    sessions = t.timetable_sessions(g, OCT, OCT_END)  # 9 Mondays and Wednesdays
    ghost = attending(t, g, sessions, "excused_absence")
    attending(t, g, sessions)
    rows = t.flag("never_attends")
    assert [r["entity_id"] for r in rows] == [ghost]
    assert "present at 0 of 9 sessions" in rows[0]["evidence"] and "9 excused" in rows[0]["evidence"]
    # The same figures, named, for pages in the reader's language.
    assert json.loads(rows[0]["facts"]) == {
        "group": g, "sessions": 9, "first_day": "2019-10-02", "last_day": "2019-10-30",
        "excused": 9, "unexcused": 0, "unmarked": 0,
    }  # fmt: skip


def test_never_attends_spares_one_presence_a_closed_enrolment_and_a_newcomer() -> None:
    t = Tables()
    g = t.group()
    sessions = t.timetable_sessions(g, OCT, OCT_END)
    once = t.enrol(t.child(), g)
    for i, s in enumerate(sessions):
        t.mark(s, once, "present" if i == 4 else "unexcused_absence")
    t.enrol(t.child(), g, end=OCT_END)  # left, no marks: an honest drop-out
    t.enrol(t.child(), g, start=dt.date(2019, 10, 21))  # 4 sessions since joining, below the threshold
    assert t.flag("never_attends") == []
    assert len(t.flag("never_attends", never_attends_min_sessions=4)) == 1


# ----- too_many_clubs -----


def test_too_many_clubs_fires_for_three_clubs_at_once() -> None:
    t = Tables()
    child = t.child()
    groups = [t.group(slots=((d, "15:30", 60),)) for d in (1, 2, 3)]
    for g in groups:
        t.enrol(child, g, start=dt.date(2019, 9, 2 + g))
    rows = t.flag("too_many_clubs")
    assert [r["entity_id"] for r in rows] == [child]
    assert rows[0]["evidence"].startswith("child in 3 clubs at once on 2019-09-05")
    assert "at most 2 allowed" in rows[0]["evidence"] and rows[0]["value"] == 3
    assert t.flag("too_many_clubs", max_clubs=3) == []


def test_too_many_clubs_spares_a_child_who_moved() -> None:
    t = Tables()
    child = t.child()
    a, b, c = (t.group() for _ in range(3))
    t.enrol(child, a, end=dt.date(2019, 9, 30))
    t.enrol(child, b, start=dt.date(2019, 10, 1), end=dt.date(2019, 10, 31))
    t.enrol(child, c, start=dt.date(2019, 11, 1))
    assert t.flag("too_many_clubs") == []


# ----- overlapping_groups -----


def two_clubs_on_monday(second_starts: str) -> tuple[Tables, int]:
    """A child present at group 1 from 15:30 to 17:00, and for an hour from ``second_starts`` at group 2."""
    t = Tables()
    child = t.child()
    g1, g2 = t.group(), t.group(slots=((1, second_starts, 60),))
    e1, e2 = t.enrol(child, g1), t.enrol(child, g2)
    t.mark(t.session(g1, MON, "15:30", 90), e1)
    t.mark(t.session(g2, MON, second_starts, 60), e2)
    return t, child


def test_overlapping_groups_fires_when_present_in_two_places_at_once() -> None:
    t, child = two_clubs_on_monday("16:00")
    rows = t.flag("overlapping_groups")
    assert [r["entity_id"] for r in rows] == [child]
    assert "group 1 15:30-17:00 and group 2 16:00-17:00 (60 minutes in both)" in rows[0]["evidence"]


def test_overlapping_groups_spares_back_to_back_clubs_and_an_absence() -> None:
    t = Tables()
    child = t.child()
    g1, g2, g3 = t.group(), t.group(slots=((1, "17:00", 60),)), t.group(slots=((1, "15:30", 60),))
    e1, e2, e3 = t.enrol(child, g1), t.enrol(child, g2), t.enrol(child, g3)
    t.mark(t.session(g1, MON, "15:30", 90), e1)
    t.mark(t.session(g2, MON, "17:00", 60), e2)  # starts as the first ends
    t.mark(t.session(g3, MON, "15:30", 60), e3, "excused_absence")  # same hour, but absent
    assert t.flag("overlapping_groups") == []


def test_overlap_shorter_than_the_threshold_is_spared() -> None:
    t, _child = two_clubs_on_monday("16:50")  # 10 minutes in both
    assert t.flag("overlapping_groups") == []
    assert len(t.flag("overlapping_groups", overlap_min_minutes=10)) == 1


# ----- departed_attends and outside_region -----


@pytest.mark.parametrize("status", ["deceased", "emigrated"])
def test_departed_attends_fires_for_a_child_the_list_shows_gone(status: str) -> None:
    t = Tables()
    g = t.group()
    gone = t.child(registry_status=status)
    e = t.enrol(gone, g)
    t.mark(t.session(g, MON), e)
    t.mark(t.session(g, WED), e)
    rows = t.flag("departed_attends")
    assert [r["entity_id"] for r in rows] == [gone]
    assert f"shows this child as {status}" in rows[0]["evidence"]
    assert "marked present at 2 sessions from 2019-10-14 to 2019-10-16" in rows[0]["evidence"]


def test_departed_attends_spares_residents_and_a_departed_child_never_marked_present() -> None:
    t = Tables()
    g = t.group()
    s = t.session(g, MON)
    t.mark(s, t.enrol(t.child(), g))
    t.mark(s, t.enrol(t.child(registry_status="deceased"), g), "unexcused_absence")
    assert t.flag("departed_attends") == []


def test_outside_region_fires_for_an_iin_not_in_the_list() -> None:
    t = Tables()
    g = t.group()
    s = t.session(g, MON)
    stranger = t.child(registry_status=None)
    t.mark(s, t.enrol(stranger, g))
    t.mark(s, t.enrol(t.child(), g))
    rows = t.flag("outside_region")
    assert [r["entity_id"] for r in rows] == [stranger]
    assert "not in the region's single list" in rows[0]["evidence"]
    assert t.flag("departed_attends") == []


# ----- over_capacity -----


def test_over_capacity_fires_when_more_are_enrolled_at_once_than_seats() -> None:
    t = Tables()
    g = t.group(capacity=2)
    for _ in range(3):
        t.enrol(t.child(), g)
    rows = t.flag("over_capacity")
    assert [r["entity_id"] for r in rows] == [g]
    assert rows[0]["evidence"] == "capacity 2: up to 3 children enrolled at once (on 2019-09-01); nobody marked present"


def test_over_capacity_counts_present_children_too() -> None:
    t = Tables()
    g = t.group(capacity=2)
    s = t.session(g, MON)
    for _ in range(3):  # three enrolled one after another, but all marked present at one session
        t.mark(s, t.enrol(t.child(), g, start=MON, end=MON))
    t.rows["enrolments"][1]["start_date"] = dt.date(2019, 9, 1)
    t.rows["enrolments"][1]["end_date"] = dt.date(2019, 9, 30)
    t.rows["enrolments"][2]["start_date"] = dt.date(2019, 8, 1)
    t.rows["enrolments"][2]["end_date"] = dt.date(2019, 8, 31)
    rows = t.flag("over_capacity")
    assert len(rows) == 1 and "up to 3 present at one session (on 2019-10-14)" in rows[0]["evidence"]


def test_over_capacity_spares_a_full_group_whose_children_took_turns() -> None:
    t = Tables()
    g = t.group(capacity=2)
    t.enrol(t.child(), g)
    t.enrol(t.child(), g, end=dt.date(2019, 9, 30))
    t.enrol(t.child(), g, start=dt.date(2019, 10, 1))
    assert t.flag("over_capacity") == []


def _october_lead(t: Tables, code: str) -> str:
    """The one lead ``code`` raises, on the first group (or its month) in October: its evidence."""
    rows = t.flag(code)
    assert [(r["entity_id"], r["period"]) for r in rows] == [(1, OCT)]
    return str(rows[0]["evidence"])


# ----- identical_checkins -----


def _checkins(same: int) -> Tables:
    t = Tables()
    g = t.group()
    s = t.session(g, MON)
    at = dt.datetime(2019, 10, 14, 15, 25)
    for i in range(6):
        t.mark(s, t.enrol(t.child(), g), checked_in_at=at if i < same else at - dt.timedelta(seconds=50 + 13 * i))
    return t


def test_identical_checkins_fires_for_four_children_in_one_second() -> None:
    assert "largest: 4 children at 2019-10-14 15:25:00" in _october_lead(_checkins(4), "identical_checkins")


def test_identical_checkins_spares_three_siblings_arriving_together() -> None:
    assert _checkins(3).flag("identical_checkins") == []


# ----- bulk_entry -----


def _month_entered(saved: str) -> Tables:
    t = Tables()
    g = t.group()
    sessions = t.timetable_sessions(g, OCT, OCT_END)
    enrolments = [t.enrol(t.child(), g) for _ in range(3)]
    for i, s in enumerate(sessions):
        ends = t.rows["sessions"][s - 1]["ends_at"]
        when = dt.datetime(2019, 11, 1, 21, 0) + dt.timedelta(seconds=20 * i) if saved == "at once" else ends
        for e in enrolments:
            t.mark(s, e, entered_at=when)
    return t


def test_bulk_entry_fires_for_a_month_saved_in_minutes() -> None:
    evidence = _october_lead(_month_entered("at once"), "bulk_entry")
    assert evidence.startswith("27 marks of 9 sessions held from 2019-10-02 to 2019-10-30")


def test_bulk_entry_spares_registers_saved_after_each_session() -> None:
    assert _month_entered("each day").flag("bulk_entry") == []


# ----- perfect_attendance -----


def _group_month(children: int, absent: int = 0) -> Tables:
    t = Tables()
    g = t.group()
    sessions = t.timetable_sessions(g, OCT, OCT_END)
    for c in range(children):
        e = t.enrol(t.child(), g)
        for i, s in enumerate(sessions):
            t.mark(s, e, "excused_absence" if c == 0 and i < absent else "present")
    return t


def test_perfect_attendance_fires_for_a_whole_group_present_all_month() -> None:
    evidence = _october_lead(_group_month(5), "perfect_attendance")
    assert "all 5 enrolled children present at every one of 9 sessions (45 of 45" in evidence


def test_perfect_attendance_spares_one_absence_and_small_groups() -> None:
    assert _group_month(5, absent=1).flag("perfect_attendance") == []
    assert _group_month(4).flag("perfect_attendance") == []


def test_perfect_attendance_counts_unmarked_children_as_not_present() -> None:
    t = _group_month(5)
    t.enrol(t.child(), 1)  # enrolled but left out of the register
    assert t.flag("perfect_attendance") == []


# ----- holiday_marks -----


def test_holiday_marks_fire_for_a_session_on_independence_day() -> None:
    t = Tables()
    g = t.group(slots=((1, "15:30", 90),))
    e = t.enrol(t.child(), g)
    holiday = t.session(g, dt.date(2019, 12, 16))
    t.mark(holiday, e)
    t.mark(t.session(g, dt.date(2019, 12, 9)), e)
    rows = t.flag("holiday_marks")
    assert [(r["entity_id"], r["period"]) for r in rows] == [(holiday, dt.date(2019, 12, 1))]
    assert "on 2019-12-16 (Monday, Independence Day), a public holiday" in rows[0]["evidence"]


def test_holiday_marks_spare_an_ordinary_day_unless_declared_off() -> None:
    t = Tables()
    g = t.group(slots=((1, "15:30", 90),))
    t.mark(t.session(g, dt.date(2019, 12, 9)), t.enrol(t.child(), g))
    assert t.flag("holiday_marks") == []
    assert len(t.flag("holiday_marks", extra_holidays=(dt.date(2019, 12, 9),))) == 1


# ----- off_schedule_marks -----


def _week_with_extra(cancel_one: bool) -> tuple[Tables, int]:
    t = Tables()
    g = t.group()  # Mon and Wed 15:30
    e = t.enrol(t.child(), g)
    for s in t.timetable_sessions(g, dt.date(2019, 10, 7), dt.date(2019, 10, 20)):
        if not (cancel_one and t.rows["sessions"][s - 1]["date"] == MON):
            t.mark(s, e)
    if cancel_one:
        t.rows["sessions"] = [r for r in t.rows["sessions"] if r["date"] != MON]
    extra = t.session(g, dt.date(2019, 10, 19), "20:30", 60)  # a Saturday evening
    t.mark(extra, e)
    return t, extra


def test_off_schedule_marks_fire_for_an_extra_session() -> None:
    t, extra = _week_with_extra(cancel_one=False)
    rows = t.flag("off_schedule_marks")
    assert [r["entity_id"] for r in rows] == [extra]
    assert (
        "on Sat 2019-10-19 at 20:30 matches no slot of its timetable (Mon 15:30-17:00, Wed 15:30-17:00)"
        in (rows[0]["evidence"])
    )
    assert "3 sessions held that week against 2" in rows[0]["evidence"]
    facts = json.loads(rows[0]["facts"])
    assert facts["date"] == "2019-10-19" and facts["start"] == "20:30" and facts["children"] == 1
    assert facts["slots"] == [
        {"weekday": 1, "start": "15:30", "end": "17:00"}, {"weekday": 3, "start": "15:30", "end": "17:00"},
    ]  # fmt: skip
    assert (facts["week_sessions"], facts["week_slots"]) == (3, 2)


def test_off_schedule_marks_spare_a_make_up_for_a_cancelled_session() -> None:
    t, _ = _week_with_extra(cancel_one=True)
    assert t.flag("off_schedule_marks") == []
    assert len(t.flag("off_schedule_marks", off_schedule_only_extra=False)) == 1


def test_a_session_a_little_late_is_on_schedule() -> None:
    t = Tables()
    g = t.group()
    t.mark(t.session(g, MON, "15:50", 90), t.enrol(t.child(), g))
    assert t.flag("off_schedule_marks", off_schedule_only_extra=False) == []


# ----- parent_never_confirms -----


def test_parent_never_confirms_fires_after_two_unanswered_months() -> None:
    t = Tables()
    g = t.group()
    e = t.enrol(t.child(), g)
    t.link(e, OCT)
    t.link(e, NOV, "disputed")
    rows = t.flag("parent_never_confirms")
    assert [r["entity_id"] for r in rows] == [t.parent_of(1)]
    assert rows[0]["evidence"] == (
        "2 confirmation links over 2 months for 1 enrolment(s): none confirmed, 1 disputed, 1 unanswered"
    )


def test_parent_never_confirms_spares_one_confirmation_and_a_single_month() -> None:
    t = Tables()
    g = t.group()
    confirming = t.enrol(t.child(), g)
    t.link(confirming, OCT)
    t.link(confirming, NOV, "confirmed")
    new = t.enrol(t.child(), g, start=NOV)
    t.link(new, NOV)
    assert t.flag("parent_never_confirms") == []


def test_links_still_open_do_not_count_yet() -> None:
    t = Tables()
    e = t.enrol(t.child(), t.group())
    t.link(e, OCT)
    t.link(e, NOV)
    assert len(t.flag("parent_never_confirms")) == 1
    assert t.flag("parent_never_confirms", links_as_of=dt.datetime(2019, 12, 5)) == []


# ----- duplicate_timesheet -----


def test_duplicate_timesheet_flags_the_later_copy() -> None:
    t = Tables()
    g = t.group()
    first = t.timesheet(g, OCT, dt.datetime(2019, 11, 2, 9))
    copy = t.timesheet(g, OCT, dt.datetime(2019, 11, 6, 9))
    t.timesheet(g, NOV, dt.datetime(2019, 12, 2, 9))
    t.timesheet(t.group(), OCT, dt.datetime(2019, 11, 2, 9))
    rows = t.flag("duplicate_timesheet")
    assert [(r["entity_id"], r["period"]) for r in rows] == [(copy, OCT)]
    assert f"timesheet {first} (created 2019-11-02 09:00:00) already covers" in rows[0]["evidence"]
    assert "12,000.00 tenge claimed again" in rows[0]["evidence"]
    facts = json.loads(rows[0]["facts"])
    assert facts["first_timesheet"] == first and facts["period"] == "2019-10-01" and float(facts["amount"]) == 12000


# ----- running them all -----


def test_run_returns_every_flag_in_one_table_in_a_stable_order() -> None:
    t = _group_month(5)
    t.timesheet(1, OCT, dt.datetime(2019, 11, 2, 9))
    t.timesheet(1, OCT, dt.datetime(2019, 11, 3, 9))
    table = flags.run(t.connect())
    assert table.schema == schema.FLAGS
    assert table.column("flag").to_pylist() == ["duplicate_timesheet", "perfect_attendance"]
    assert flags.run(t.connect()).equals(table)


def test_run_rejects_an_unknown_flag() -> None:
    with pytest.raises(KeyError, match="no_such_flag"):
        flags.run(Tables().connect(), codes=["no_such_flag"])


def test_every_flag_runs_on_empty_tables() -> None:
    assert flags.run(Tables().connect()).num_rows == 0
