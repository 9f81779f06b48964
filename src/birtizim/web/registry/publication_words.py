"""A run's warnings before publication, in the reader's language (the engine gives codes and figures:
engine.publication). Districts whose actualisation moved past the limit are named in one sentence."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from birtizim.web.common import charts, labels


def _kind(code: str) -> str:
    return f"«{labels.source(code)}»"


def _share(value: Any) -> str:
    return charts.share(float(value)) if value is not None else "–"


def sentence(warning: dict[str, Any]) -> str:
    """One warning as a sentence."""
    code, values = warning.get("code", ""), warning.get("values") or {}
    a, b = _kind(warning.get("source", "")), _kind(warning.get("other", ""))
    if code == "same_file":
        return _(
            "The files given as %(a)s and %(b)s are byte for byte the same: one of them was probably uploaded "
            "under the wrong kind."
        ) % {"a": a, "b": b}
    if code == "columns_of_another_kind":
        return _(
            "The %(a)s file has the columns of %(b)s (%(columns)s) and none of its own: it was probably uploaded "
            "under the wrong kind."
        ) % {"a": a, "b": b, "columns": ", ".join(values.get("columns", []))}
    if code == "ages_misfit":
        return _(
            "%(share)s of the %(a)s rows linked are of an age this list cannot hold (%(low)s to %(high)s years)."
        ) % {
            "share": _share(values.get("share")),
            "a": a,
            "low": values.get("low"),
            "high": values.get("high"),
        }
    if code == "rows_changed":
        return _("%(a)s: %(after)s rows now, %(before)s in the published run.") % {
            "a": a,
            "after": values.get("after"),
            "before": values.get("before"),
        }
    if code == "iin_share_moved":
        return _("%(a)s: %(after)s of the rows linked by IIN now, %(before)s in the published run.") % {
            "a": a,
            "after": _share(values.get("after")),
            "before": _share(values.get("before")),
        }
    if code == "actualisation_moved":
        return _("The region's actualisation moves from %(before)s to %(after)s.") % {
            "before": _share(values.get("before")),
            "after": _share(values.get("after")),
        }
    if code == "comparison_failed":
        return _("The run could not be compared with the published one; look at its figures before publishing.")
    return str(code)


def sentences(warnings: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Every warning as ``{"code", "text"}``; the districts' moves as one sentence naming them."""
    out = [
        {"code": str(w.get("code", "")), "text": sentence(w)}
        for w in warnings
        if w.get("code") != "district_actualisation_moved"
    ]
    moved = [w for w in warnings if w.get("code") == "district_actualisation_moved"]
    if moved:
        named = ", ".join(
            f"{labels.district_name(w.get('district'))} ({_share((w.get('values') or {}).get('before'))} → "
            f"{_share((w.get('values') or {}).get('after'))})"
            for w in moved
        )
        out.append(
            {
                "code": "district_actualisation_moved",
                "text": ngettext(
                    "Actualisation moves past the limit in %(n)s district: %(named)s.",
                    "Actualisation moves past the limit in %(n)s districts: %(named)s.",
                    len(moved),
                )
                % {"n": len(moved), "named": named},
            }
        )
    return out
