"""The forecasts' reasons and red flags in the reader's language.

The core writes one English sentence per flag and rating, and keeps the numbers apart (``params``,
``RiskRating.cause``): here the same numbers go into translated sentences. A number before a noun
gets its count form (Russian has three: 1 день, 2 дня, 5 дней), so such phrases are built first and
then placed in the sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from birtizim.projects.flags import FlagCode, Severity
from birtizim.projects.risk import Cause, chance_parts
from birtizim.projects.sheet import RejectCode, SheetError


def rag_label(rag: str | None) -> str:
    return {"red": _("red"), "amber": _("amber"), "green": _("green")}.get(rag or "", rag or "")


def rag_change(old: str, new: str) -> str:
    if not old:
        return _("First forecast: %(new)s.") % {"new": rag_label(new)}
    return _("The rating worsened from %(old)s to %(new)s.") % {"old": rag_label(old), "new": rag_label(new)}


def severity_label(severity: str | None) -> str:
    return _("severe") if severity == Severity.SEVERE else _("warning")


def day(value: dt.date | str | None) -> str:
    """A date as the reader writes it (20.06.2025 in Russian); ISO strings from params too."""
    if value is None or value == "":
        return "–"
    when = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return date_format(when, "SHORT_DATE_FORMAT")


def days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def percent(value: float, digits: int = 0) -> str:
    # number_format cuts extra decimals off; round first (as common.charts.share does).
    return f"{number_format(round(value, digits), digits)}%"


def money(value: float) -> str:
    return number_format(round(value), 0, force_grouping=True)


def ratio(value: float | None) -> str:
    """SPI, SPI(t), CPI: two decimals, the reader's decimal mark."""
    return "–" if value is None else number_format(value, 2)


def chance(p: float, trials: int) -> str:
    """The core's rule (never a bare 0% or 100%, never rounded up across a threshold) in words."""
    bound, value = chance_parts(p, trials)
    text = percent(value, 0 if float(value).is_integer() else 1)
    if bound == "under":
        return _("under %(p)s") % {"p": text}
    if bound == "over":
        return _("over %(p)s") % {"p": text}
    return text


def flag_name(code: str) -> str:
    """A flag in two or three words, for the list of the other flags after a reason."""
    names: dict[str, str] = {
        FlagCode.STALE_REPORTS: _("stale reports"),
        FlagCode.MONEY_AHEAD: _("money ahead of the work"),
        FlagCode.DEADLINE_MOVES: _("repeated deadline moves"),
        FlagCode.NO_WORKFORCE: _("no workforce"),
        FlagCode.OVERDUE_ACTIVITIES: _("overdue activities"),
        FlagCode.INVALID_BIN: _("invalid contractor BIN"),
    }
    return names.get(code, code)


def flag_sentence(code: str, params: Mapping[str, Any]) -> str:
    p = params
    if code == FlagCode.STALE_REPORTS:
        if int(p.get("reports", 1)) == 0:
            return _("No progress report at all, %(days)s after work was planned to start on %(start)s.") % {
                "days": days(int(p["days"])),
                "start": day(p["last_report"]),
            }
        return _("No progress report for %(days)s: the last one is dated %(last)s.") % {
            "days": days(int(p["days"])),
            "last": day(p["last_report"]),
        }
    if code == FlagCode.MONEY_AHEAD:
        return _(
            "Accepted work is %(paid)s of the budget (%(money)s tenge) but physical progress is %(built)s: "
            "money is %(gap)s percentage points ahead of the work."
        ) % {
            "paid": percent(float(p["paid_percent"])),
            "money": money(float(p.get("accepted", 0))),
            "built": percent(float(p["built_percent"])),
            "gap": number_format(float(p["gap_points"]), 0),
        }
    if code == FlagCode.DEADLINE_MOVES:
        chain = " → ".join(day(d) for d in str(p["chain"]).split(" -> ") if d)
        moves = int(p["moves"])
        return ngettext(
            "The contract deadline was moved %(moves)s time (%(chain)s), %(days)s in all.",
            "The contract deadline was moved %(moves)s times (%(chain)s), %(days)s in all.",
            moves,
        ) % {"moves": moves, "chain": chain, "days": days(int(p["days"]))}
    if code == FlagCode.NO_WORKFORCE:
        values = {"report": day(p["report"]), "remaining": percent(float(p["remaining_percent"]))}
        if p.get("case") == "nobody":
            return _("Nobody was on site at the report of %(report)s; %(remaining)s of the work remains.") % values
        return (
            _("The report of %(report)s does not say how many people work on site; %(remaining)s of the work remains.")
            % values
        )
    if code == FlagCode.OVERDUE_ACTIVITIES:
        count = int(p["count"])
        return ngettext(
            "%(count)s activity is past its planned finish and unfinished: %(name)s at %(percent)s, "
            "due %(due)s (%(days)s ago).",
            "%(count)s activities are past their planned finish and unfinished; the most overdue is %(name)s "
            "at %(percent)s, due %(due)s (%(days)s ago).",
            count,
        ) % {
            "count": count,
            "name": p.get("worst_name", p.get("worst", "")),
            "percent": percent(float(p.get("worst_percent", 0))),
            "due": day(p.get("worst_due")),
            "days": days(int(p["worst_days"])),
        }
    if code == FlagCode.INVALID_BIN:
        return _("The contractor's BIN %(bin)s is not valid: the contractor cannot be checked in the registers.") % {
            "bin": p.get("bin", "")
        }
    return code


def _odds(p_on_time: float, trials: int, deadline: dt.date, p80: dt.date) -> dict[str, str]:
    return {"chance": chance(p_on_time, trials), "deadline": day(deadline), "p80": day(p80)}


def risk_sentence(
    *,
    cause: str,
    p_on_time: float,
    trials: int,
    deadline: dt.date,
    p80: dt.date,
    finished_on: dt.date | None,
    flags: list[dict[str, Any]],
    cause_flag: str = "",
) -> str:
    """Why the object is red, amber or green, in one or two sentences."""
    odds = _odds(p_on_time, trials, deadline, p80)
    if cause in (Cause.FINISHED_ON_TIME, Cause.FINISHED_LATE) and finished_on is not None:
        late = (finished_on - deadline).days
        if cause == Cause.FINISHED_ON_TIME:
            return _("Finished on %(date)s, %(days)s before the deadline.") % {
                "date": day(finished_on),
                "days": days(-late),
            }
        return _("Finished on %(date)s, %(days)s after the deadline %(deadline)s.") % {
            "date": day(finished_on),
            "days": days(late),
            "deadline": day(deadline),
        }
    chance_text = _("%(chance)s chance of being ready by %(deadline)s; P80 date %(p80)s.") % odds

    def also(shown: str) -> str:
        rest = [flag_name(f["code"]) for f in flags if f["code"] != shown]
        return " " + _("Red flags: %(names)s.") % {"names": ", ".join(rest)} if rest else ""

    if cause in (Cause.LOW_CHANCE, Cause.MODERATE_CHANCE):
        return _("Only %(chance)s chance of being ready by %(deadline)s; P80 date %(p80)s.") % odds + also("")
    if cause in (Cause.SEVERE_FLAG, Cause.FLAG):
        shown = next((f for f in flags if f["code"] == cause_flag), flags[0] if flags else None)
        if shown is not None:
            sentence = flag_sentence(shown["code"], shown["params"])
            lead = _("Severe red flag:") if cause == Cause.SEVERE_FLAG else _("Red flag:")
            return f"{lead} {sentence} {chance_text}{also(shown['code'])}"
    return chance_text[:1].upper() + chance_text[1:]


def reject_sentence(code: str, params: Mapping[str, Any]) -> str:
    """Why a row of a progress sheet was not imported (the params of each code: ``sheet.RejectCode``)."""
    p = params
    # Functions, so only the sentence of this code reads its params.
    texts: dict[str, Callable[[], str]] = {
        RejectCode.DATE_MISSING: lambda: _("No date."),
        RejectCode.DATE_INVALID: lambda: (
            _("The date “%(value)s” is not recognised (write 20.06.2025).") % {"value": p["value"]}
        ),
        RejectCode.DATE_FUTURE: lambda: (
            _("The date %(date)s is after the forecast date %(as_of)s.")
            % {"date": day(p["date"]), "as_of": day(p["as_of"])}
        ),
        RejectCode.ACTIVITY_MISSING: lambda: _("No activity code."),
        RejectCode.ACTIVITY_UNKNOWN: lambda: (
            _("The activity code “%(activity)s” is not in the current baseline.") % {"activity": p["activity"]}
        ),
        RejectCode.PERCENT_MISSING: lambda: _("No percent complete."),
        RejectCode.PERCENT_INVALID: lambda: _("The percent “%(value)s” is not a number.") % {"value": p["value"]},
        RejectCode.PERCENT_OUT_OF_RANGE: lambda: (
            _("The percent %(value)s is outside 0–100.") % {"value": number_format(float(p["value"]), 1)}
        ),
        RejectCode.MONEY_INVALID: lambda: (
            _("The accepted money “%(value)s” is not an amount of zero or more.") % {"value": p["value"]}
        ),
        RejectCode.WORKFORCE_INVALID: lambda: (
            _("The workforce “%(value)s” is not a whole number of people.") % {"value": p["value"]}
        ),
        RejectCode.DUPLICATE: lambda: (
            _("The activity %(activity)s is given twice for %(date)s (first in row %(row)s).")
            % {"activity": p["activity"], "date": day(p["date"]), "row": p["first_row"]}
        ),
        RejectCode.CONFLICT: lambda: (
            _("The %(column)s differs from row %(row)s of the same date %(date)s.")
            % {"column": column_label(str(p["column"])), "row": p["first_row"], "date": day(p["date"])}
        ),
        RejectCode.DATE_RECORDED: lambda: (
            _("A report for %(date)s is already recorded; it is not overwritten.") % {"date": day(p["date"])}
        ),
        RejectCode.DATE_INCOMPLETE: lambda: (
            _("Row %(row)s of the same date %(date)s was rejected, so the report of that date is not imported.")
            % {"row": p["other_row"], "date": day(p["date"])}
        ),
    }
    make = texts.get(code)
    return make() if make is not None else code


def column_label(column: str) -> str:
    return {
        "accepted_money": _("accepted money"),
        "workforce": _("workforce"),
        "issues": _("issues"),
        "date": _("date"),
        "activity": _("activity code"),
        "percent": _("percent complete"),
    }.get(column, column)


def sheet_error(error: SheetError) -> str:
    if error.code == "missing_columns":
        columns = ", ".join(column_label(c.strip()) for c in error.params.get("columns", "").split(","))
        return _("The sheet has no column for: %(columns)s. Download the template to see the headers.") % {
            "columns": columns
        }
    if error.code == "empty":
        return _("The sheet is empty.")
    return _("The file cannot be read as an Excel workbook (.xlsx).")
