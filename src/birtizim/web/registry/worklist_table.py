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
from birtizim.web.registry import plan_words, runstore

# The engine's priority first (1 = do first: the most actionable), then alphabetically; the IIN last so that
# the order is total and pages never repeat or skip a resident. A run made before priorities existed is
# ordered by status instead (``order_sql`` leaves out what the run lacks).
ORDER = ("priority", "status", "last_name", "first_name", "patronymic", "birth_date", "iin")
# What the page reads of each row besides its columns (column, name on the page): the key, the category shown
# beside the status, the plan's reason, action, lists and contacts, and the outcome the run was given.
PAGE_FIELDS: tuple[tuple[str, str], ...] = (
    *((f, f) for f in ("person_id", "iin", "last_name", "first_name", "patronymic", "birth_date", "age")),
    *((f, f) for f in ("status", "category", "conflicts", "facts", "sex", "phone", "address", "priority")),
    *((f, f) for f in ("reason", "reason_facts", "action", "lists", "outcome_facts")),
    ("outcome", "outcome_fed"),  # ``outcome`` on the page is the latest one recorded here
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
    Column("reason", _("Why"), "{reason}"),  # the engine's sentences and words, set-based (``export_columns``)
    Column("action", _("What to do"), "{action}"),
    Column("lists", _("In the lists of"), "{lists}"),
    Column("contacts", _("Phone and address"), "{contacts}"),
    Column("conflicts", _("Conflicts"), _CONFLICTS),
    Column("details", _("Details"), "d.details", page=False),  # ``d``: the conflicts' facts in words
    Column("outcome", _("Outcome"), "o.outcome"),
    Column("outcome_comment", _("Comment"), "o.outcome_comment", page=False),
    Column("outcome_at", _("Recorded on"), "o.outcome_at", page=False),
)


@functools.lru_cache(maxsize=64)
def run_columns(folder: str) -> frozenset[str]:
    """The columns of the run's work list: runs made before the conflicts kept their facts, or before the
    plan (reasons, actions, contacts), lack some."""
    return frozenset(
        str(r["column_name"]) for r in runstore.rows(folder, "SELECT column_name FROM (DESCRIBE worklist)")
    )


def page_fields(folder: str) -> tuple[str, ...]:
    """``PAGE_FIELDS`` as the run's work list can give them (NULL for what it lacks: its rows then show the
    conflicts' names alone, no reason, no contacts). Phones and addresses leave the run masked, as the
    engine's exports mask them: the page never holds them in full."""
    found = run_columns(folder)
    masked = {"phone": engine.phone_sql("phone", False), "address": engine.address_sql("address", False)}
    return tuple(
        (f"{masked.get(col, col)} AS {name}" if masked.get(col, col) != name else name)
        if col in found
        else f"NULL AS {name}"
        for col, name in PAGE_FIELDS
    )


# What the export needs of a run's work list beyond its first columns, and its type when a run lacks it.
PLAN_COLUMNS = {
    "reason": "VARCHAR",
    "reason_facts": "VARCHAR",
    "action": "VARCHAR",
    "lists": "VARCHAR[]",
    "phone": "VARCHAR",
    "address": "VARCHAR",
    "outcome": "VARCHAR",
    "outcome_facts": "VARCHAR",
    "priority": "INTEGER",
}


def missing_sql(folder: str) -> str:
    """``, NULL::type AS column`` for each plan column the run lacks (the export's rows then have them)."""
    found = run_columns(folder)
    return "".join(f", NULL::{kind} AS {col}" for col, kind in PLAN_COLUMNS.items() if col not in found)


def page_columns() -> list[Column]:
    return [c for c in COLUMNS if c.page]


def order_sql(folder: str, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    found = run_columns(folder)
    return ", ".join(prefix + key for key in ORDER if key in found)


def export_columns(*, full_iin: bool, language: str) -> list[tuple[str, str]]:
    """(cell SQL, header) of every exported column; the IIN, phone and address masked unless ``full_iin``.
    The plan's sentences and words come from the engine's own SQL for them (one expression for the table)."""
    say = engine.labels
    evidence = say.sentence_sql("outcome", "w.outcome", "w.outcome_facts", language)
    cells = {
        "iin": engine.iin_sql("w.iin", full_iin),
        "reason": (
            f"concat_ws('. ', nullif({say.sentence_sql('reason', 'w.reason', 'w.reason_facts', language)}, ''), "
            f"CASE WHEN w.outcome IS NOT NULL THEN {evidence} END)"
        ),
        "action": say.word_sql("action", "w.action", language),
        "lists": f"array_to_string(list_transform(w.lists, e -> {say.word_sql('source', 'e', language)}), ', ')",
        "contacts": (
            f"concat_ws(' · ', {engine.phone_sql('w.phone', full_iin)}, {engine.address_sql('w.address', full_iin)})"
        ),
    }
    return [(c.cell_sql.format(**cells), str(c.header)) for c in COLUMNS if c.export]


def contacts_text(phone: object, address: object) -> str:
    """A row's phone and address as the page shows them (masked by the query that read them)."""
    return " · ".join(str(v) for v in (phone, address) if v)


def plan_words_of(row: dict[str, Any]) -> dict[str, str]:
    """The row's plan in the reader's words: why, what to do, which lists, what the officer reported before."""
    fed = row.get("outcome_fed")
    return {
        "reason": plan_words.sentence("reason", row.get("reason"), row.get("reason_facts")),
        "action": plan_words.word("action", row.get("action")),
        "lists": ", ".join(plan_words.lists(row.get("lists"))),
        "reported": plan_words.sentence("outcome", fed, row.get("outcome_facts")) if fed else "",
        "disagrees": plan_words.word("disagreement", plan_words.facts(row.get("outcome_facts")).get("disagreement")),
    }


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


def _cell(key: str, html: str, headers: dict[str, str], extra: str = "") -> str:
    """A cell with its header as ``data-label``: on a phone the rows become cards and each cell says what it is."""
    return f'<td data-label="{headers[key]}"{extra}>{html}</td>'


def rows_html(
    rows: Iterable[dict[str, Any]], *, may_reveal: bool, may_record: bool, may_assign: bool = False, run_id: int = 0
) -> SafeString:
    """The page's rows, in ``page_columns()`` order, as HTML built here rather than by the template engine.

    A page is fifty rows of a dozen cells: through Django's template loop that is most of a work-list
    request's time under load. Every value is escaped here; the outcome already recorded (a few rows)
    still comes from its template.
    """
    reveal_url, contacts_url, outcome_url = _row_url("person_iin"), _row_url("person_contacts"), _row_url("outcome")
    reveal_title = escape(gettext("Show the IIN (recorded in the audit log)"))
    contacts_title = escape(gettext("Show the phone and address (recorded in the audit log)"))
    reveal_label, record_label = escape(gettext("show")), escape(gettext("Record an outcome"))
    pick_label = gettext("Select for assignment")
    disagrees_label = escape(gettext("the agencies' data disagree:"))
    headers = {c.key: str(escape(str(c.header))) for c in page_columns()}
    out = []
    for r in rows:
        pid = int(r["person_id"])
        iin = str(escape(r["iin_masked"]))
        if may_reveal:
            iin = (
                f'<span id="iin-{pid}">{iin} <button class="link" hx-post="{reveal_url.format(pid)}" '
                f'hx-target="#iin-{pid}" title="{reveal_title}">{reveal_label}</button></span>'
            )
        if may_assign:
            name = escape(f"{pick_label}: {r['last_name'] or ''} {r['first_name'] or ''}".strip())
            iin = (
                # no id: htmx would carry the browser's own attributes of the old box over to the new one
                f'<input type="checkbox" name="person" value="{pid}" form="assign-form" aria-label="{name}"> {iin}'
            )
        status = str(escape(labels.status(r["status"])))
        if r["category"]:
            status += f" ({escape(labels.category(r['category']))})"
        born = r["birth_date"].strftime("%d.%m.%Y") if r["birth_date"] else ""
        words = plan_words_of(r)
        reason = str(escape(words["reason"]))
        if words["reported"]:  # the officer's earlier outcome, as the run weighed it beside the agencies' data
            flag = (
                f' <strong class="disagrees">{disagrees_label} {escape(words["disagrees"])}</strong>'
                if words["disagrees"]
                else ""
            )
            reason += f'<span class="evidence">{escape(words["reported"])}{flag}</span>'
        contacts = str(escape(contacts_text(r.get("phone"), r.get("address"))))
        if contacts and may_reveal:
            contacts = (
                f'<span id="contacts-{pid}">{contacts} <button class="link" hx-post="{contacts_url.format(pid)}" '
                f'hx-target="#contacts-{pid}" title="{contacts_title}">{reveal_label}</button></span>'
            )
        done = render_to_string("registry/_outcome_done.html", {"outcome": r["outcome"]}) if r["outcome"] else ""
        link = outcome_url.format(pid) + (f"?run={run_id}" if run_id else "")
        record = (
            f'<a class="link record-outcome" href="{link}" hx-get="{outcome_url.format(pid)}" '
            f'hx-target="#outcome-{pid}" hx-swap="innerHTML">{record_label}</a>'
            if may_record
            else ""
        )
        cells = [
            _cell("iin", iin, headers),
            _cell("last_name", str(escape(r["last_name"] or "")), headers, ' class="name"'),
            _cell("first_name", str(escape(r["first_name"] or "")), headers, ' class="name"'),
            _cell("patronymic", str(escape(r["patronymic"] or "")), headers, ' class="name"'),
            _cell("birth_date", born, headers),
            _cell("status", status, headers),
            _cell("reason", reason, headers, ' class="reason"'),
            _cell("action", str(escape(words["action"])), headers, ' class="action"'),
            _cell("lists", str(escape(words["lists"])), headers),
            _cell("contacts", contacts, headers),
            _cell("conflicts", _conflicts_cell(r), headers),
            _cell("outcome", f"{done}{record}", headers, f' id="outcome-{pid}"'),
        ]
        out.append(f'<tr id="person-{pid}">{"".join(cells)}</tr>')
    return mark_safe("\n".join(out))  # every value above is escaped
