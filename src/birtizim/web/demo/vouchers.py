"""Load a synthetic voucher world (the core's ``synth``) into the database, replacing the previous demo.

The core's ids become primary keys, so the world's own references hold without lookups; parent ids
start at 0 in the core and are shifted by one (a primary key of 0 surprises some databases).
Rows go in with ``bulk_create`` table by table, and sequences are reset afterwards on databases
that keep them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

from birtizim.synth import vouchers as synth
from birtizim.web.vouchers import models as m
from birtizim.web.vouchers.core_tables import aware

# Children first, their dependants after; deleting goes the other way.
ORDER: tuple[type[Model], ...] = (
    m.Provider,
    m.Contract,
    m.Venue,
    m.Staff,
    m.Programme,
    m.Group,
    m.ScheduleSlot,
    m.Parent,
    m.Child,
    m.AllocationBatch,
    m.Application,
    m.Voucher,
    m.Enrolment,
    m.Session,
    m.Timesheet,
    m.Mark,
    m.ConfirmationLink,
    m.Confirmation,
    m.TimesheetEvent,
    m.FlagRun,
    m.Flag,
    m.CaseNote,
)


def clear() -> None:
    for model in reversed(ORDER):
        model._default_manager.all().delete()


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = table.to_pylist()
    return out


def _with_aware(table: pa.Table, *columns: str) -> list[dict[str, Any]]:
    rows = _rows(table.drop_columns(list(columns)))
    for column in columns:
        for row, value in zip(rows, aware(table[column]), strict=True):
            row[column] = value
    return rows


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _bulk(model: type[Model], objects: Iterable[Model]) -> int:
    made = model._default_manager.bulk_create(list(objects), batch_size=2000)
    return len(made)


@transaction.atomic
def load(world: dict[str, pa.Table]) -> dict[str, int]:
    """Replace every voucher record with ``world`` (the core's tables); returns rows per table."""
    clear()
    n: dict[str, int] = {}
    n["providers"] = _bulk(
        m.Provider,
        (
            m.Provider(id=r["provider_id"], bin=r["bin"], name=r["name"], district=r["district"])
            for r in _rows(world["providers"])
        ),
    )
    _bulk(
        m.Contract,
        (
            m.Contract(provider_id=r["provider_id"], starts_on=r["contract_start"], ends_on=r["contract_end"])
            for r in _rows(world["providers"])
        ),
    )
    n["venues"] = _bulk(m.Venue, (m.Venue(id=r.pop("venue_id"), **r) for r in _rows(world["venues"])))
    n["staff"] = _bulk(m.Staff, (m.Staff(id=r.pop("staff_id"), **r) for r in _rows(world["staff"])))
    n["programmes"] = _bulk(
        m.Programme, (m.Programme(id=r.pop("programme_id"), **r) for r in _rows(world["programmes"]))
    )
    n["groups"] = _bulk(m.Group, (m.Group(id=r.pop("group_id"), **r) for r in _rows(world["groups"])))
    n["schedule"] = _bulk(m.ScheduleSlot, (m.ScheduleSlot(**r) for r in _rows(world["schedule"])))
    children = world["children"].set_column(
        world["children"].schema.get_field_index("parent_id"), "parent_id", pc.add(world["children"]["parent_id"], 1)
    )
    parent_ids = sorted(set(children["parent_id"].to_pylist()))
    n["parents"] = _bulk(m.Parent, (m.Parent(id=p) for p in parent_ids))
    n["children"] = _bulk(
        m.Child,
        (
            m.Child(
                id=r["child_id"],
                iin=r["iin"],
                last_name=r["last_name"] or "",
                first_name=r["first_name"] or "",
                birth_date=r["birth_date"],
                sex=_blank(r["sex"]),
                district=r["district"] or "",
                parent_id=r["parent_id"],
                priority=_blank(r["priority"]),
            )
            for r in _rows(children)
        ),
    )
    n["applications"] = _bulk(
        m.Application,
        (
            m.Application(
                id=r["application_id"],
                child_id=r["child_id"],
                applied_at=r["applied_at"],
                priorities=r["priorities"] or [],
                rank=r["rank"],
                allocated=r["allocated"],
            )
            for r in _with_aware(world["applications"], "applied_at")
        ),
    )
    n["vouchers"] = _bulk(m.Voucher, (m.Voucher(id=r.pop("voucher_id"), **r) for r in _rows(world["vouchers"])))
    n["enrolments"] = _bulk(
        m.Enrolment,
        (
            m.Enrolment(id=r.pop("enrolment_id"), **{**r, "leave_reason": _blank(r["leave_reason"])})
            for r in _rows(world["enrolments"])
        ),
    )
    n["sessions"] = _bulk(
        m.Session,
        (m.Session(id=r.pop("session_id"), **r) for r in _with_aware(world["sessions"], "starts_at", "ends_at")),
    )
    if "timesheets" in world:
        n["timesheets"] = _bulk(
            m.Timesheet,
            (m.Timesheet(id=r.pop("timesheet_id"), **r) for r in _with_aware(world["timesheets"], "created_at")),
        )
    n["marks"] = _bulk(
        m.Mark,
        (
            # entered_by is the core's staff id; a web mark's author is a user account, so it stays empty
            m.Mark(id=r.pop("mark_id"), **{k: v for k, v in r.items() if k != "entered_by"})
            for r in _with_aware(world["marks"], "checked_in_at", "entered_at")
        ),
    )
    links = world["links"].set_column(
        world["links"].schema.get_field_index("parent_id"), "parent_id", pc.add(world["links"]["parent_id"], 1)
    )
    n["links"] = _bulk(
        m.ConfirmationLink,
        (m.ConfirmationLink(id=r.pop("link_id"), **r) for r in _with_aware(links, "sent_at", "expires_at")),
    )
    answers = world["confirmations"]
    answers = answers.set_column(
        answers.schema.get_field_index("parent_id"), "parent_id", pc.add(answers["parent_id"], 1)
    )
    nonces = dict(zip(world["links"]["link_id"].to_pylist(), world["links"]["nonce"].to_pylist(), strict=True))
    n["confirmations"] = _bulk(
        m.Confirmation,
        (
            m.Confirmation(id=r.pop("confirmation_id"), nonce=nonces[r["link_id"]], **r)
            for r in _with_aware(answers, "responded_at")
        ),
    )
    _link_timesheets()
    _reset_sequences()
    return n


def _link_timesheets() -> None:
    """Each link belongs to its group's first timesheet of the month: one set-based UPDATE (one per
    timesheet took minutes on PostgreSQL, whose planner has no statistics yet for tables just filled)."""
    link, sheet, enrolment = (model._meta.db_table for model in (m.ConfirmationLink, m.Timesheet, m.Enrolment))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {link} SET timesheet_id = (
                    SELECT t.id FROM {sheet} t JOIN {enrolment} e ON e.group_id = t.group_id
                    WHERE e.id = {link}.enrolment_id AND t.period = {link}.period
                    ORDER BY t.created_at, t.id LIMIT 1)
                WHERE timesheet_id IS NULL"""
        )


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(ORDER))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def build(
    *, run_folder: Path | None, region_dir: Path | None, seed: int, months: int
) -> tuple[dict[str, pa.Table], dt.date, dt.date]:
    """The core's synthetic world from a run's single list (or a region folder)."""
    people, as_of, _ = synth.load_list(run=run_folder, region_dir=region_dir)
    world = synth.build(people=people, as_of=as_of, seed=seed, months=months)
    return synth.tables(world), world.start, world.end
