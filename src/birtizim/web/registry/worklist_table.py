"""The work list as one table definition: the page, its htmx partial and its Excel export all read
the columns, their headers and the order from here (netbox's one-table-per-list), so they cannot
drift apart.

A column names the run's ``worklist`` field it shows, its header in the reader's language, where it
appears (the page, the export or both) and, for the export, the SQL that writes its cell (codes
become words of the reader's language there; the page turns codes into words with template filters).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from birtizim import engine
from birtizim.web.common import labels
from birtizim.web.registry import runstore

# Residents to work on first: by status (undetermined, then lapsed...), then alphabetically; the IIN
# last so that the order is total and pages never repeat or skip a resident.
ORDER = ("status", "last_name", "first_name", "patronymic", "birth_date", "iin")
# What the page reads of each row besides its columns (the key, and the category shown beside the status).
PAGE_FIELDS = (
    *("person_id", "iin", "last_name", "first_name", "patronymic", "birth_date", "age", "status"),
    *("category", "conflicts", "facts"),
)

_WORD = "coalesce((SELECT label FROM words WHERE kind = '{kind}' AND code = w.{col}), w.{col})"
_CONFLICTS = (
    "(SELECT string_agg(coalesce(d.label, c.code), '; ') FROM "
    "(SELECT unnest(string_split(w.conflicts, ', ')) AS code) c LEFT JOIN words d "
    "ON d.kind = 'conflict' AND d.code = c.code)"
)


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    cell_sql: str  # the export's cell: ``w`` is the work list row, ``o`` its latest outcome, ``d`` its details
    page: bool = True
    export: bool = True


COLUMNS: tuple[Column, ...] = (
    # the resident's stable number: the same person in every run (the export names its run in the file name)
    Column("person_id", _("Resident number"), "w.person_id", page=False),
    Column("iin", _("IIN"), "{iin}"),
    Column("last_name", _("Surname"), "w.last_name"),
    Column("first_name", _("First name"), "w.first_name"),
    Column("patronymic", _("Patronymic"), "w.patronymic"),
    Column("birth_date", _("Birth date"), "w.birth_date"),
    Column("age", _("Age"), "w.age", page=False),
    Column("status", _("Status"), _WORD.format(kind="status", col="status")),  # the page adds the category
    Column("category", _("Category"), _WORD.format(kind="category", col="category"), page=False),
    Column("conflicts", _("Conflicts"), _CONFLICTS),
    Column("details", _("Details"), "d.details", page=False),  # ``d``: the conflicts' facts in words
    Column("outcome", _("Outcome"), "o.outcome"),
    Column("outcome_comment", _("Comment"), "o.outcome_comment", page=False),
    Column("outcome_at", _("Recorded on"), "o.outcome_at", page=False),
)


@functools.lru_cache(maxsize=64)
def page_fields(folder: str) -> tuple[str, ...]:
    """``PAGE_FIELDS`` as the run's work list can give them: a run made before the conflicts kept their
    facts has none (its rows then show the conflicts' names alone)."""
    found = {str(r["column_name"]) for r in runstore.rows(folder, "SELECT column_name FROM (DESCRIBE worklist)")}
    return tuple(f if f in found else f"NULL AS {f}" for f in PAGE_FIELDS)


def page_columns() -> list[Column]:
    return [c for c in COLUMNS if c.page]


def order_sql(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + key for key in ORDER)


def export_columns(*, full_iin: bool) -> list[tuple[str, str]]:
    """(cell SQL, header) of every exported column; the IIN masked unless ``full_iin``."""
    iin = engine.iin_sql("w.iin", full_iin)
    return [(c.cell_sql.format(iin=iin), str(c.header)) for c in COLUMNS if c.export]


def _row_url(name: str) -> str:
    """A person's URL as a format string (``/people/{}/iin/``): one reverse per page, not two per row."""
    sentinel = 987_654_321
    return reverse(name, args=[sentinel]).replace(str(sentinel), "{}")


def _conflicts_cell(row: dict[str, Any]) -> str:
    """The conflicts' names, and what each found in a disclosure a keyboard or a finger opens (a tooltip
    would be the mouse's alone)."""
    names = escape(labels.conflicts(row["conflicts"]))
    details = labels.conflict_details(row.get("facts"))
    if not details:
        return str(names)
    items = "".join(f"<li>{escape(d)}</li>" for d in details)
    return f'<details class="conflict"><summary>{names}</summary><ul>{items}</ul></details>'


def rows_html(rows: Iterable[dict[str, Any]], *, may_reveal: bool, may_record: bool) -> SafeString:
    """The page's rows, in ``page_columns()`` order, as HTML built here rather than by the template engine.

    A page is fifty rows of eight cells: through Django's template loop that is most of a work-list
    request's time under load. Every value is escaped here; the outcome already recorded (a few rows)
    still comes from its template.
    """
    reveal_url, outcome_url = _row_url("person_iin"), _row_url("outcome")
    reveal_title = escape(gettext("Show the IIN (recorded in the audit log)"))
    reveal_label, record_label = escape(gettext("show")), escape(gettext("Record an outcome"))
    out = []
    for r in rows:
        pid = int(r["person_id"])
        iin = str(escape(r["iin_masked"]))
        if may_reveal:
            iin = (
                f'<span id="iin-{pid}">{iin} <button class="link" hx-post="{reveal_url.format(pid)}" '
                f'hx-target="#iin-{pid}" title="{reveal_title}">{reveal_label}</button></span>'
            )
        status = str(escape(labels.status(r["status"])))
        if r["category"]:
            status += f" ({escape(labels.category(r['category']))})"
        born = r["birth_date"].strftime("%d.%m.%Y") if r["birth_date"] else ""
        done = render_to_string("registry/_outcome_done.html", {"outcome": r["outcome"]}) if r["outcome"] else ""
        record = (
            f'<button class="link record-outcome" hx-get="{outcome_url.format(pid)}" hx-target="#outcome-{pid}" '
            f'hx-swap="innerHTML">{record_label}</button>'
            if may_record
            else ""
        )
        out.append(
            f'<tr id="person-{pid}"><td>{iin}</td><td>{escape(r["last_name"] or "")}</td>'
            f"<td>{escape(r['first_name'] or '')}</td><td>{escape(r['patronymic'] or '')}</td><td>{born}</td>"
            f"<td>{status}</td><td>{_conflicts_cell(r)}</td>"
            f'<td id="outcome-{pid}">{done}{record}</td></tr>'
        )
    return mark_safe("\n".join(out))  # every value above is escaped
