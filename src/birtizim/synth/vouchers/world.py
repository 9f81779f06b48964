"""The synthetic voucher world while it is being built: column arrays the generator and the ghosts grow.

Every entity's id is its position + 1 in its arrays, so lookups are plain indexing, never a search or
a loop. ``generate`` builds the honest world, ``ghosts`` injects the patterns and records the truth, and
``generate`` writes the Parquet files through ``schema.conform``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Array = npt.NDArray[Any]
Cols = dict[str, Array]

# Parent behaviour towards confirmation links (one code per parent, indexed by parent_id)
HONEST = 0  # answers most months
SILENT = 1  # an honest parent who never answers: the background of parent_never_confirms
UNAWARE = 2  # injected: a real parent whose child a provider listed without their knowledge
COLLUDING = 3  # injected: a "parent" contact run by the provider, confirms everything

DAY = np.timedelta64(1, "D")
MINUTE = np.timedelta64(60_000_000, "us")
SECOND = np.timedelta64(1_000_000, "us")


def day(d: dt.date) -> np.datetime64:
    return np.datetime64(d, "D")


def at(days: Array, minutes: Array | int) -> Array:
    """Timestamps (us) at ``minutes`` after midnight of ``days``."""
    result: Array = days.astype("datetime64[us]") + np.asarray(minutes, dtype=np.int64) * MINUTE
    return result


def month_start(days: Array) -> Array:
    result: Array = days.astype("datetime64[M]").astype("datetime64[D]")
    return result


def isodow(days: Array) -> Array:
    """ISO weekday (1 = Monday): 1970-01-01, day 0, was a Thursday."""
    result: Array = (days.astype("datetime64[D]").astype(np.int64) + 3) % 7 + 1
    return result


def concat(a: Cols, b: Cols) -> Cols:
    if not a:
        return {k: np.asarray(v) for k, v in b.items()}
    missing = set(a) ^ set(b)
    if missing:
        raise ValueError(f"columns differ: {sorted(missing)}")
    return {k: np.concatenate([a[k], np.asarray(b[k], dtype=a[k].dtype)]) for k in a}


def size(cols: Cols) -> int:
    return len(next(iter(cols.values()))) if cols else 0


def to_arrow(cols: Cols) -> pa.Table:
    """Arrow table of the columns; NaT dates and timestamps become nulls."""
    arrays = {}
    for name, values in cols.items():
        if values.dtype.kind == "M":
            arrays[name] = pa.array(values, mask=np.isnat(values))
        else:
            arrays[name] = pa.array(values)
    return pa.table(arrays)


@dataclass
class World:
    rng: np.random.Generator
    seed: int
    as_of: dt.date
    start: dt.date  # first day of the first month
    end: dt.date  # last day of the last month
    holidays: dict[dt.date, str]
    people: pa.Table  # the single list the children are drawn from
    districts: list[str]
    pool: Cols = field(default_factory=dict)  # eligible resident children, whether registered or not
    children: Cols = field(default_factory=dict)
    parent_behaviour: Array = field(default_factory=lambda: np.zeros(1, np.int8))  # index: parent_id
    applications: pa.Table | None = None
    vouchers: Cols = field(default_factory=dict)
    providers: Cols = field(default_factory=dict)
    venues: Cols = field(default_factory=dict)
    staff: Cols = field(default_factory=dict)
    programmes: Cols = field(default_factory=dict)
    groups: Cols = field(default_factory=dict)
    schedule: Cols = field(default_factory=dict)
    enrolments: Cols = field(default_factory=dict)
    sessions: Cols = field(default_factory=dict)
    marks: Cols = field(default_factory=dict)
    links: Cols = field(default_factory=dict)
    confirmations: Cols = field(default_factory=dict)
    timesheets: Cols = field(default_factory=dict)
    truth: list[tuple[str, str, int, dt.date | None, str]] = field(default_factory=list)
    touched_groups: set[int] = field(default_factory=set)  # groups holding injected ghosts

    # ----- registration helpers: each returns the new ids -----

    def new_parents(self, n: int, behaviour: int) -> Array:
        first = len(self.parent_behaviour)
        self.parent_behaviour = np.concatenate([self.parent_behaviour, np.full(n, behaviour, np.int8)])
        return np.arange(first, first + n, dtype=np.int64)

    def add_children(self, cols: Cols) -> Array:
        first = size(self.children) + 1
        n = size(cols)
        ids = np.arange(first, first + n, dtype=np.int64)
        self.children = concat(self.children, {"child_id": ids, **cols})
        return ids

    def register_pool(self, positions: Array) -> Array:
        """Put pool children (positions in ``pool``) in the voucher register; returns their child ids."""
        p = self.pool
        ids = self.add_children(
            {
                "iin": p["iin"][positions],
                "last_name": p["last_name"][positions],
                "first_name": p["first_name"][positions],
                "birth_date": p["birth_date"][positions],
                "sex": p["sex"][positions],
                "district": p["district"][positions],
                "parent_id": p["parent_id"][positions],
                "priority": p["priority"][positions],
                "age": p["age"][positions],
            }
        )
        p["child_id"][positions] = ids
        return ids

    def add_vouchers(self, child_ids: Array, status: str, issued_on: dt.date, nominal_value: object) -> Array:
        first = size(self.vouchers) + 1
        n = len(child_ids)
        ids = np.arange(first, first + n, dtype=np.int64)
        valid_until = dt.date(self.start.year + (self.start.month >= 6), 5, 31)  # the school year's end
        self.vouchers = concat(
            self.vouchers,
            {
                "voucher_id": ids,
                "child_id": np.asarray(child_ids, np.int64),
                "status": np.full(n, status, dtype=object),
                "issued_on": np.full(n, day(issued_on)),
                "valid_until": np.full(n, day(valid_until)),
                "nominal_value": np.full(n, nominal_value, dtype=object),
            },
        )
        return ids

    def add_enrolments(
        self,
        child_id: Array,
        voucher_id: Array,
        group_pos: Array,
        start: Array,
        propensity: Array,
        *,
        end: Array | None = None,
        reason: Array | None = None,
        excused_share: float = 0.6,
    ) -> Array:
        """Enrol; ``propensity`` is each child's chance of attending a session. Uses up group seats."""
        n = len(child_id)
        first = size(self.enrolments) + 1
        ids = np.arange(first, first + n, dtype=np.int64)
        self.enrolments = concat(
            self.enrolments,
            {
                "enrolment_id": ids,
                "child_id": np.asarray(child_id, np.int64),
                "voucher_id": np.asarray(voucher_id, np.int64),
                "group_id": np.asarray(group_pos, np.int64) + 1,
                "start_date": np.asarray(start, "datetime64[D]"),
                "end_date": np.full(n, np.datetime64("NaT"), "datetime64[D]") if end is None else end,
                "leave_reason": np.full(n, None, dtype=object) if reason is None else reason,
                "propensity": np.asarray(propensity, np.float64),
                "excused_share": np.full(n, excused_share),
            },
        )
        np.subtract.at(self.groups["seats"], np.asarray(group_pos, np.int64), 1)
        return ids

    def add_sessions(self, group_id: Array, days: Array, start_min: Array, end_min: Array) -> Array:
        """Sessions of groups (ids) on ``days`` from ``start_min`` to ``end_min`` minutes after midnight."""
        first = size(self.sessions) + 1
        ids = np.arange(first, first + len(group_id), dtype=np.int64)
        days = np.asarray(days, "datetime64[D]")
        self.sessions = concat(
            self.sessions,
            {
                "session_id": ids,
                "group_id": np.asarray(group_id, np.int64),
                "date": days,
                "starts_at": at(days, start_min),
                "ends_at": at(days, end_min),
            },
        )
        return ids

    def add_truth(self, flag: str, kind: str, ids: Array, period: Array | None = None, note: str = "") -> None:
        periods: list[dt.date | None] = (
            [None] * len(ids) if period is None else [p.astype("datetime64[D]").item() for p in period]
        )
        self.truth += [(flag, kind, int(i), p, note) for i, p in zip(ids, periods, strict=True)]

    def voucher_of(self, child_ids: Array) -> Array:
        """The voucher id of each child (0 when none): one voucher per child."""
        lookup = np.zeros(size(self.children) + 1, np.int64)
        lookup[self.vouchers["child_id"]] = self.vouchers["voucher_id"]
        result: Array = lookup[child_ids]
        return result
