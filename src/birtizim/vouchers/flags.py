"""Fraud flags: each one SQL over whole tables, returning one row per suspect entity with evidence.

A flag is a lead for a case worker, not a verdict: the evidence says what was seen, with the numbers,
so the worker can check it against the register and the venue. ``evidence`` says it in English (the
command line, the evaluation); ``facts`` holds the same figures as a JSON object, named, so that the
web says them in the reader's language and names the groups and children the ids stand for. Each flag
is one set-based query over the tables of ``schema`` (whatever backs them: the synthetic Parquet files or the web app's
database), with thresholds from ``Thresholds``.

Flags and their entities:

========================  ============  ================================================================
code                      entity        fires when
========================  ============  ================================================================
never_attends             enrolment     an open enrolment has had ``never_attends_min_sessions`` sessions
                                        and not one present mark
too_many_clubs            child         the child is enrolled in more than ``max_clubs`` groups at once
overlapping_groups        child         the child is marked present in two groups whose sessions overlap
                                        by ``overlap_min_minutes`` or more
departed_attends          child         the single list shows the child deceased or emigrated, yet they
                                        are marked present
outside_region            child         the child's IIN is not in the region's single list, yet they are
                                        marked present
over_capacity             group         more children enrolled at once, or present at one session, than
                                        the group's capacity (plus ``capacity_tolerance``)
identical_checkins        group, month  ``identical_checkins_min_children`` or more children checked in
                                        at the very same second in a session
bulk_entry                group, month  marks of ``bulk_entry_min_sessions`` sessions spanning at least
                                        ``bulk_entry_min_span_days`` days saved within
                                        ``bulk_entry_window_minutes``
perfect_attendance        group, month  every enrolled child present at every session (at least
                                        ``perfect_min_children`` children, ``perfect_min_sessions``
                                        sessions): a whole group is never all well for a month
holiday_marks             session       a session on a public holiday has present marks
off_schedule_marks        session       a session that matches no slot of the group's weekly timetable
                                        (within ``schedule_tolerance_minutes``) has present marks and
                                        takes the week beyond the timetable (a make-up is not flagged
                                        unless ``off_schedule_only_extra`` is off)
parent_never_confirms     parent        ``never_confirms_min_links`` links over ``never_confirms_min_months``
                                        months and not one confirmation
duplicate_timesheet       timesheet     a second timesheet for the same group and month (the later one)
========================  ============  ================================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

import duckdb
import pyarrow as pa

from birtizim.vouchers import days_off, schema


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_clubs: int = 2  # groups a child may attend at once
    never_attends_min_sessions: int = 8  # about a month of a twice-weekly club
    overlap_min_minutes: int = 15  # back-to-back clubs may touch; a quarter of an hour in two places may not
    identical_checkins_min_children: int = 4  # siblings scanning together make 2-3
    bulk_entry_window_minutes: int = 60
    bulk_entry_min_sessions: int = 6
    bulk_entry_min_span_days: int = 14  # a weekly register typed on Friday spans less
    perfect_min_children: int = 5
    perfect_min_sessions: int = 6
    schedule_tolerance_minutes: int = 30  # a session may start a little early or late
    off_schedule_only_extra: bool = True  # ignore off-timetable sessions that only make up for cancelled ones
    never_confirms_min_links: int = 2
    never_confirms_min_months: int = 2
    capacity_tolerance: int = 0
    # Links still open at this time are not counted as unanswered; None counts every link.
    links_as_of: dt.datetime | None = None
    extra_holidays: tuple[dt.date, ...] = ()  # declared days off (see days_off)


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    entity_kind: str
    title: str
    sql: Callable[[Thresholds], str]  # SELECT entity_id, period, provider_ids, value, evidence, facts


HOLIDAYS_TABLE: Final = "_voucher_holidays"

_MONTH = "CAST(date_trunc('month', {}) AS DATE)"


def _never_attends(t: Thresholds) -> str:
    return f"""
    WITH held AS (
        SELECT e.enrolment_id, e.group_id, g.provider_id, count(*) AS sessions, min(s.date) AS first_day,
               max(s.date) AS last_day,
               count(m.mark_id) FILTER (WHERE m.kind = 'present') AS present,
               count(m.mark_id) FILTER (WHERE m.kind = 'excused_absence') AS excused,
               count(m.mark_id) FILTER (WHERE m.kind = 'unexcused_absence') AS unexcused
        FROM enrolments e
        JOIN groups g ON g.group_id = e.group_id
        JOIN sessions s ON s.group_id = e.group_id AND s.date >= e.start_date
        LEFT JOIN marks m ON m.session_id = s.session_id AND m.enrolment_id = e.enrolment_id
        WHERE e.end_date IS NULL  -- still listed: a closed enrolment is an honest drop-out
        GROUP BY e.enrolment_id, e.group_id, g.provider_id
    )
    SELECT enrolment_id, NULL::DATE, [provider_id], sessions,
           format('still listed in group {{}} but present at 0 of {{}} sessions from {{}} to {{}} '
                  || '({{}} excused, {{}} unexcused absences, {{}} unmarked)',
                  group_id, sessions, first_day, last_day, excused, unexcused, sessions - excused - unexcused),
           json_object('group', group_id, 'sessions', sessions, 'first_day', first_day, 'last_day', last_day,
                       'excused', excused, 'unexcused', unexcused, 'unmarked', sessions - excused - unexcused)
    FROM held
    WHERE present = 0 AND sessions >= {t.never_attends_min_sessions}
    """


def _too_many_clubs(t: Thresholds) -> str:
    # The count peaks on some enrolment's first day, so only those days are tried: a set of days
    # per child instead of a calendar. A move closes one enrolment the day before the next opens.
    return f"""
    WITH e AS (
        SELECT e.child_id, e.group_id, g.provider_id, e.start_date,
               coalesce(e.end_date, DATE '9999-12-31') AS end_date
        FROM enrolments e JOIN groups g ON g.group_id = e.group_id
    ),
    per_day AS (
        SELECT a.child_id, a.start_date AS day, count(DISTINCT b.group_id) AS clubs,
               list(DISTINCT b.group_id ORDER BY b.group_id) AS group_ids,
               list(DISTINCT b.provider_id ORDER BY b.provider_id) AS provider_ids
        FROM e a JOIN e b ON b.child_id = a.child_id AND b.start_date <= a.start_date AND b.end_date >= a.start_date
        GROUP BY a.child_id, a.start_date
    ),
    peak AS (
        SELECT child_id, max(clubs) AS clubs, first(day ORDER BY clubs DESC, day) AS day,
               first(group_ids ORDER BY clubs DESC, day) AS group_ids,
               first(provider_ids ORDER BY clubs DESC, day) AS provider_ids
        FROM per_day GROUP BY child_id
    )
    SELECT child_id, NULL::DATE, provider_ids, clubs,
           format('child in {{}} clubs at once on {{}} (groups {{}}; {{}} providers); at most {t.max_clubs} allowed',
                  clubs, day, array_to_string(group_ids, ', '), len(provider_ids)),
           json_object('clubs', clubs, 'day', day, 'groups', group_ids, 'providers', len(provider_ids),
                       'allowed', {t.max_clubs})
    FROM peak WHERE clubs > {t.max_clubs}
    """


_PRESENT = """
    SELECT m.child_id, s.session_id, s.group_id, g.provider_id, s.date, s.starts_at, s.ends_at
    FROM marks m JOIN sessions s ON s.session_id = m.session_id JOIN groups g ON g.group_id = s.group_id
    WHERE m.kind = 'present'
"""


def _overlapping_groups(t: Thresholds) -> str:
    return f"""
    WITH p AS ({_PRESENT}),
    pairs AS (
        SELECT a.child_id, a.group_id AS group_a, b.group_id AS group_b, a.provider_id AS provider_a,
               b.provider_id AS provider_b, a.date, a.starts_at AS start_a, a.ends_at AS end_a,
               b.starts_at AS start_b, b.ends_at AS end_b,
               date_diff('minute', greatest(a.starts_at, b.starts_at), least(a.ends_at, b.ends_at)) AS minutes
        FROM p a JOIN p b ON b.child_id = a.child_id AND b.date = a.date AND a.group_id < b.group_id
        WHERE least(a.ends_at, b.ends_at) - greatest(a.starts_at, b.starts_at)
              >= INTERVAL '{t.overlap_min_minutes} minutes'
    )
    SELECT child_id, NULL::DATE, list_sort(list_distinct(list(provider_a) || list(provider_b))), count(*),
           format('marked present in two groups at overlapping times on {{}} days; first on {{}}: group {{}} {{}}-{{}} '
                  || 'and group {{}} {{}}-{{}} ({{}} minutes in both)',
                  count(DISTINCT date), first(date ORDER BY date, start_a, group_a, group_b),
                  first(group_a ORDER BY date, start_a, group_a, group_b),
                  first(strftime(start_a, '%H:%M') ORDER BY date, start_a, group_a, group_b),
                  first(strftime(end_a, '%H:%M') ORDER BY date, start_a, group_a, group_b),
                  first(group_b ORDER BY date, start_a, group_a, group_b),
                  first(strftime(start_b, '%H:%M') ORDER BY date, start_a, group_a, group_b),
                  first(strftime(end_b, '%H:%M') ORDER BY date, start_a, group_a, group_b),
                  first(minutes ORDER BY date, start_a, group_a, group_b)),
           json_object('days', count(DISTINCT date), 'day', first(date ORDER BY date, start_a, group_a, group_b),
                       'group_a', first(group_a ORDER BY date, start_a, group_a, group_b),
                       'start_a', first(strftime(start_a, '%H:%M') ORDER BY date, start_a, group_a, group_b),
                       'end_a', first(strftime(end_a, '%H:%M') ORDER BY date, start_a, group_a, group_b),
                       'group_b', first(group_b ORDER BY date, start_a, group_a, group_b),
                       'start_b', first(strftime(start_b, '%H:%M') ORDER BY date, start_a, group_a, group_b),
                       'end_b', first(strftime(end_b, '%H:%M') ORDER BY date, start_a, group_a, group_b),
                       'minutes', first(minutes ORDER BY date, start_a, group_a, group_b))
    FROM pairs GROUP BY child_id
    """


_ATTENDED = f"""
    SELECT child_id, count(*) AS present, min(date) AS first_day, max(date) AS last_day,
           list(DISTINCT provider_id ORDER BY provider_id) AS provider_ids
    FROM ({_PRESENT}) GROUP BY child_id
"""

# One status per IIN: a person the list holds twice counts as resident if either row says so.
_LIST = """
    SELECT iin, CASE WHEN bool_or(registry_status = 'resident') THEN 'resident' ELSE min(registry_status) END
           AS registry_status, min(person_id) AS person_id
    FROM single_list GROUP BY iin
"""


def _departed_attends(_t: Thresholds) -> str:
    return f"""
    SELECT c.child_id, NULL::DATE, a.provider_ids, a.present,
           format('the single list shows this child as {{}} (person {{}}); marked present at {{}} sessions '
                  || 'from {{}} to {{}} by {{}} provider(s)',
                  l.registry_status, l.person_id, a.present, a.first_day, a.last_day, len(a.provider_ids)),
           json_object('registry_status', l.registry_status, 'present', a.present, 'first_day', a.first_day,
                       'last_day', a.last_day, 'providers', len(a.provider_ids))
    FROM children c JOIN ({_ATTENDED}) a ON a.child_id = c.child_id JOIN ({_LIST}) l ON l.iin = c.iin
    WHERE l.registry_status IN ('deceased', 'emigrated')
    """


def _outside_region(_t: Thresholds) -> str:
    return f"""
    SELECT c.child_id, NULL::DATE, a.provider_ids, a.present,
           format('{{}}; marked present at {{}} sessions from {{}} to {{}} by {{}} provider(s)',
                  CASE WHEN c.iin IS NULL THEN 'no IIN recorded'
                       ELSE 'the IIN is not in the region''s single list' END,
                  a.present, a.first_day, a.last_day, len(a.provider_ids)),
           json_object('no_iin', c.iin IS NULL, 'present', a.present, 'first_day', a.first_day,
                       'last_day', a.last_day, 'providers', len(a.provider_ids))
    FROM children c JOIN ({_ATTENDED}) a ON a.child_id = c.child_id
    WHERE c.iin IS NULL OR c.iin NOT IN (SELECT iin FROM single_list WHERE iin IS NOT NULL)
    """


def _over_capacity(t: Thresholds) -> str:
    return f"""
    WITH e AS (SELECT group_id, start_date, coalesce(end_date, DATE '9999-12-31') AS end_date FROM enrolments),
    per_day AS (
        SELECT a.group_id, a.start_date AS day, count(*) AS enrolled
        FROM (SELECT DISTINCT group_id, start_date FROM e) a
        JOIN e b ON b.group_id = a.group_id AND b.start_date <= a.start_date AND b.end_date >= a.start_date
        GROUP BY ALL
    ),
    enrolled AS (
        SELECT group_id, max(enrolled) AS enrolled, first(day ORDER BY enrolled DESC, day) AS day
        FROM per_day GROUP BY group_id
    ),
    per_session AS (
        SELECT s.group_id, s.date, count(*) AS present
        FROM marks m JOIN sessions s ON s.session_id = m.session_id WHERE m.kind = 'present'
        GROUP BY s.session_id, s.group_id, s.date
    ),
    present AS (
        SELECT group_id, max(present) AS present, first(date ORDER BY present DESC, date) AS day
        FROM per_session GROUP BY group_id
    )
    SELECT g.group_id, NULL::DATE, [g.provider_id], greatest(coalesce(en.enrolled, 0), coalesce(pr.present, 0)),
           format('capacity {{}}: up to {{}} children enrolled at once{{}}; {{}}', g.capacity,
                  coalesce(en.enrolled, 0), coalesce(format(' (on {{}})', en.day), ''),
                  coalesce(format('up to {{}} present at one session (on {{}})', pr.present, pr.day),
                           'nobody marked present')),
           json_object('capacity', g.capacity, 'enrolled', coalesce(en.enrolled, 0), 'enrolled_on', en.day,
                       'present', coalesce(pr.present, 0), 'present_on', pr.day)
    FROM groups g LEFT JOIN enrolled en ON en.group_id = g.group_id LEFT JOIN present pr ON pr.group_id = g.group_id
    WHERE coalesce(en.enrolled, 0) > g.capacity + {t.capacity_tolerance}
       OR coalesce(pr.present, 0) > g.capacity + {t.capacity_tolerance}
    """


def _identical_checkins(t: Thresholds) -> str:
    return f"""
    WITH same AS (
        SELECT s.group_id, s.session_id, s.date, m.checked_in_at, count(*) AS children
        FROM marks m JOIN sessions s ON s.session_id = m.session_id
        WHERE m.checked_in_at IS NOT NULL
        GROUP BY s.group_id, s.session_id, s.date, m.checked_in_at
        HAVING count(*) >= {t.identical_checkins_min_children}
    ),
    months AS (SELECT group_id, {_MONTH.format("date")} AS period, count(*) AS sessions FROM sessions GROUP BY ALL)
    SELECT x.group_id, x.period, [g.provider_id], x.sessions_hit,
           format('in {{}} of {{}} sessions {t.identical_checkins_min_children} or more children checked in at the '
                  || 'same second; largest: {{}} children at {{}}',
                  x.sessions_hit, m.sessions, x.children, x.at),
           json_object('sessions_hit', x.sessions_hit, 'sessions', m.sessions,
                       'min_children', {t.identical_checkins_min_children}, 'children', x.children, 'at', x.at)
    FROM (
        SELECT group_id, {_MONTH.format("date")} AS period, count(DISTINCT session_id) AS sessions_hit,
               max(children) AS children, first(checked_in_at ORDER BY children DESC, checked_in_at) AS at
        FROM same GROUP BY ALL
    ) x
    JOIN groups g ON g.group_id = x.group_id JOIN months m ON m.group_id = x.group_id AND m.period = x.period
    """


def _bulk_entry(t: Thresholds) -> str:
    # A register saved once per session is normal; the sessions of a whole month saved within the
    # same hour is a register filled in afterwards. Windows slide over each session's save time.
    return f"""
    WITH saved AS (
        SELECT s.group_id, {_MONTH.format("s.date")} AS period, s.session_id, s.date,
               min(m.entered_at) AS entered_at, count(*) AS marks
        FROM marks m JOIN sessions s ON s.session_id = m.session_id GROUP BY ALL
    ),
    windows AS (
        SELECT group_id, period, entered_at,
               count(*) OVER w AS sessions, min(date) OVER w AS first_day, max(date) OVER w AS last_day,
               sum(marks) OVER w AS marks
        FROM saved
        WINDOW w AS (PARTITION BY group_id, period ORDER BY entered_at
                     RANGE BETWEEN CURRENT ROW AND INTERVAL '{t.bulk_entry_window_minutes} minutes' FOLLOWING)
    ),
    hits AS (
        SELECT * FROM windows
        WHERE sessions >= {t.bulk_entry_min_sessions} AND last_day - first_day >= {t.bulk_entry_min_span_days}
    )
    SELECT h.group_id, h.period, [g.provider_id], max(h.sessions),
           format('{{}} marks of {{}} sessions held from {{}} to {{}} were saved within {t.bulk_entry_window_minutes} '
                  || 'minutes from {{}}',
                  first(h.marks ORDER BY h.sessions DESC, h.entered_at),
                  max(h.sessions), first(h.first_day ORDER BY h.sessions DESC, h.entered_at),
                  first(h.last_day ORDER BY h.sessions DESC, h.entered_at),
                  first(h.entered_at ORDER BY h.sessions DESC, h.entered_at)),
           json_object('marks', first(h.marks ORDER BY h.sessions DESC, h.entered_at), 'sessions', max(h.sessions),
                       'first_day', first(h.first_day ORDER BY h.sessions DESC, h.entered_at),
                       'last_day', first(h.last_day ORDER BY h.sessions DESC, h.entered_at),
                       'window', {t.bulk_entry_window_minutes},
                       'saved_at', first(h.entered_at ORDER BY h.sessions DESC, h.entered_at))
    FROM hits h JOIN groups g ON g.group_id = h.group_id
    GROUP BY h.group_id, h.period, g.provider_id
    """


def _perfect_attendance(t: Thresholds) -> str:
    # Expected marks come from enrolments, not from the marks table, so a register that simply
    # leaves absent children unmarked cannot look perfect by omission.
    return f"""
    WITH expected AS (
        SELECT s.group_id, {_MONTH.format("s.date")} AS period, s.session_id, e.enrolment_id
        FROM sessions s JOIN enrolments e ON e.group_id = s.group_id AND s.date >= e.start_date
             AND (e.end_date IS NULL OR s.date <= e.end_date)
    ),
    month AS (
        SELECT x.group_id, x.period, count(DISTINCT x.session_id) AS sessions,
               count(DISTINCT x.enrolment_id) AS children, count(*) AS expected,
               count(m.mark_id) FILTER (WHERE m.kind = 'present') AS present
        FROM expected x LEFT JOIN marks m ON m.session_id = x.session_id AND m.enrolment_id = x.enrolment_id
        GROUP BY x.group_id, x.period
    )
    SELECT m.group_id, m.period, [g.provider_id], m.present,
           format('all {{}} enrolled children present at every one of {{}} sessions ({{}} of {{}} marks present)',
                  m.children, m.sessions, m.present, m.expected),
           json_object('children', m.children, 'sessions', m.sessions, 'present', m.present, 'expected', m.expected)
    FROM month m JOIN groups g ON g.group_id = m.group_id
    WHERE m.present = m.expected AND m.children >= {t.perfect_min_children} AND m.sessions >= {t.perfect_min_sessions}
    """


def _holiday_marks(_t: Thresholds) -> str:
    return f"""
    SELECT s.session_id, {_MONTH.format("s.date")}, [g.provider_id], count(*),
           format('session of group {{}} on {{}} ({{}}, {{}}), a public holiday: {{}} children marked present',
                  s.group_id, s.date, dayname(s.date), any_value(h.name), count(*)),
           json_object('group', s.group_id, 'date', s.date, 'holiday', any_value(h.name), 'children', count(*))
    FROM sessions s
    JOIN {HOLIDAYS_TABLE} h ON h.date = s.date
    JOIN marks m ON m.session_id = s.session_id AND m.kind = 'present'
    JOIN groups g ON g.group_id = s.group_id
    GROUP BY s.session_id, s.group_id, s.date, g.provider_id
    """


_DAYS = "['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']"


def _off_schedule_marks(t: Thresholds) -> str:
    # A session moved off the timetable to make up a cancelled one is normal practice; only a session
    # that takes the group's week beyond its timetable adds paid sessions. The week's timetable is
    # counted on the days the data covers, so the first and last weeks are not held to a full week.
    extra = "TRUE" if not t.off_schedule_only_extra else "h.sessions > x.slots"
    return f"""
    WITH timetable AS (
        SELECT group_id, string_agg(format('{{}} {{}}-{{}}', {_DAYS}[weekday],
                   strftime(DATE '2000-01-01' + start_time, '%H:%M'), strftime(DATE '2000-01-01' + end_time, '%H:%M')),
                   ', ' ORDER BY weekday, start_time) AS slots,
               list({{'weekday': weekday, 'start': strftime(DATE '2000-01-01' + start_time, '%H:%M'),
                      'end': strftime(DATE '2000-01-01' + end_time, '%H:%M')}}
                    ORDER BY weekday, start_time) AS slot_list
        FROM schedule GROUP BY group_id
    ),
    held AS (
        SELECT group_id, CAST(date_trunc('week', date) AS DATE) AS week, count(*) AS sessions
        FROM sessions GROUP BY ALL
    ),
    bounds AS (SELECT min(date) AS first_day, max(date) AS last_day FROM sessions),
    expected AS (
        SELECT h.group_id, h.week, count(sc.weekday) AS slots
        FROM held h CROSS JOIN bounds b
        LEFT JOIN schedule sc ON sc.group_id = h.group_id
             AND h.week + CAST(sc.weekday - 1 AS INTEGER) BETWEEN b.first_day AND b.last_day
        GROUP BY h.group_id, h.week
    ),
    off AS (
        SELECT s.*, h.sessions AS week_sessions, x.slots AS week_slots
        FROM sessions s
        JOIN held h ON h.group_id = s.group_id AND h.week = date_trunc('week', s.date)
        JOIN expected x ON x.group_id = s.group_id AND x.week = h.week
        WHERE NOT EXISTS (
            SELECT 1 FROM schedule sc
            WHERE sc.group_id = s.group_id AND sc.weekday = isodow(s.date)
              AND abs(date_diff('minute', s.date + sc.start_time, s.starts_at)) <= {t.schedule_tolerance_minutes}
        ) AND {extra}
    )
    SELECT o.session_id, {_MONTH.format("o.date")}, [g.provider_id], count(*),
           format('session of group {{}} on {{}} {{}} at {{}} matches no slot of its timetable ({{}}): '
                  || '{{}} children marked present; {{}} sessions held that week against {{}} in the timetable',
                  o.group_id, {_DAYS}[isodow(o.date)], o.date, strftime(o.starts_at, '%H:%M'),
                  coalesce(any_value(tt.slots), 'no timetable'), count(*), o.week_sessions, o.week_slots),
           json_object('group', o.group_id, 'date', o.date, 'start', strftime(o.starts_at, '%H:%M'),
                       'slots', coalesce(any_value(tt.slot_list), []), 'children', count(*),
                       'week_sessions', o.week_sessions, 'week_slots', o.week_slots)
    FROM off o
    JOIN marks m ON m.session_id = o.session_id AND m.kind = 'present'
    JOIN groups g ON g.group_id = o.group_id
    LEFT JOIN timetable tt ON tt.group_id = o.group_id
    GROUP BY o.session_id, o.group_id, o.date, o.starts_at, o.week_sessions, o.week_slots, g.provider_id
    """


def _parent_never_confirms(t: Thresholds) -> str:
    cutoff = "" if t.links_as_of is None else f"WHERE l.expires_at <= TIMESTAMP '{t.links_as_of:%Y-%m-%d %H:%M:%S}'"
    return f"""
    WITH sent AS (
        SELECT l.link_id, l.parent_id, l.period, l.enrolment_id, g.provider_id
        FROM links l JOIN enrolments e ON e.enrolment_id = l.enrolment_id JOIN groups g ON g.group_id = e.group_id
        {cutoff}
    ),
    answers AS (
        SELECT link_id, bool_or(outcome = 'confirmed') AS confirmed, bool_or(outcome = 'disputed') AS disputed
        FROM confirmations GROUP BY link_id
    )
    SELECT s.parent_id, NULL::DATE, list(DISTINCT s.provider_id ORDER BY s.provider_id), count(*),
           format('{{}} confirmation links over {{}} months for {{}} enrolment(s): none confirmed, {{}} disputed, '
                  || '{{}} unanswered', count(*), count(DISTINCT s.period), count(DISTINCT s.enrolment_id),
                  count(*) FILTER (WHERE a.disputed), count(*) FILTER (WHERE a.link_id IS NULL)),
           json_object('links', count(*), 'months', count(DISTINCT s.period),
                       'enrolments', count(DISTINCT s.enrolment_id),
                       'disputed', count(*) FILTER (WHERE a.disputed),
                       'unanswered', count(*) FILTER (WHERE a.link_id IS NULL))
    FROM sent s LEFT JOIN answers a ON a.link_id = s.link_id
    GROUP BY s.parent_id
    HAVING NOT coalesce(bool_or(a.confirmed), false)
       AND count(*) >= {t.never_confirms_min_links} AND count(DISTINCT s.period) >= {t.never_confirms_min_months}
    """


def _duplicate_timesheet(_t: Thresholds) -> str:
    return """
    WITH t AS (
        SELECT *,
               row_number() OVER w AS nth,
               first_value(timesheet_id) OVER w AS first_id,
               first_value(created_at) OVER w AS first_created
        FROM timesheets
        WINDOW w AS (PARTITION BY group_id, period ORDER BY created_at, timesheet_id)
    )
    SELECT timesheet_id, period, [provider_id], CAST(amount AS DOUBLE),
           format('repeats group {} for {}: timesheet {} (created {}) already covers that month; '
                  || '{} present marks and {:,.2f} tenge claimed again',
                  group_id, strftime(period, '%Y-%m'), first_id, first_created, present, amount),
           json_object('group', group_id, 'period', period, 'first_timesheet', first_id,
                       'first_created', first_created, 'present', present, 'amount', amount)
    FROM t WHERE nth > 1
    """


FLAGS: Final[tuple[Flag, ...]] = (
    Flag("never_attends", "enrolment", "Listed but never attending", _never_attends),
    Flag("too_many_clubs", "child", "More clubs than allowed", _too_many_clubs),
    Flag("overlapping_groups", "child", "Two groups at the same time", _overlapping_groups),
    Flag("departed_attends", "child", "Deceased or emigrated, yet attending", _departed_attends),
    Flag("outside_region", "child", "Not in the region's single list, yet attending", _outside_region),
    Flag("over_capacity", "group", "Group over capacity", _over_capacity),
    Flag("identical_checkins", "group_month", "Identical check-in times", _identical_checkins),
    Flag("bulk_entry", "group_month", "A month of marks entered at once", _bulk_entry),
    Flag("perfect_attendance", "group_month", "100% attendance of a whole group", _perfect_attendance),
    Flag("holiday_marks", "session", "Marks on a public holiday", _holiday_marks),
    Flag("off_schedule_marks", "session", "Marks outside the timetable", _off_schedule_marks),
    Flag("parent_never_confirms", "parent", "Parent never confirms", _parent_never_confirms),
    Flag("duplicate_timesheet", "timesheet", "Duplicate timesheet", _duplicate_timesheet),
)
BY_CODE: Final[dict[str, Flag]] = {f.code: f for f in FLAGS}


def sql(flag: Flag, thresholds: Thresholds) -> str:
    """The full query of one flag, producing the columns of ``schema.FLAGS``."""
    lit = flag.code.replace("'", "''")
    kind = flag.entity_kind.replace("'", "''")
    return f"""
    SELECT '{lit}' AS flag, '{kind}' AS entity_kind, CAST(entity_id AS BIGINT) AS entity_id,
           CAST(period AS DATE) AS period, CAST(provider_ids AS BIGINT[]) AS provider_ids,
           CAST(value AS DOUBLE) AS value, evidence, CAST(facts AS VARCHAR) AS facts
    FROM ({flag.sql(thresholds)}) AS f(entity_id, period, provider_ids, value, evidence, facts)
    """


def install_holidays(con: duckdb.DuckDBPyConnection, thresholds: Thresholds) -> None:
    """(Re)create the temporary holiday table for the years the sessions span."""
    first, last = con.execute("SELECT min(date), max(date) FROM sessions").fetchone() or (None, None)
    found = days_off.between(first, last, thresholds.extra_holidays) if first and last else {}
    con.execute(f"CREATE OR REPLACE TEMP TABLE {HOLIDAYS_TABLE} (date DATE, name VARCHAR)")
    if found:
        con.executemany(f"INSERT INTO {HOLIDAYS_TABLE} VALUES (?, ?)", list(found.items()))


def run(
    con: duckdb.DuckDBPyConnection, thresholds: Thresholds | None = None, codes: Iterable[str] | None = None
) -> pa.Table:
    """Every flag (or those in ``codes``) over the tables visible on ``con``: one ``schema.FLAGS`` table.

    The tables of ``schema.TABLES`` must be visible on ``con`` (views, tables or registered Arrow
    tables). The holidays go into a temporary table on ``con`` (``HOLIDAYS_TABLE``), the only thing
    this writes. Rows are ordered by flag, entity and period: the same data gives the same table.
    """
    thresholds = thresholds or Thresholds()
    wanted = None if codes is None else list(codes)
    unknown = set(wanted or ()) - set(BY_CODE)
    if unknown:
        raise KeyError(f"unknown flags: {', '.join(sorted(unknown))}")
    chosen = list(FLAGS) if wanted is None else [BY_CODE[c] for c in wanted]
    install_holidays(con, thresholds)
    if not chosen:
        return schema.FLAGS.empty_table()
    query = "\nUNION ALL\n".join(sql(f, thresholds) for f in chosen)
    table = con.execute(f"SELECT * FROM ({query}) ORDER BY flag, entity_id, period").to_arrow_table()
    return table.cast(schema.FLAGS)
