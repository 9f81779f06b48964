"""A run's log as codes and figures on the run row, said in the reader's language when a page shows it.

The worker writes one JSON object per line into ``Run.log`` -- the time, an event's code and its figures
(``{"t": "21:57:37", "code": "files", "files": [["asp", 38], ...]}``) -- and the step it is on into
``Run.step`` as the engine names it (``read registry``, ``link``...). Nothing in either is a sentence,
so the same run reads in Russian, Kazakh or English; a line written before this (plain text) is shown
as it was written. Steps and counts only: never a person.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from birtizim import wording
from birtizim.web.common import labels

STEP: dict[str, Promise] = {
    "starting": _("starting"),
    "read": _("all files read"),
    "link": _("linking the lists' rows to residents"),
    "status": _("deciding each resident's status"),
    "report": _("counting the district figures"),
    "export": _("writing the results"),
    "failed": _("failed"),
}
READING = _("reading: %(source)s")

EVENT: dict[str, Promise] = {
    "files": _("Files to read: %(n)s — %(files)s"),
    "step": _("Step: %(step)s"),
    "warning": _("Warning: %(text)s"),
    "done": _("Finished in %(seconds)s s"),
    "failed": _("The run failed"),
    "worker_stopped": _("The worker stopped responding"),
}
ROWS = _("%(source)s (rows: %(rows)s)")

# The engine's warnings (``engine.ingest.Notice``): a code and its figures.
WARNING: dict[str, Promise] = {
    "region_share_low": _("only %(share)s of the registry's rows that name a district name one of %(region)s"),
    "districts_not_in_region": _(
        "registry rows that name a district %(region)s does not have: %(rows)s (%(examples)s); they are counted "
        "under “%(unplaced)s”"
    ),
    "no_district": _(
        "the registry names no district (no district column, or it is empty): every resident is counted under "
        "“%(unplaced)s”"
    ),
    "no_known_region": _(
        "the registry's district names match no known region%(best)s; its places are kept as written "
        "(%(places)s), grouped by their folded names"
    ),
    "rare_places_unplaced": _(
        "only the %(kept)s most frequent place names are kept; the rarer ones (%(rarer)s) are counted under "
        "“%(unplaced)s”"
    ),
    "rows_without_district": _("registry rows that name no district: %(rows)s; they are counted under “%(unplaced)s”"),
}
CLOSEST = _(" (the closest, %(region)s, covers %(share)s)")


def event(code: str, **figures: Any) -> str:
    """One line of the log: the local time, the event's code and its figures."""
    return json.dumps({"t": f"{timezone.localtime():%H:%M:%S}", "code": code, **figures}, ensure_ascii=False) + "\n"


def warning_event(notice: str) -> str:
    """An engine warning as a log line: its code and figures when it has them (``engine.ingest.Notice``)."""
    code = getattr(notice, "code", "")
    params = getattr(notice, "params", {})
    return event("warning", warning=code, params=params) if code else event("warning", text=str(notice))


def step_label(step: str) -> str:
    """``Run.step`` in words: ``read registry`` reads "reading: Population registry"."""
    if step.startswith("read "):
        return str(READING) % {"source": labels.source(step[5:])}
    found = STEP.get(step)
    return str(found) if found is not None else step


def _language() -> wording.Language:
    return wording.language_of(get_language())


def _number(value: Any) -> str:
    try:
        return wording.whole(float(value), _language())
    except (TypeError, ValueError):
        return "–"


def _share(value: Any) -> str:
    try:
        return wording.format_number(float(value), "pct", _language())
    except (TypeError, ValueError):
        return "–"


def warning_text(code: str, params: dict[str, Any]) -> str:
    if isinstance(params.get("check"), dict):  # a check of the files given (``engine.publication``)
        from birtizim.web.registry import publication_words

        return publication_words.sentence(params["check"])
    template = WARNING.get(code)
    if template is None:
        return code
    unplaced = labels.district_name("unplaced")
    values: dict[str, Any] = {"unplaced": unplaced}
    if code == "region_share_low":
        values |= {"share": _share(params.get("share")), "region": labels.region_name(params.get("region"))}
    elif code == "districts_not_in_region":
        examples = ", ".join(f"«{e}»" for e in params.get("examples") or []) + (" …" if params.get("more") else "")
        values |= {
            "rows": _number(params.get("rows")),
            "region": labels.region_name(params.get("region")),
            "examples": examples,
        }
    elif code == "no_known_region":
        best = params.get("best")
        values |= {
            "places": _number(params.get("places")),
            "best": str(CLOSEST) % {"region": labels.region_name(best), "share": _share(params.get("share"))}
            if best
            else "",
        }
    elif code == "rare_places_unplaced":
        values |= {"kept": _number(params.get("kept")), "rarer": _number(params.get("rarer"))}
    elif code == "rows_without_district":
        values |= {"rows": _number(params.get("rows"))}
    return str(template) % values


def _line(entry: dict[str, Any]) -> str:
    code = str(entry.get("code", ""))
    if code == "files":
        files = entry.get("files") or []
        listed = ", ".join(str(ROWS) % {"source": labels.source(kind), "rows": _number(rows)} for kind, rows in files)
        return str(EVENT["files"]) % {"n": _number(len(files)), "files": listed}
    if code == "step":
        return str(EVENT["step"]) % {"step": step_label(str(entry.get("step", "")))}
    if code == "warning":
        text = warning_text(str(entry.get("warning", "")), entry.get("params") or {}) if entry.get("warning") else ""
        return str(EVENT["warning"]) % {"text": text or str(entry.get("text", ""))}
    if code == "done":
        seconds = entry.get("seconds")
        shown = wording.format_number(float(seconds), "num", _language()) if seconds else "–"
        return str(EVENT["done"]) % {"seconds": shown}
    found = EVENT.get(code)
    return str(found) if found is not None else _now("(an entry this version does not know)")


def lines(log: str) -> list[tuple[str, str]]:
    """The log's lines as (time, words in the reader's language); plain-text lines of older runs as written."""
    out = []
    for raw in log.splitlines():
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
        except ValueError:
            entry = None
        if isinstance(entry, dict) and "code" in entry:
            out.append((str(entry.get("t", "")), _line(entry)))
        else:
            time, _sep, rest = raw.partition(" ")
            out.append((time, rest) if _sep and time.count(":") == 2 else ("", raw))
    return out
