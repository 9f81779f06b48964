"""Write a run's outputs: Parquet for machines, formatted XLSX for people.

XLSX exports mask IINs (``********2728``) unless ``full_iin`` is asked for, and never turn text into
formulas or links (a name beginning with ``=`` stays text).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter

PARQUET_QUERIES = {
    "persons": """
        SELECT person_id, iin, last_name, first_name, patronymic, birth_date, sex, district, registry_status,
               status, category, contributor_type, evidence
        FROM statuses ORDER BY person_id""",
    "links": """
        SELECT a.source, a.row_number, l.person_id, l.method, l.match_probability
        FROM links l JOIN agency a USING (record_id) ORDER BY a.source, a.row_number""",
    "conflicts": "SELECT * FROM conflicts ORDER BY type, source, row_number",
    "rejects": "SELECT * FROM rejects ORDER BY source, row_number",
    "raw_iins": """
        SELECT source, row_number, iin_raw FROM agency ORDER BY source, row_number""",
    "review": """
        SELECT a.source, a.row_number, r.person_id, r.match_probability
        FROM review r JOIN agency a USING (record_id) ORDER BY a.source, a.row_number""",
}

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "constant_memory": False,
    "default_date_format": "dd.mm.yyyy",
}


def mask_iin(value: str | None) -> str | None:
    if not value:
        return value
    return "*" * (len(value) - 4) + value[-4:]


def write_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    for name, query in PARQUET_QUERIES.items():
        con.execute(f"COPY ({query}) TO '{out / (name + '.parquet')}' (FORMAT parquet)")


def _sheet(
    workbook: Any,
    title: str,
    headers: list[str],
    rows: list[tuple[Any, ...]],
    iin_columns: tuple[int, ...] = (),
    full_iin: bool = False,
) -> None:
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    percent = workbook.add_format({"num_format": "0.0%"})
    widths = [len(h) for h in headers]
    sheet.write_row(0, 0, headers, bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if c in iin_columns and not full_iin:
                value = mask_iin(value)
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day))
            elif isinstance(value, float) and headers[c].startswith("actualisation"):
                sheet.write_number(r, c, value, percent)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                sheet.write_string(r, c, text)
                widths[c] = max(widths[c], min(len(text), 60))
    for c, w in enumerate(widths):
        sheet.set_column(c, c, max(8, w + 2))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)


def _query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur = con.execute(sql)
    headers = [d[0] for d in cur.description]
    return headers, cur.fetchall()


def write_report(con: duckdb.DuckDBPyConnection, path: Path, *, full_iin: bool = False) -> None:
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    for title, sql, iin_cols in (
        ("Districts", "SELECT * FROM district_report ORDER BY rank", ()),
        ("Sources", "SELECT * FROM source_report", ()),
        ("Conflicts by type", "SELECT type, count(*) AS n FROM conflicts GROUP BY type ORDER BY n DESC", ()),
        (
            "Conflicts",
            """SELECT c.type, c.detail, c.source, c.row_number, s.iin, s.last_name, s.first_name,
                                s.district FROM conflicts c LEFT JOIN statuses s USING (person_id)
                         ORDER BY c.type, c.source, c.row_number LIMIT 1000000""",
            (4,),
        ),
        ("Rejects", "SELECT * FROM rejects ORDER BY source, row_number LIMIT 1000000", ()),
    ):
        headers, rows = _query(con, sql)
        _sheet(workbook, title, headers, rows, iin_cols, full_iin)
    workbook.close()


def write_worklists(con: duckdb.DuckDBPyConnection, folder: Path, *, full_iin: bool = False) -> list[Path]:
    """One workbook per district: residents with undetermined status or conflicts, for officers to reach."""
    folder.mkdir(parents=True, exist_ok=True)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE worklist AS
        SELECT s.district, s.iin, s.last_name, s.first_name, s.patronymic, s.birth_date, s.age, s.status,
               s.category, string_agg(DISTINCT c.type, ', ') AS conflicts, string_agg(c.detail, '; ') AS details
        FROM statuses s LEFT JOIN conflicts c USING (person_id)
        WHERE s.registry_status = 'resident' AND (s.status = 'undetermined' OR c.type IS NOT NULL)
        GROUP BY ALL
        """
    )
    paths = []
    for (district,) in con.execute("SELECT DISTINCT district FROM worklist ORDER BY 1").fetchall():
        headers, rows = _query(
            con,
            f"SELECT * EXCLUDE (district) FROM worklist WHERE district = '{district}' "
            "ORDER BY status, last_name, first_name",
        )
        path = folder / f"{re.sub(r'[^a-z0-9-]+', '_', str(district))}.xlsx"
        workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
        _sheet(workbook, "Work list", headers, rows, (0,), full_iin)
        workbook.close()
        paths.append(path)
    return paths
