"""Ghost patterns injected into the synthetic voucher world, each recorded in the truth table.

Each pattern is injected on its own entities (children, groups, months) so that one pattern does not
make another flag fire by accident: a group holding a ghost child is not also chosen for a
group-level pattern (``World.touched_groups``), and ghost children sit in groups with free seats so
they do not push a group over capacity. What a pattern makes true by construction is in the truth;
anything else a flag finds counts against its precision.

======================  ==========================================================================
pattern (flag)          what is injected
======================  ==========================================================================
never_attends           a real child of the list, never applied, given a voucher and listed in a
                        group; every session marked absent, mostly "excused" (which keeps the voucher)
too_many_clubs          an honest one-club child also listed in 3-6 more groups whose timetables do
                        not clash (4-7 clubs at once, never fewer than 3, so no overlap); the
                        family confirms
overlapping_groups      an honest one-club child also listed in a group meeting at the same hour,
                        attended in both
departed_attends        a person the single list shows deceased or emigrated, listed and marked
                        present; a contact run by the provider confirms. The region generator only
                        makes adults die or emigrate, so these "children" carry adult birth dates
outside_region          a child with a valid IIN that is not in the single list, listed, present,
                        confirmed by the provider's contact
over_capacity           a group filled 20-50% above its capacity with real, attending children
identical_checkins      one month of a group: everyone present at a session checked in at one second
bulk_entry              one month of a group: every register saved within minutes after the month
perfect_attendance      one month of a group: every enrolled child present at every session
holiday_marks           a session held (and marked) on a public holiday at the group's usual slot
off_schedule_marks      a session at 20:30 on a weekday the group does not meet
parent_never_confirms   a real child listed without the family's knowledge: links go unanswered
duplicate_timesheet     a copy of a group's monthly timesheet submitted again days later
======================  ==========================================================================
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from birtizim.synth.population import age_years, make_iins
from birtizim.synth.vouchers.world import (
    COLLUDING,
    DAY,
    HONEST,
    MINUTE,
    SECOND,
    UNAWARE,
    Array,
    World,
    at,
    concat,
    day,
    isodow,
    size,
)

# flag -> (share of the base population, least number): enough cases to measure even in a small region
RATES: Final[dict[str, tuple[float, int]]] = {
    "never_attends": (0.01, 10),  # of enrolments
    "too_many_clubs": (0.005, 10),  # of enrolled children
    "overlapping_groups": (0.005, 10),
    "departed_attends": (0.004, 10),  # at most the deceased and emigrated the list holds
    "outside_region": (0.004, 10),
    "parent_never_confirms": (0.005, 10),
    "over_capacity": (0.04, 8),  # of groups
    "identical_checkins": (0.04, 8),  # of groups, one month each
    "bulk_entry": (0.04, 8),
    "perfect_attendance": (0.04, 8),
    "holiday_marks": (0.04, 8),  # of groups: one holiday session each
    "off_schedule_marks": (0.04, 8),
    "duplicate_timesheet": (0.02, 8),  # of timesheets
}

GHOST_PRESENCE = 0.9  # how often a provider marks a ghost present: often, not always (see perfect_attendance)
OFF_SCHEDULE_START = 20 * 60 + 30  # after every regular slot has ended


def _count(flag: str, base: int) -> int:
    share, least = RATES[flag]
    return max(least, round(share * base))


def _start_before(w: World, n: int) -> Array:
    result: Array = day(w.start) - w.rng.integers(1, 20, n) * DAY
    return result


def _touched_first(w: World, positions: Array) -> Array:
    """``positions`` (group positions) in random order, groups already holding ghosts first.

    Ghosts gather in the groups of providers who already cheat, as they do in life; it also leaves
    more clean groups for the group-level patterns, which must not share a group with a ghost.
    """
    shuffled = w.rng.permutation(positions)
    touched = np.isin(shuffled + 1, np.array(sorted(w.touched_groups), np.int64))
    ordered: Array = shuffled[np.argsort(~touched, kind="stable")]
    return ordered


def _free_seats(w: World, n: int) -> Array:
    """``n`` free seats (as group positions), in groups holding ghosts first, never beyond capacity."""
    seats = np.maximum(w.groups["seats"], 0)
    slots = _touched_first(w, np.repeat(np.arange(len(seats)), seats))
    if len(slots) < n:
        raise ValueError("not enough free seats to inject ghosts")
    chosen: Array = np.sort(slots[:n])
    return chosen


def _fresh_pool(w: World, n: int, *, whole_family: bool) -> Array:
    """Pool positions of unregistered children (with no registered sibling when ``whole_family``)."""
    p = w.pool
    # only families that answer links as usual, so a ghost adds no parent_never_confirms case by accident
    free = (p["child_id"] == 0) & (w.parent_behaviour[p["parent_id"]] == HONEST)
    if whole_family:
        free &= ~np.isin(p["parent_id"], np.unique(w.children["parent_id"]))
        # one child per family: the first free child of each
        _, first = np.unique(np.where(free, p["parent_id"], -1), return_index=True)
        keep = np.zeros(len(free), bool)
        keep[first] = True
        free &= keep
    found = np.flatnonzero(free)
    chosen: Array = np.sort(w.rng.choice(found, size=min(n, len(found)), replace=False))
    return chosen


def _list_ghosts(w: World, positions: Array, propensity: float, excused_share: float = 0.6) -> tuple[Array, Array]:
    """Register pool children, give them active vouchers and list them in groups with free seats."""
    child_ids = w.register_pool(positions)
    vouchers = w.add_vouchers(child_ids, "active", w.start - dt.timedelta(days=28), w.vouchers["nominal_value"][0])
    groups = w.rng.permutation(_free_seats(w, len(child_ids)))
    enrolments = w.add_enrolments(
        child_ids,
        vouchers,
        groups,
        _start_before(w, len(child_ids)),
        np.full(len(child_ids), propensity),
        excused_share=excused_share,
    )
    w.touched_groups.update((groups + 1).tolist())
    return child_ids, enrolments


def _honest_single_club(w: World, n: int, exclude: Array) -> Array:
    """Enrolment positions of ``n`` honest children in exactly one open group since before the period."""
    e = w.enrolments
    per_child = np.bincount(e["child_id"], minlength=size(w.children) + 1)
    parent = w.children["parent_id"][e["child_id"] - 1]
    ok = (
        (per_child[e["child_id"]] == 1)
        & np.isnat(e["end_date"])
        & (e["start_date"] < day(w.start))
        & (w.parent_behaviour[parent] == HONEST)
        & (e["propensity"] > 0)
        & ~np.isin(e["child_id"], exclude)
    )
    found = np.flatnonzero(ok)
    chosen: Array = np.sort(w.rng.choice(found, size=min(n, len(found)), replace=False))
    return chosen


def inject_enrolments(w: World) -> None:
    """Ghost children and ghost enrolments (before sessions exist)."""
    rng = w.rng
    n_enrolments = size(w.enrolments)
    n_children = len(np.unique(w.enrolments["child_id"]))

    # never_attends: listed, always absent; "excused" keeps the voucher alive
    _, enrolments = _list_ghosts(w, _fresh_pool(w, _count("never_attends", n_enrolments), whole_family=False), 0.0, 0.8)
    w.add_truth("never_attends", "enrolment", enrolments, note="listed, never present")

    # parent_never_confirms: a real child listed without the family knowing; their links go unanswered
    positions = _fresh_pool(w, _count("parent_never_confirms", n_children), whole_family=True)
    w.parent_behaviour[w.pool["parent_id"][positions]] = UNAWARE
    _list_ghosts(w, positions, GHOST_PRESENCE)
    w.add_truth("parent_never_confirms", "parent", w.pool["parent_id"][positions], note="family unaware of the club")

    g = w.groups
    # too_many_clubs: an honest child listed in 3-6 more groups with disjoint timetables
    many = _honest_single_club(w, _count("too_many_clubs", n_children), np.zeros(0, np.int64))
    injected = []
    for pos in many:  # a few dozen children: each needs its own search for non-clashing groups
        child = int(w.enrolments["child_id"][pos])
        busy = int(g["mask"][w.enrolments["group_id"][pos] - 1])
        wanted = int(rng.integers(3, 7))  # 3-6 more clubs: 4-7 in all
        picked: list[int] = []
        for cand in _touched_first(w, np.flatnonzero(g["seats"] > 0)):
            if int(g["mask"][cand]) & busy == 0:
                picked.append(int(cand))
                busy |= int(g["mask"][cand])
                if len(picked) == wanted:
                    break
        if len(picked) < 2:
            continue
        k = len(picked)
        w.add_enrolments(
            np.full(k, child),
            np.full(k, w.enrolments["voucher_id"][pos]),
            np.array(picked),
            _start_before(w, k),
            np.full(k, w.enrolments["propensity"][pos]),
        )
        w.touched_groups.update(p + 1 for p in picked)
        w.touched_groups.add(int(w.enrolments["group_id"][pos]))
        injected.append(child)
    w.add_truth("too_many_clubs", "child", np.array(injected, np.int64), note="4-7 clubs at once")

    # overlapping_groups: a second group meeting at the same hour, attended in both
    overlap = _honest_single_club(w, _count("overlapping_groups", n_children), np.array(injected, np.int64))
    injected = []
    for pos in overlap:
        child = int(w.enrolments["child_id"][pos])
        first = int(w.enrolments["group_id"][pos]) - 1
        clash = np.flatnonzero((g["mask"] & g["mask"][first]) != 0)
        clash = clash[(clash != first) & (g["seats"][clash] > 0)]
        if not len(clash):
            continue
        other = int(_touched_first(w, clash)[0])
        w.enrolments["propensity"][pos] = 0.95
        w.add_enrolments(
            np.array([child]),
            np.array([w.enrolments["voucher_id"][pos]]),
            np.array([other]),
            np.array([w.enrolments["start_date"][pos]]),
            np.array([0.95]),
        )
        w.touched_groups.update({first + 1, other + 1})
        injected.append(child)
    w.add_truth("overlapping_groups", "child", np.array(injected, np.int64), note="two groups at the same hour")

    _departed(w)
    _outside(w)
    _over_capacity(w)


def _enrol_new(w: World, cols: dict[str, Array], flag: str, note: str) -> None:
    """New children (not from the pool) with a colluding contact, an active voucher and a seat."""
    n = len(cols["iin"])
    if not n:
        return
    cols = {**cols, "parent_id": w.new_parents(n, COLLUDING), "priority": np.full(n, None, dtype=object)}
    child_ids = w.add_children(cols)
    vouchers = w.add_vouchers(child_ids, "active", w.start - dt.timedelta(days=28), w.vouchers["nominal_value"][0])
    groups = w.rng.permutation(_free_seats(w, n))
    w.add_enrolments(child_ids, vouchers, groups, _start_before(w, n), np.full(n, GHOST_PRESENCE))
    w.touched_groups.update((groups + 1).tolist())
    w.add_truth(flag, "child", child_ids, note=note)


def _departed(w: World) -> None:
    p = w.people
    gone = p.filter(pc.and_(pc.is_in(p["registry_status"], pa.array(["deceased", "emigrated"])), pc.is_valid(p["iin"])))
    gone = gone.sort_by([("birth_date", "descending"), ("person_id", "ascending")])  # the youngest first
    n = min(gone.num_rows, _count("departed_attends", len(np.unique(w.enrolments["child_id"]))))
    gone = gone.slice(0, n)
    birth = gone["birth_date"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    _enrol_new(
        w,
        {
            "iin": np.array(gone["iin"].to_pylist(), dtype=object),
            "last_name": np.array(gone["last_name"].to_pylist(), dtype=object),
            "first_name": np.array(gone["first_name"].to_pylist(), dtype=object),
            "birth_date": birth,
            "sex": np.array(gone["sex"].to_pylist(), dtype=object),
            "district": np.array(gone["district"].to_pylist(), dtype=object),
            "age": age_years(birth, w.start) if n else np.zeros(0, np.int64),
        },
        "departed_attends",
        "deceased or emigrated in the single list",
    )


def _outside(w: World) -> None:
    rng, pool = w.rng, w.pool
    n = _count("outside_region", len(np.unique(w.enrolments["child_id"])))
    ages = rng.integers(5, 17, n)
    birth = day(w.start) - (ages * 365.25 + rng.uniform(0, 360, n)).astype(np.int64) * DAY
    female = rng.random(n) < 0.5
    taken = pc.cast(pc.drop_null(w.people["iin"]), pa.int64()).to_numpy()
    iins = make_iins(birth, female, rng, taken)
    names_from = rng.integers(0, size(pool), n)  # a plausible name: borrowed from a random child
    _enrol_new(
        w,
        {
            "iin": np.array([f"{i:012d}" for i in iins], dtype=object),
            "last_name": pool["last_name"][names_from],
            "first_name": pool["first_name"][names_from],
            "birth_date": birth,
            "sex": np.where(female, "F", "M").astype(object),
            "district": np.array(w.districts, dtype=object)[rng.integers(0, len(w.districts), n)],
            "age": age_years(birth, w.start),
        },
        "outside_region",
        "IIN not in the single list",
    )


def _untouched(w: World, n: int, ok: Array | None = None) -> Array:
    """``n`` random group positions not holding any injected pattern yet (and where ``ok``)."""
    free = ~np.isin(np.arange(size(w.groups)) + 1, np.array(sorted(w.touched_groups), np.int64))
    if ok is not None:
        free &= ok
    found = np.flatnonzero(free)
    chosen: Array = np.sort(w.rng.choice(found, size=min(n, len(found)), replace=False))
    w.touched_groups.update((chosen + 1).tolist())
    return chosen


def _over_capacity(w: World) -> None:
    rng, g = w.rng, w.groups
    chosen = _untouched(w, _count("over_capacity", size(g)))
    extra = g["seats"][chosen] + np.ceil(g["capacity"][chosen] * rng.uniform(0.2, 0.5, len(chosen))).astype(np.int64)
    group_of = np.repeat(chosen, extra)
    # Waiting children (accepted, no seat yet) first, then unregistered children of the list.
    v = w.vouchers
    enrolled = np.unique(w.enrolments["child_id"])
    waiting = np.flatnonzero((v["status"] == "accepted") & ~np.isin(v["child_id"], enrolled))
    waiting = waiting[: len(group_of)]
    v["status"][waiting] = "active"
    fresh = _fresh_pool(w, len(group_of) - len(waiting), whole_family=False)
    fresh_ids = w.register_pool(fresh)
    fresh_vouchers = w.add_vouchers(fresh_ids, "active", w.start - dt.timedelta(days=28), v["nominal_value"][0])
    child_ids = np.concatenate([v["child_id"][waiting], fresh_ids])
    voucher_ids = np.concatenate([v["voucher_id"][waiting], fresh_vouchers])
    n = len(child_ids)
    w.add_enrolments(child_ids, voucher_ids, group_of[:n], _start_before(w, n), rng.beta(9.0, 1.6, n))
    w.add_truth("over_capacity", "group", chosen + 1, note="enrolled 20-50% above capacity")


# --------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------


def _active_counts(w: World, on: np.datetime64) -> Array:
    """Open enrolments per group position on the date ``on``."""
    e = w.enrolments
    active = (e["start_date"] <= on) & (np.isnat(e["end_date"]) | (e["end_date"] >= on))
    counts: Array = np.bincount(e["group_id"][active] - 1, minlength=size(w.groups))
    return counts


def inject_sessions(w: World) -> None:
    """Sessions that should not exist: on a public holiday, or off the timetable."""
    rng, g, sc = w.rng, w.groups, w.schedule
    holidays = np.array([d for d in w.holidays if d.isoweekday() <= 6], dtype="datetime64[D]")
    if len(holidays):
        per_holiday = -(-_count("holiday_marks", size(g)) // len(holidays))
        ids, periods = [], []
        for holiday in holidays:
            # groups whose timetable has this weekday, so the session is off only because of the holiday
            wd = int(isodow(np.array([holiday]))[0])
            meets = np.zeros(size(g), bool)
            meets[sc["group_id"][sc["weekday"] == wd] - 1] = True
            chosen = _untouched(w, per_holiday, meets & (_active_counts(w, holiday) >= 5))
            slot = np.array(
                [np.flatnonzero((sc["group_id"] == c + 1) & (sc["weekday"] == wd))[0] for c in chosen], np.int64
            )
            ids.append(
                w.add_sessions(chosen + 1, np.full(len(chosen), holiday), sc["start_min"][slot], sc["end_min"][slot])
            )
            periods.append(np.full(len(chosen), holiday.astype("datetime64[M]").astype("datetime64[D]")))
        w.add_truth(
            "holiday_marks", "session", np.concatenate(ids), np.concatenate(periods), note="session on a holiday"
        )

    # off_schedule_marks: 20:30 on a working day the group never meets
    days = np.arange(day(w.start), day(w.end) + DAY, DAY)
    days = days[(isodow(days) <= 6) & ~np.isin(days, np.array(list(w.holidays), dtype="datetime64[D]"))]
    middle = day(w.start) + (day(w.end) - day(w.start)) // 2
    chosen = _untouched(w, _count("off_schedule_marks", size(g)), _active_counts(w, middle) >= 5)
    picked_days = []
    for c in chosen:
        own = sc["weekday"][sc["group_id"] == c + 1]
        options = days[~np.isin(isodow(days), own) & (_active_counts_by_day(w, c, days) >= 3)]
        picked_days.append(options[rng.integers(len(options))] if len(options) else days[rng.integers(len(days))])
    when = np.array(picked_days, dtype="datetime64[D]")
    minutes = g["minutes"][chosen]
    off_ids = w.add_sessions(chosen + 1, when, np.full(len(chosen), OFF_SCHEDULE_START), OFF_SCHEDULE_START + minutes)
    w.add_truth(
        "off_schedule_marks",
        "session",
        off_ids,
        when.astype("datetime64[M]").astype("datetime64[D]"),
        note="session outside the timetable",
    )


def _active_counts_by_day(w: World, group_pos: int, days: Array) -> Array:
    e = w.enrolments
    mine = e["group_id"] == group_pos + 1
    start, end = e["start_date"][mine], e["end_date"][mine]
    end = np.where(np.isnat(end), np.datetime64("9999-12-31"), end)
    counts: Array = ((start[None, :] <= days[:, None]) & (end[None, :] >= days[:, None])).sum(axis=1)
    return counts


# --------------------------------------------------------------------------------------------
# Marks
# --------------------------------------------------------------------------------------------


def _group_months(w: World) -> pa.Table:
    """Per (group, month): sessions, children, first and last day, most present at one session."""
    s, m = w.sessions, w.marks
    con = duckdb.connect()
    con.register("s", pa.table({"session_id": s["session_id"], "group_id": s["group_id"], "date": s["date"]}))
    con.register(
        "m",
        pa.table({"session_id": m["session_id"], "enrolment_id": m["enrolment_id"], "present": m["kind"] == "present"}),
    )
    return con.execute(
        """
        WITH per_session AS (
            SELECT s.group_id, CAST(date_trunc('month', s.date) AS DATE) AS period, s.session_id, s.date,
                   count(*) FILTER (WHERE m.present) AS present, list(m.enrolment_id) AS enrolled
            FROM s JOIN m USING (session_id) GROUP BY ALL
        )
        SELECT group_id, period, count(*) AS sessions, max(present) AS most_present,
               len(list_distinct(flatten(list(enrolled)))) AS children, min(date) AS first_day, max(date) AS last_day
        FROM per_session GROUP BY ALL ORDER BY group_id, period
        """
    ).to_arrow_table()


def _pick_months(w: World, months: pa.Table, n: int, ok: Array) -> tuple[Array, Array]:
    """``n`` (group position, month) pairs where ``ok``, one month per group, in untouched groups."""
    group_pos = months["group_id"].to_numpy() - 1
    period = months["period"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    allowed = ok & ~np.isin(group_pos + 1, np.array(sorted(w.touched_groups), np.int64))
    rows = w.rng.permutation(np.flatnonzero(allowed))
    _, first = np.unique(group_pos[rows], return_index=True)  # one month per group
    rows = np.sort(rows[first][w.rng.permutation(len(first))[:n]])
    w.touched_groups.update((group_pos[rows] + 1).tolist())
    return group_pos[rows], period[rows]


def _marks_of(w: World, group_pos: Array, period: Array) -> Array:
    """Mark positions in the given (group, month) pairs."""
    s, m = w.sessions, w.marks
    sess = m["session_id"] - 1
    key = s["group_id"][sess] * 100_000 + s["date"][sess].astype("datetime64[M]").astype(np.int64)
    wanted = (group_pos + 1) * 100_000 + period.astype("datetime64[M]").astype(np.int64)
    found: Array = np.flatnonzero(np.isin(key, wanted))
    return found


def inject_marks(w: World) -> None:
    """Patterns on a group's month of marks: one month of one group each, on distinct groups."""
    rng, m, s = w.rng, w.marks, w.sessions
    months = _group_months(w)
    sessions = months["sessions"].to_numpy()
    children = months["children"].to_numpy()
    span = (
        months["last_day"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
        - months["first_day"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    ).astype(np.int64)
    n_groups = size(w.groups)

    # perfect_attendance: everyone present at every session of the month
    g, p = _pick_months(w, months, _count("perfect_attendance", n_groups), (children >= 6) & (sessions >= 6))
    rows = _marks_of(w, g, p)
    absent = rows[m["kind"][rows] != "present"]
    m["kind"][absent] = "present"
    m["checked_in_at"][absent] = (
        s["starts_at"][m["session_id"][absent] - 1] - rng.integers(60, 900, len(absent)) * SECOND
    )
    w.add_truth("perfect_attendance", "group_month", g + 1, p, note="whole group present all month")

    # identical_checkins: all present children of a session checked in at the same second
    most = months["most_present"].to_numpy()
    g, p = _pick_months(w, months, _count("identical_checkins", n_groups), (most >= 6) & (sessions >= 4))
    rows = _marks_of(w, g, p)
    rows = rows[m["kind"][rows] == "present"]
    m["checked_in_at"][rows] = s["starts_at"][m["session_id"][rows] - 1] - 5 * MINUTE
    w.add_truth("identical_checkins", "group_month", g + 1, p, note="check-ins at one second")

    # bulk_entry: the month's registers saved within minutes, after the month
    g, p = _pick_months(w, months, _count("bulk_entry", n_groups), (sessions >= 6) & (span >= 14))
    rows = _marks_of(w, g, p)
    month_end = (s["date"][m["session_id"][rows] - 1].astype("datetime64[M]") + 1).astype("datetime64[D]")
    session_rank = (s["date"][m["session_id"][rows] - 1] - month_end).astype(np.int64)  # later sessions later
    m["entered_at"][rows] = at(month_end, 21 * 60) + (session_rank + 40) * 20 * SECOND
    w.add_truth("bulk_entry", "group_month", g + 1, p, note="a month of registers saved at once")


# --------------------------------------------------------------------------------------------
# Timesheets
# --------------------------------------------------------------------------------------------


def inject_timesheets(w: World) -> None:
    t, rng = w.timesheets, w.rng
    n = _count("duplicate_timesheet", size(t))
    copied = np.sort(rng.choice(size(t), size=min(n, size(t)), replace=False))
    first = size(t) + 1
    ids = np.arange(first, first + len(copied), dtype=np.int64)
    copy = {k: v[copied].copy() for k, v in t.items()}
    copy["timesheet_id"] = ids
    copy["created_at"] = copy["created_at"] + rng.integers(2 * 24 * 60, 10 * 24 * 60, len(copied)) * MINUTE
    copy["status"] = np.full(len(copied), "submitted", dtype=object)
    w.timesheets = concat(t, copy)
    w.add_truth("duplicate_timesheet", "timesheet", ids, copy["period"], note="submitted twice")
