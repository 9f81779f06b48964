"""Hand-built voucher tables for tests: a few rows each, registered on a DuckDB connection."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from birtizim.engine.iin import make
from birtizim.vouchers import days_off, flags, schema

OCT = dt.date(2019, 10, 1)


def hm(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


class Tables:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in schema.TABLES}
        self.next_id: dict[str, int] = defaultdict(int)
        self.provider_id = self.add(
            "providers",
            bin="180440000019",
            name="Клуб",
            district="talgar",
            contract_start=dt.date(2019, 1, 1),
            contract_end=dt.date(2020, 12, 31),
        )
        self.venue_id = self.add(
            "venues", provider_id=self.provider_id, district="talgar", address="ул. Абая, 1", capacity=100
        )
        self.staff_id = self.add(
            "staff", provider_id=self.provider_id, full_name="Тренер", background_check_on=dt.date(2019, 1, 1)
        )
        self.programme_id = self.add(
            "programmes",
            provider_id=self.provider_id,
            name="Футбол",
            kind="sport",
            age_min=4,
            age_max=17,
            rate_per_session=Decimal("2000.00"),
        )
        self.vouchers: dict[int, int] = {}
        self.serial = 0

    def add(self, table: str, **row: Any) -> int:
        id_column = schema.TABLES[table].names[0]
        if id_column.endswith("_id") and id_column not in row:
            self.next_id[table] += 1
            row[id_column] = self.next_id[table]
        self.rows[table].append(row)
        return int(row[id_column]) if id_column.endswith("_id") else 0

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        for name, table_schema in schema.TABLES.items():
            con.register(name, pa.Table.from_pylist(self.rows[name], schema=table_schema))
        return con

    # ----- entities -----

    def group(
        self,
        *,
        capacity: int = 10,
        slots: tuple[tuple[int, str, int], ...] = ((1, "15:30", 90), (3, "15:30", 90)),
        provider_id: int | None = None,
    ) -> int:
        """A group with weekly ``slots`` of (ISO weekday, start, minutes)."""
        gid = self.add(
            "groups",
            programme_id=self.programme_id,
            provider_id=provider_id or self.provider_id,
            venue_id=self.venue_id,
            staff_id=self.staff_id,
            name="группа",
            capacity=capacity,
        )
        for weekday, start, minutes in slots:
            begin = dt.datetime.combine(OCT, hm(start))
            self.add(
                "schedule",
                group_id=gid,
                weekday=weekday,
                start_time=begin.time(),
                end_time=(begin + dt.timedelta(minutes=minutes)).time(),
            )
        return gid

    def child(self, *, registry_status: str | None = "resident", parent_id: int | None = None) -> int:
        """A child; ``registry_status`` None leaves their IIN out of the single list."""
        self.serial += 1
        iin = make(dt.date(2010, 5, 17), "M", self.serial)
        while iin is None:
            self.serial += 1
            iin = make(dt.date(2010, 5, 17), "M", self.serial)
        cid = self.add(
            "children",
            iin=iin,
            last_name="Ахметов",
            first_name="Нурсултан",
            birth_date=dt.date(2010, 5, 17),
            sex="M",
            district="talgar",
            parent_id=parent_id if parent_id is not None else 1000 + self.serial,
            priority=None,
        )
        if registry_status is not None:
            self.add(
                "single_list",
                person_id=5000 + cid,
                iin=iin,
                birth_date=dt.date(2010, 5, 17),
                district="talgar",
                registry_status=registry_status,
            )
        return cid

    def parent_of(self, child_id: int) -> int:
        return int(next(r["parent_id"] for r in self.rows["children"] if r["child_id"] == child_id))

    def enrol(
        self, child_id: int, group_id: int, *, start: dt.date = dt.date(2019, 9, 1), end: dt.date | None = None
    ) -> int:
        if child_id not in self.vouchers:
            self.vouchers[child_id] = self.add(
                "vouchers",
                child_id=child_id,
                status="active",
                issued_on=dt.date(2019, 8, 20),
                valid_until=dt.date(2020, 5, 31),
                nominal_value=Decimal("30000.00"),
            )
        return self.add(
            "enrolments",
            child_id=child_id,
            voucher_id=self.vouchers[child_id],
            group_id=group_id,
            start_date=start,
            end_date=end,
            leave_reason=None if end is None else "dropped_out",
        )

    def session(self, group_id: int, day: dt.date, start: str = "15:30", minutes: int = 90) -> int:
        begin = dt.datetime.combine(day, hm(start))
        return self.add(
            "sessions", group_id=group_id, date=day, starts_at=begin, ends_at=begin + dt.timedelta(minutes=minutes)
        )

    def timetable_sessions(self, group_id: int, first: dt.date, last: dt.date) -> list[int]:
        """Every session of the group's timetable from ``first`` to ``last``, skipping public holidays."""
        off = days_off.between(first, last)
        slots = [r for r in self.rows["schedule"] if r["group_id"] == group_id]
        ids = []
        day = first
        while day <= last:
            for slot in slots:
                if slot["weekday"] == day.isoweekday() and day not in off:
                    start = dt.datetime.combine(day, slot["start_time"])
                    end = dt.datetime.combine(day, slot["end_time"])
                    ids.append(self.session(group_id, day, f"{start:%H:%M}", (end - start).seconds // 60))
            day += dt.timedelta(days=1)
        return ids

    def _session(self, session_id: int) -> dict[str, Any]:
        return next(r for r in self.rows["sessions"] if r["session_id"] == session_id)

    def mark(
        self,
        session_id: int,
        enrolment_id: int,
        kind: str = "present",
        *,
        checked_in_at: dt.datetime | None = None,
        entered_at: dt.datetime | None = None,
    ) -> int:
        s = self._session(session_id)
        child = next(r["child_id"] for r in self.rows["enrolments"] if r["enrolment_id"] == enrolment_id)
        if kind == "present" and checked_in_at is None:  # a distinct second per child, before the start
            checked_in_at = s["starts_at"] - dt.timedelta(seconds=60 + 37 * enrolment_id)
        return self.add(
            "marks",
            session_id=session_id,
            enrolment_id=enrolment_id,
            child_id=child,
            kind=kind,
            checked_in_at=checked_in_at if kind == "present" else None,
            entered_at=entered_at or s["ends_at"] + dt.timedelta(minutes=30),
            entered_by=self.staff_id,
        )

    def link(self, enrolment_id: int, period: dt.date, answer: str | None = None) -> int:
        child = next(r["child_id"] for r in self.rows["enrolments"] if r["enrolment_id"] == enrolment_id)
        parent = self.parent_of(child)
        sent = dt.datetime.combine(period, dt.time(10)) + dt.timedelta(days=32)
        lid = self.add(
            "links",
            enrolment_id=enrolment_id,
            parent_id=parent,
            period=period,
            nonce=f"n{len(self.rows['links'])}",
            sent_at=sent,
            expires_at=sent + dt.timedelta(days=10),
        )
        if answer is not None:
            self.add(
                "confirmations",
                link_id=lid,
                enrolment_id=enrolment_id,
                parent_id=parent,
                period=period,
                outcome=answer,
                responded_at=sent + dt.timedelta(hours=5),
            )
        return lid

    def timesheet(self, group_id: int, period: dt.date, created_at: dt.datetime, amount: str = "12000.00") -> int:
        return self.add(
            "timesheets",
            group_id=group_id,
            provider_id=self.provider_id,
            period=period,
            status="submitted",
            created_at=created_at,
            sessions=6,
            present=6,
            confirmed_present=6,
            amount=Decimal(amount),
        )

    # ----- running a flag -----

    def flag(self, code: str, **thresholds: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = flags.run(self.connect(), flags.Thresholds(**thresholds), codes=[code]).to_pylist()
        return rows
