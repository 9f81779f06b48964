"""``{% worklist_rows page.rows %}``: the work list's rows (``worklist_table.rows_html``), with the
reader's permissions from the context (``may``, set by accounts.context)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from birtizim.web.registry import plan_words, worklist_table

register = template.Library()


@register.simple_tag(takes_context=True)
def worklist_rows(context: template.Context, rows: list[dict[str, Any]]) -> SafeString:
    may = context.get("may") or {}
    run = context.get("run")
    return worklist_table.rows_html(
        rows,
        may_reveal=bool(may.get("iin_reveal")),
        may_record=bool(may.get("outcome_record")),
        may_assign=bool(context.get("may_assign")),
        run_id=int(run.pk) if run is not None else 0,
    )


@register.filter
def outcome_label(code: str | None) -> str:
    """An outcome's name in the reader's language (the engine's word; an old result's own name)."""
    return plan_words.outcome(code)
