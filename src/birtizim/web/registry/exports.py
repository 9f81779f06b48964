"""Excel exports of work lists, written by the engine's SQL-driven XLSX writer.

Every text cell is an inline string, which Excel shows as text and never evaluates: a name such as
``=HYPERLINK(...)`` arrives as those characters, not as a formula (tests/web check the XML).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.utils.translation import gettext as _

from birtizim.engine import xlsx
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.audit.services import iin_hash_sql
from birtizim.web.common import labels
from birtizim.web.common.http import temporary_path
from birtizim.web.registry import plan_words, runstore, selectors, worklist_table
from birtizim.web.registry.models import Run


def figures_export(*, scope: Scope, run: Run) -> Path:
    """The dashboard's tables (district ranking, sources) as a workbook in the reader's language.

    Aggregates only, no personal records: every role that sees the dashboard may take them away.
    """
    require(scope, Action.FIGURES_READ)
    districts = run.summary.get("districts", [])
    sources = run.summary.get("sources", [])
    district_columns = [
        ("rank", "#"),
        ("name", _("District")),
        ("residents", _("Residents")),
        ("state", _("State-paid")),
        ("contributor", _("Contributors")),
        ("lapsed", _("Lapsed")),
        ("undetermined", _("Undetermined")),
        ("actualisation", _("Actualisation")),
    ]
    source_columns = [
        ("rows_received", _("Rows received")),
        ("rejected", _("Rejected")),
        ("matched_iin", _("By IIN")),
        ("iin_repaired", _("Repaired IIN")),
        ("matched_probabilistic", _("Probabilistic")),
        ("matched_decided", _("By people")),
        ("for_review", _("For review")),
        ("not_in_registry", _("Not in registry")),
        ("duplicate_rows", _("Duplicate rows")),
        ("distinct_residents", _("Distinct residents")),
        ("rows_in_conflict", _("Rows in conflict")),
    ]
    con = duckdb.connect()
    path = temporary_path("figures-")
    try:
        # One column per key, present or not: an empty run still gives the headed, empty sheets.
        con.register("d", pa.table({col: [row.get(col) for row in districts] for col, _title in district_columns}))
        con.register(
            "s",
            pa.table(
                {
                    "source": [labels.source(row.get("source")) for row in sources],
                    **{col: [row.get(col) for row in sources] for col, _title in source_columns},
                }
            ),
        )
        xlsx.write(
            con,
            path,
            [
                xlsx.Sheet(
                    _("Districts"),
                    f"SELECT {xlsx.headed(district_columns)} FROM d ORDER BY 1",
                    percent=(str(_("Actualisation")),),
                ),
                xlsx.Sheet(_("Sources"), f"SELECT {xlsx.headed([('source', _('Source')), *source_columns])} FROM s"),
            ],
        )
    finally:
        con.close()
    return path


def _details_words(cur: duckdb.DuckDBPyConnection) -> pa.Table:
    """What each exported resident's conflicts found, in the reader's words (from the facts the engine keeps).

    Only the rows with conflicts, a district's at most; a run made before the facts were kept gives none.
    """
    has_facts = cur.execute("SELECT count(*) FROM (DESCRIBE export_rows) WHERE column_name = 'facts'").fetchone() or (
        0,
    )
    rows = (
        cur.execute("SELECT person_id, facts FROM export_rows WHERE facts IS NOT NULL").fetchall()
        if has_facts[0]
        else []
    )
    return pa.table(
        {
            "person_id": pa.array([r[0] for r in rows], pa.int64()),
            "details": pa.array(["; ".join(labels.conflict_details(r[1])) for r in rows], pa.string()),
        }
    )


def _words_table(key: str, codes: list[str], say: Any) -> pa.Table:
    return pa.table({key: pa.array(codes, pa.string()), "words": pa.array([say(c) for c in codes], pa.string())})


def data_quality_export(*, scope: Scope, run: Run, source: str = "") -> Exported:
    """The agencies' rows at fault in the scope (one agency's, or all), with the type and facts in words."""
    require(scope, Action.PEOPLE_READ)
    where, params = selectors.data_quality_where(scope, "q")
    if source:
        where += " AND q.source = ?"
        params = [*params, source]
    has_table = runstore.has_table(run.folder, "data_quality")
    cur = runstore.cursor(run.folder)
    path = temporary_path("data-quality-")
    try:
        cur.execute(
            f"""CREATE OR REPLACE TEMP TABLE quality_rows AS
                SELECT q.*, s.iin FROM data_quality q LEFT JOIN statuses s USING (person_id) WHERE {where}"""
            if has_table
            else """CREATE OR REPLACE TEMP TABLE quality_rows (source VARCHAR, row_number BIGINT, person_id BIGINT,
                    district VARCHAR, type VARCHAR, facts VARCHAR, iin VARCHAR)""",
            params if has_table else [],
        )
        found = cur.execute("SELECT DISTINCT source, type, facts, district FROM quality_rows").fetchall()
        # Codes and facts become words of the reader's language (a few hundred distinct facts at most).
        cur.register("source_words", _words_table("source", sorted({r[0] for r in found}), labels.source))
        cur.register("type_words", _words_table("type", sorted({r[1] for r in found}), labels.conflict))
        cur.register(
            "district_words",
            _words_table("district", sorted({r[3] for r in found if r[3]}), lambda d: labels.district_name(d)),
        )
        facts = sorted({r[2] for r in found if r[2]})
        cur.register(
            "facts_words", _words_table("facts", facts, lambda f: "; ".join(labels.conflict_details(f"[{f}]")))
        )
        columns = [
            ("sw.words", _("Source")),
            ("q.row_number", _("Row of the file")),
            ("tw.words", _("Problem")),
            ("fw.words", _("Details")),
            ("dw.words", _("District")),
            ("q.person_id", _("Resident number")),
        ]
        query_sql = f"""SELECT {xlsx.headed((sql, str(title)) for sql, title in columns)}
            FROM quality_rows q LEFT JOIN source_words sw USING (source) LEFT JOIN type_words tw USING (type)
            LEFT JOIN facts_words fw USING (facts) LEFT JOIN district_words dw USING (district)
            ORDER BY q.source, q.row_number, q.type"""
        counts = xlsx.write(cur, path, [xlsx.Sheet(_("Rows at fault"), query_sql)])
        hashed, key = iin_hash_sql("iin")
        hashes = [
            str(h)
            for (h,) in cur.execute(
                f"SELECT DISTINCT {hashed} FROM quality_rows WHERE iin IS NOT NULL ORDER BY 1", key
            ).fetchall()
        ]
    finally:
        cur.close()
    return Exported(path, next(iter(counts.values()), 0), hashes, False)


@dataclass(frozen=True)
class Exported:
    """A written export and what the audit log must know of it: how many rows, whose (IIN hashes), how shown."""

    path: Path
    rows: int
    iin_hashes: list[str]
    full_iin: bool


def worklist_export(*, scope: Scope, run: Run, district: str, query: str = "", full_iin: bool = False) -> Exported:
    """The district's work list (or the search's part of it) with the latest outcomes."""
    selectors.district_check(scope=scope, run=run, district=district)
    if full_iin:
        require(scope, Action.IIN_REVEAL)
    where, params = selectors.search_sql(query)
    latest = selectors.latest_outcomes(district)
    table = pa.table(
        {
            "iin": pa.array(list(latest), pa.string()),
            "outcome": pa.array([plan_words.outcome(o.result) for o in latest.values()], pa.string()),
            "outcome_comment": pa.array([o.comment for o in latest.values()], pa.string()),
            "outcome_at": pa.array([o.recorded_at.date() for o in latest.values()], pa.date32()),
        }
    )
    codes = [("status", k, str(v)) for k, v in labels.STATUS.items()]
    codes += [("conflict", k, str(v)) for k, v in labels.CONFLICT.items()]
    codes += [("category", c, labels.category(c)) for c in labels.category_codes()]
    words = pa.table(dict(zip(("kind", "code", "label"), map(list, zip(*codes, strict=True)), strict=True)))
    cur = runstore.cursor(run.folder)
    path = temporary_path("worklist-")
    try:
        cur.register("latest_outcomes", table)
        cur.register("words", words)
        # The writer takes a query without parameters: the filtered rows are bound here first.
        cur.execute(
            f"""CREATE OR REPLACE TEMP TABLE export_rows AS
                SELECT *{worklist_table.missing_sql(run.folder)} FROM worklist WHERE district = ?{where}""",
            [district, *params],
        )
        cur.register("details_words", _details_words(cur))
        # Codes become words of the reader's language; headers too (a district officer reads Russian or Kazakh).
        query_sql = f"""
            SELECT {xlsx.headed(worklist_table.export_columns(full_iin=full_iin, language=plan_words.language()))}
            FROM export_rows w LEFT JOIN latest_outcomes o USING (iin) LEFT JOIN details_words d USING (person_id)
            ORDER BY {worklist_table.order_sql(run.folder, "w")}"""
        counts = xlsx.write(cur, path, [xlsx.Sheet(_("Work list"), query_sql)])
        # Whose rows left the building, for the audit log: one set-based query, keyed hashes only.
        hashed, key = iin_hash_sql("iin")
        hashes = [str(h) for (h,) in cur.execute(f"SELECT {hashed} FROM export_rows ORDER BY 1", key).fetchall()]
    finally:
        cur.close()
    return Exported(path, next(iter(counts.values()), 0), hashes, full_iin)
