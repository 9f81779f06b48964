"""The database as the core's tables: one query per table into Arrow, and back (for the demo loader).

Django keeps instants in UTC; the core's tables hold local wall-clock timestamps (Asia/Almaty, as
registers are kept), so timestamps are converted column by column in Arrow, never row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db.models import Max, Min, Model

from birtizim.vouchers import schema
from birtizim.web.registry import runstore
from birtizim.web.registry.models import Run
from birtizim.web.vouchers import models as m


def local(values: list[Any]) -> pa.Array:
    """Aware datetimes -> local wall-clock timestamps without a zone (the core's TIMESTAMP)."""
    utc = pa.array(values, pa.timestamp("us", "UTC"))
    return pc.local_timestamp(utc.cast(pa.timestamp("us", settings.TIME_ZONE)))


def aware(column: pa.ChunkedArray | pa.Array) -> list[dt.datetime | None]:
    """Local wall-clock timestamps -> aware UTC datetimes for Django."""
    out: list[dt.datetime | None] = (
        pc.assume_timezone(column, settings.TIME_ZONE).cast(pa.timestamp("us", "UTC")).to_pylist()
    )
    return out


def queue(rows: list[tuple[int, int, dt.datetime, list[str] | None]]) -> pa.Table:
    """(application id, child id, applied at, priorities) rows as the table ``allocation`` ranks."""
    return pa.table(
        {
            "application_id": pa.array([r[0] for r in rows], pa.int64()),
            "child_id": pa.array([r[1] for r in rows], pa.int64()),
            "applied_at": local([r[2] for r in rows]),
            "priorities": pa.array([r[3] or [] for r in rows], pa.list_(pa.string())),
        }
    )


# Each table: the model and the (column, ORM field) pairs; timestamps are listed in _TIMESTAMPS.
_SOURCES: dict[str, tuple[type[Model], list[tuple[str, str]]]] = {
    "children": (
        m.Child,
        [
            ("child_id", "id"),
            ("iin", "iin"),
            ("last_name", "last_name"),
            ("first_name", "first_name"),
            ("birth_date", "birth_date"),
            ("sex", "sex"),
            ("district", "district"),
            ("parent_id", "parent_id"),
            ("priority", "priority"),
        ],
    ),
    "vouchers": (
        m.Voucher,
        [
            ("voucher_id", "id"),
            ("child_id", "child_id"),
            ("status", "status"),
            ("issued_on", "issued_on"),
            ("valid_until", "valid_until"),
            ("nominal_value", "nominal_value"),
        ],
    ),
    "venues": (
        m.Venue,
        [
            ("venue_id", "id"),
            ("provider_id", "provider_id"),
            ("district", "district"),
            ("address", "address"),
            ("capacity", "capacity"),
        ],
    ),
    "staff": (
        m.Staff,
        [
            ("staff_id", "id"),
            ("provider_id", "provider_id"),
            ("full_name", "full_name"),
            ("background_check_on", "background_check_on"),
        ],
    ),
    "programmes": (
        m.Programme,
        [
            ("programme_id", "id"),
            ("provider_id", "provider_id"),
            ("name", "name"),
            ("kind", "kind"),
            ("age_min", "age_min"),
            ("age_max", "age_max"),
            ("rate_per_session", "rate_per_session"),
        ],
    ),
    "groups": (
        m.Group,
        [
            ("group_id", "id"),
            ("programme_id", "programme_id"),
            ("provider_id", "provider_id"),
            ("venue_id", "venue_id"),
            ("staff_id", "staff_id"),
            ("name", "name"),
            ("capacity", "capacity"),
        ],
    ),
    "schedule": (
        m.ScheduleSlot,
        [("group_id", "group_id"), ("weekday", "weekday"), ("start_time", "start_time"), ("end_time", "end_time")],
    ),
    "enrolments": (
        m.Enrolment,
        [
            ("enrolment_id", "id"),
            ("child_id", "child_id"),
            ("voucher_id", "voucher_id"),
            ("group_id", "group_id"),
            ("start_date", "start_date"),
            ("end_date", "end_date"),
            ("leave_reason", "leave_reason"),
        ],
    ),
    "sessions": (
        m.Session,
        [
            ("session_id", "id"),
            ("group_id", "group_id"),
            ("date", "date"),
            ("starts_at", "starts_at"),
            ("ends_at", "ends_at"),
        ],
    ),
    "marks": (
        m.Mark,
        [
            ("mark_id", "id"),
            ("session_id", "session_id"),
            ("enrolment_id", "enrolment_id"),
            ("child_id", "child_id"),
            ("kind", "kind"),
            ("checked_in_at", "checked_in_at"),
            ("entered_at", "entered_at"),
            ("entered_by", "entered_by_id"),
        ],
    ),
    "links": (
        m.ConfirmationLink,
        [
            ("link_id", "id"),
            ("enrolment_id", "enrolment_id"),
            ("parent_id", "parent_id"),
            ("period", "period"),
            ("nonce", "nonce"),
            ("sent_at", "sent_at"),
            ("expires_at", "expires_at"),
        ],
    ),
    "confirmations": (
        m.Confirmation,
        [
            ("confirmation_id", "id"),
            ("link_id", "link_id"),
            ("enrolment_id", "enrolment_id"),
            ("parent_id", "parent_id"),
            ("period", "period"),
            ("outcome", "outcome"),
            ("responded_at", "responded_at"),
        ],
    ),
    "timesheets": (
        m.Timesheet,
        [
            ("timesheet_id", "id"),
            ("group_id", "group_id"),
            ("provider_id", "provider_id"),
            ("period", "period"),
            ("status", "status"),
            ("created_at", "created_at"),
            ("sessions", "sessions"),
            ("present", "present"),
            ("confirmed_present", "confirmed_present"),
            ("amount", "amount"),
        ],
    ),
}
_TIMESTAMPS = {
    "starts_at",
    "ends_at",
    "checked_in_at",
    "entered_at",
    "sent_at",
    "expires_at",
    "responded_at",
    "created_at",
}
_BLANK_IS_NULL = {"priority", "leave_reason", "sex"}  # Django keeps "" where the core has null


def _table(name: str, rows: list[tuple[Any, ...]], columns: list[str], *, whole: bool = True) -> pa.Table:
    types = schema.TABLES[name]
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    arrays: dict[str, pa.Array] = {}
    for column, values in zip(columns, cols, strict=True):
        if column in _TIMESTAMPS:
            arrays[column] = local(list(values))
            continue
        if column in _BLANK_IS_NULL:
            values = tuple(v or None for v in values)
        arrays[column] = pa.array(values, types.field(column).type)
    if not whole:  # some of the columns, by request: typed as the schema says, nothing added
        return pa.table(arrays)
    return schema.conform(name, pa.table(arrays))


def _providers() -> pa.Table:
    # A provider's contract span: the first start and the last end of its contracts.
    rows = list(
        m.Provider.objects.annotate(start=Min("contracts__starts_on"), end=Max("contracts__ends_on"))
        .order_by("id")
        .values_list("id", "bin", "name", "district", "start", "end")
    )
    return _table("providers", rows, ["provider_id", "bin", "name", "district", "contract_start", "contract_end"])


def _applications() -> pa.Table:
    rows = list(
        m.Application.objects.order_by("id").values_list(
            "id", "child_id", "applied_at", "priorities", "rank", "allocated"
        )
    )
    t = schema.TABLES["applications"]
    cols = list(zip(*rows, strict=True)) if rows else [()] * 6
    return schema.conform(
        "applications",
        pa.table(
            {
                "application_id": pa.array(cols[0], pa.int64()),
                "child_id": pa.array(cols[1], pa.int64()),
                "applied_at": local(list(cols[2])),
                "priorities": pa.array([p or [] for p in cols[3]], t.field("priorities").type),
                "rank": pa.array(cols[4], pa.int64()),
                "allocated": pa.array(cols[5], pa.bool_()),
            }
        ),
    )


def export(name: str, only: Sequence[str] | None = None) -> pa.Table:
    """One core table from the database, in one query; with ``only``, just those columns (for any table
    but ``providers`` and ``applications``, which are always whole)."""
    if name == "providers":
        return _providers()
    if name == "applications":
        return _applications()
    model, pairs = _SOURCES[name]
    if only is not None:
        unknown = set(only) - {c for c, _ in pairs}
        if unknown:
            raise ValueError(f"{name}: no columns {', '.join(sorted(unknown))}")
        pairs = [(c, f) for c, f in pairs if c in only]
    columns = [c for c, _ in pairs]
    rows = list(
        model._default_manager.order_by(*(["id"] if name != "schedule" else ["group_id", "weekday"])).values_list(
            *(f for _, f in pairs)
        )
    )
    return _table(name, rows, columns, whole=only is None)


def single_list(children: pa.Table, run: Run | None = None) -> pa.Table:
    """The rows of the current run's single list whose IIN is a child's IIN (set-based, in the run's DuckDB)."""
    empty = schema.TABLES["single_list"].empty_table()
    if run is None or not run.folder:
        return empty
    cur = runstore.cursor(run.folder)
    try:
        cur.register("child_iins", children.select(["iin"]))
        found = cur.execute(
            """SELECT p.person_id, p.iin, p.birth_date, p.district, p.registry_status
               FROM persons p JOIN (SELECT DISTINCT iin FROM child_iins) c USING (iin)"""
        ).to_arrow_table()
    finally:
        cur.close()
    return schema.conform("single_list", found)


def connect(run: Run | None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every core table registered under its name, the single list from ``run``."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for name in schema.TABLES:
        if name == "single_list":
            continue
        con.register(name, export(name))
    children = con.execute("SELECT iin FROM children").to_arrow_table()
    con.register("single_list", single_list(children, run))
    return con
