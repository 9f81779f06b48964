"""The work list as one table definition: the page, its htmx partial and its Excel export all read
the columns, their headers and the order from here (netbox's one-table-per-list), so they cannot
drift apart.

A column names the run's ``worklist`` field it shows, its header in the reader's language, where it
appears (the page, the export or both) and, for the export, the SQL that writes its cell (codes
become words of the reader's language there; the page turns codes into words with template filters).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from birtizim import engine

# Residents to work on first: by status (undetermined, then lapsed...), then alphabetically; the IIN
# last so that the order is total and pages never repeat or skip a resident.
ORDER = ("status", "last_name", "first_name", "patronymic", "birth_date", "iin")
# What the page reads of each row besides its columns (the key, and the category shown beside the status).
PAGE_FIELDS = (
    *("person_id", "iin", "last_name", "first_name", "patronymic", "birth_date", "age", "status"),
    *("category", "conflicts", "details"),
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
    cell_sql: str  # the export's cell: ``w`` is the work list row, ``o`` its latest outcome
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
    Column("details", _("Details"), "w.details", page=False),
    Column("outcome", _("Outcome"), "o.outcome"),
    Column("outcome_comment", _("Comment"), "o.outcome_comment", page=False),
    Column("outcome_at", _("Recorded on"), "o.outcome_at", page=False),
)


def page_columns() -> list[Column]:
    return [c for c in COLUMNS if c.page]


def order_sql(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + key for key in ORDER)


def export_columns(*, full_iin: bool) -> list[tuple[str, str]]:
    """(cell SQL, header) of every exported column; the IIN masked unless ``full_iin``."""
    iin = engine.iin_sql("w.iin", full_iin)
    return [(c.cell_sql.format(iin=iin), str(c.header)) for c in COLUMNS if c.export]
