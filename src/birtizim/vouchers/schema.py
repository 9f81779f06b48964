"""The voucher tables: what the flags read, what the synthetic generator writes, one Parquet file each.

Times are local (Asia/Almaty) wall-clock timestamps without a zone, as registers are kept; money is
DECIMAL tenge. A web app that keeps these entities in its own models exports the same columns (or
registers its query results under these names) and calls ``flags.run`` on that connection.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

TS = pa.timestamp("us")
MONEY = pa.decimal128(14, 2)
RATE = pa.decimal128(10, 2)

TABLES: dict[str, pa.Schema] = {
    # The voucher system's own register of children; the IIN ties a child to the single list.
    "children": pa.schema(
        [
            ("child_id", pa.int64()),
            ("iin", pa.string()),
            ("last_name", pa.string()),
            ("first_name", pa.string()),
            ("birth_date", pa.date32()),
            ("sex", pa.string()),
            ("district", pa.string()),
            ("parent_id", pa.int64()),  # the parent or guardian who receives confirmation links
            ("priority", pa.string()),  # model.Priority or null
        ]
    ),
    "applications": pa.schema(
        [
            ("application_id", pa.int64()),
            ("child_id", pa.int64()),
            ("applied_at", TS),
            ("priorities", pa.list_(pa.string())),
            ("rank", pa.int64()),  # allocation.rank: 1 = first, null = duplicate application
            ("allocated", pa.bool_()),
        ]
    ),
    "vouchers": pa.schema(
        [
            ("voucher_id", pa.int64()),
            ("child_id", pa.int64()),
            ("status", pa.string()),  # model.VoucherStatus
            ("issued_on", pa.date32()),
            ("valid_until", pa.date32()),
            ("nominal_value", MONEY),
        ]
    ),
    "providers": pa.schema(
        [
            ("provider_id", pa.int64()),
            ("bin", pa.string()),  # 12 digits, IIN check digit
            ("name", pa.string()),
            ("district", pa.string()),
            ("contract_start", pa.date32()),
            ("contract_end", pa.date32()),
        ]
    ),
    "venues": pa.schema(
        [
            ("venue_id", pa.int64()),
            ("provider_id", pa.int64()),
            ("district", pa.string()),
            ("address", pa.string()),
            ("capacity", pa.int32()),  # people the premises hold at once
        ]
    ),
    "staff": pa.schema(
        [
            ("staff_id", pa.int64()),
            ("provider_id", pa.int64()),
            ("full_name", pa.string()),
            ("background_check_on", pa.date32()),  # date of the criminal record certificate
        ]
    ),
    "programmes": pa.schema(
        [
            ("programme_id", pa.int64()),
            ("provider_id", pa.int64()),
            ("name", pa.string()),
            ("kind", pa.string()),  # sport, creative, technical, intellectual
            ("age_min", pa.int32()),
            ("age_max", pa.int32()),  # inclusive
            ("rate_per_session", RATE),
        ]
    ),
    "groups": pa.schema(
        [
            ("group_id", pa.int64()),
            ("programme_id", pa.int64()),
            ("provider_id", pa.int64()),
            ("venue_id", pa.int64()),
            ("staff_id", pa.int64()),
            ("name", pa.string()),
            ("capacity", pa.int32()),  # children per group
        ]
    ),
    # The weekly timetable: one row per weekly slot of a group.
    "schedule": pa.schema(
        [
            ("group_id", pa.int64()),
            ("weekday", pa.int32()),  # ISO: 1 = Monday ... 7 = Sunday
            ("start_time", pa.time64("us")),
            ("end_time", pa.time64("us")),
        ]
    ),
    "enrolments": pa.schema(
        [
            ("enrolment_id", pa.int64()),
            ("child_id", pa.int64()),
            ("voucher_id", pa.int64()),
            ("group_id", pa.int64()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),  # null while open; inclusive
            ("leave_reason", pa.string()),  # model.LeaveReason or null
        ]
    ),
    "sessions": pa.schema(
        [
            ("session_id", pa.int64()),
            ("group_id", pa.int64()),
            ("date", pa.date32()),
            ("starts_at", TS),
            ("ends_at", TS),
        ]
    ),
    "marks": pa.schema(
        [
            ("mark_id", pa.int64()),
            ("session_id", pa.int64()),
            ("enrolment_id", pa.int64()),
            ("child_id", pa.int64()),
            ("kind", pa.string()),  # model.MarkKind
            ("checked_in_at", TS),  # the check-in (QR scan at the door); null when absent
            ("entered_at", TS),  # when the mark was saved in the system
            ("entered_by", pa.int64()),  # staff_id
        ]
    ),
    # One link per enrolment and month with at least one present mark (links.issue with a period).
    "links": pa.schema(
        [
            ("link_id", pa.int64()),
            ("enrolment_id", pa.int64()),
            ("parent_id", pa.int64()),
            ("period", pa.date32()),  # first day of the month
            ("nonce", pa.string()),
            ("sent_at", TS),
            ("expires_at", TS),
        ]
    ),
    "confirmations": pa.schema(
        [
            ("confirmation_id", pa.int64()),
            ("link_id", pa.int64()),
            ("enrolment_id", pa.int64()),
            ("parent_id", pa.int64()),
            ("period", pa.date32()),
            ("outcome", pa.string()),  # model.ConfirmationOutcome
            ("responded_at", TS),
        ]
    ),
    "timesheets": pa.schema(
        [
            ("timesheet_id", pa.int64()),
            ("group_id", pa.int64()),
            ("provider_id", pa.int64()),
            ("period", pa.date32()),
            ("status", pa.string()),  # model.TimesheetStatus
            ("created_at", TS),
            ("sessions", pa.int64()),
            ("present", pa.int64()),
            ("confirmed_present", pa.int64()),
            ("amount", MONEY),  # confirmed_present x rate (payment.lines_sql)
        ]
    ),
    # The rows of the engine's single list (RUN/persons.parquet) whose IIN is a child's IIN here: an
    # IIN absent from it is not a resident of the region.
    "single_list": pa.schema(
        [
            ("person_id", pa.int64()),
            ("iin", pa.string()),
            ("birth_date", pa.date32()),
            ("district", pa.string()),
            ("registry_status", pa.string()),  # resident, deceased, emigrated
        ]
    ),
}

# Written by the synthetic generator only: which (flag, entity) the injected ghost patterns make true.
TRUTH = pa.schema(
    [
        ("flag", pa.string()),
        ("entity_kind", pa.string()),
        ("entity_id", pa.int64()),
        ("period", pa.date32()),  # for flags on a group's month or a session; null otherwise
        ("note", pa.string()),
    ]
)

# What flags.run returns.
FLAGS = pa.schema(
    [
        ("flag", pa.string()),
        ("entity_kind", pa.string()),
        ("entity_id", pa.int64()),
        ("period", pa.date32()),
        ("provider_ids", pa.list_(pa.int64())),
        ("value", pa.float64()),  # the flag's main number, for sorting (clubs, minutes, marks...)
        ("evidence", pa.string()),  # in English, for the command line
        ("facts", pa.string()),  # the evidence's figures as a JSON object, for words in the reader's language
    ]
)


def conform(name: str, table: pa.Table) -> pa.Table:
    """``table`` with exactly the columns of ``name``'s schema, in order and cast to its types."""
    schema = TRUTH if name == "truth" else TABLES[name]
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise ValueError(f"{name}: missing columns {', '.join(missing)}")
    return table.select(schema.names).cast(schema)


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table of ``folder`` (one Parquet file each)."""
    missing = [n for n in TABLES if not (folder / f"{n}.parquet").is_file()]
    if missing:
        raise FileNotFoundError(f"{folder}: no {', '.join(f'{n}.parquet' for n in missing)}")
    con = duckdb.connect()
    for name in TABLES:
        path = str(folder / f"{name}.parquet").replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return con
