"""Views: check the scope, call one selector or service, render. htmx gets the table or the row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from birtizim.outreach.importer import write_events_template, write_questions_template
from birtizim.outreach.rules import DEFAULT_RULE_DATA, RuleError, rules_to_toml
from birtizim.tables.months import check_month
from birtizim.web.accounts.permissions import Action, may, require, required_scope
from birtizim.web.accounts.scope import Scope
from birtizim.web.accounts.selectors import officers_of
from birtizim.web.common.charts import share
from birtizim.web.common.http import AuthedRequest, temporary_download, temporary_path
from birtizim.web.outreach import charts, check_labels, exports, selectors, services
from birtizim.web.outreach.check_labels import SEVERITY
from birtizim.web.outreach.forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    ImportForm,
    ReopenForm,
    ReportForm,
    RulesForm,
    SurveyForm,
)
from birtizim.web.outreach.models import FollowUp, ImportBatch
from birtizim.wording import language_of


def _scope(request: AuthedRequest) -> Scope:
    return required_scope(request.user, Action.OUTREACH_READ)


def _filters(request: AuthedRequest, scope: Scope) -> dict[str, str]:
    """District, period and severity from the query; a district outside the scope is a 404."""
    district = request.GET.get("district", "")
    if district:
        selectors.district_check(scope=scope, district=district)
    period = request.GET.get("period", "")
    try:
        period = check_month(period) if period else ""
    except ValueError:
        period = ""
    severity = request.GET.get("severity", "")
    return {"district": district, "period": period, "severity": severity if severity in SEVERITY else ""}


def _rows(scope: Scope, follow_ups: list[FollowUp], *, with_officers: bool = False) -> list[dict[str, Any]]:
    """What a table row shows beside the follow-up: names in the reader's language, who may act."""
    rules = selectors.rules_current().rules
    names = selectors.district_names()
    officers: dict[str, list[User]] = {}
    rows = []
    for f in follow_ups:
        if with_officers and f.district not in officers:
            officers[f.district] = officers_of(f.district)
        rows.append(
            {
                "f": f,
                "name": names.get(f.district, f.district),
                "check": selectors.check_title(f.code, rules),
                "officers": officers.get(f.district, []),
                "may_answer": may(scope, Action.FOLLOWUP_ANSWER, district=f.district),
            }
        )
    return rows


def _flags_chosen(request: AuthedRequest) -> tuple[Scope, dict[str, str], QuerySet[FollowUp]]:
    """The flags the query asks for: the page and its export list the same ones."""
    scope = _scope(request)
    chosen = _filters(request, scope)
    found = selectors.flags_list(
        scope=scope, district=chosen["district"], period=chosen["period"], severity=chosen["severity"]
    )
    return scope, chosen, found


@login_required
@require_GET
def flags(request: AuthedRequest) -> HttpResponse:
    scope, chosen, found = _flags_chosen(request)
    state = selectors.completeness_latest(scope=scope, today=timezone.localdate())
    names = selectors.district_names()
    context: dict[str, Any] = {
        "rows": _rows(scope, list(found)),
        "total": found.count(),
        "chosen": chosen,
        "tiles": [
            (code, SEVERITY[code], n)
            for code, n in selectors.severity_counts(
                selectors.flags_list(scope=scope, district=chosen["district"], period=chosen["period"])
            ).items()
        ],
        "periods": selectors.flag_periods(scope=scope),
        "districts": [(d.code, selectors.district_name(d)) for d in selectors.districts_visible(scope=scope)],
        "severities": [(k, str(v)) for k, v in SEVERITY.items()],
        "completeness": state,
        "missing": [names.get(d, d) for d in (state.missing if state else ()) if scope.covers(d)],
        "pending": [names.get(d, d) for d in (state.pending if state else ()) if scope.covers(d)],
        "late": [
            (names.get(x.district, x.district), x) for x in (state.late if state else ()) if scope.covers(x.district)
        ],
        "run": selectors.figures_current()[0],
        "query": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "flags-table":
        return render(request, "outreach/_flags_table.html", context)
    return render(request, "outreach/flags.html", context)


@login_required
@require_GET
def flags_export(request: AuthedRequest) -> FileResponse:
    found = _flags_chosen(request)[-1]
    path, _rows_written = exports.flags_export(flags=found)
    return temporary_download(path, f"red-flags-{timezone.localdate()}.xlsx")


@login_required
@require_GET
def followups(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    state = request.GET.get("state", "")
    state = state if state in FollowUp.State.values else ""
    cleared = request.GET.get("cleared") == "1"
    district = _filters(request, scope)["district"]
    found = list(selectors.followups_list(scope=scope, state=state, district=district, cleared=cleared)[:500])
    context = {
        "rows": _rows(scope, found, with_officers=may(scope, Action.FOLLOWUP_MANAGE)),
        "states": FollowUp.State.choices,
        "state": state,
        "cleared": cleared,
        "district": district,
        "districts": [(d.code, selectors.district_name(d)) for d in selectors.districts_visible(scope=scope)],
        "may_follow_up": may(scope, Action.FOLLOWUP_MANAGE),
    }
    if request.htmx and request.htmx.target == "followups-table":
        return render(request, "outreach/_followups_table.html", context)
    return render(request, "outreach/followups.html", context)


@login_required
@require_GET
def followup(request: AuthedRequest, follow_up_id: int) -> HttpResponse:
    scope = _scope(request)
    found = selectors.followup_get(scope=scope, follow_up_id=follow_up_id)
    (row,) = _rows(scope, [found], with_officers=may(scope, Action.FOLLOWUP_MANAGE))
    context = {
        "row": row,
        "steps": found.steps.select_related("by", "assignee"),
        "may_follow_up": may(scope, Action.FOLLOWUP_MANAGE),
        "numbers": _numbers(found.numbers),
    }
    return render(request, "outreach/followup.html", context)


def _numbers(numbers: dict[str, float | None]) -> list[tuple[str, str, str]]:
    """(code, words, value as read) for the figures a flag rests on: shares as percentages."""
    out = []
    for code, value in sorted(numbers.items()):
        if value is None:
            text = "—"
        elif code in check_labels.SHARES:
            text = share(float(value))
        elif float(value).is_integer():
            text = number_format(int(value), force_grouping=True)
        else:
            text = number_format(round(float(value), 2), 2)  # Django cuts decimals; round first
        out.append((code, check_labels.value(code), text))
    return out


def _acted(
    request: AuthedRequest, scope: Scope, follow_up: FollowUp, *, error: str = "", status: int = 200
) -> HttpResponse:
    """htmx: the row again (with the error, if any); a plain form post: back to the follow-up."""
    if request.htmx:
        (row,) = _rows(scope, [follow_up], with_officers=may(scope, Action.FOLLOWUP_MANAGE))
        context = {"row": row, "error": error, "may_follow_up": may(scope, Action.FOLLOWUP_MANAGE)}
        return render(request, "outreach/_followup_row.html", context, status=status)
    if error:
        messages.error(request, error)
    return redirect("outreach:followup", follow_up_id=follow_up.pk)


@dataclass(frozen=True)
class _Step:
    """One step of a follow-up: its form, the service that takes the form's one field (under the field's
    name), and what an invalid form says (None: the field is sent empty)."""

    form: Callable[[AuthedRequest, FollowUp], Form]
    service: Callable[..., FollowUp]
    field: str
    invalid: Promise | None


_STEPS: dict[str, _Step] = {
    "assign": _Step(
        lambda request, follow_up: AssignForm(request.POST, officers=officers_of(follow_up.district)),
        services.followup_assign,
        "assignee",
        gettext_lazy("Choose an officer of the district."),
    ),
    "answer": _Step(
        lambda request, _f: AnswerForm(request.POST),
        services.followup_answer,
        "answer",
        gettext_lazy("Write the answer."),
    ),
    "close": _Step(
        lambda request, _f: CloseForm(request.POST),
        services.followup_close,
        "note",
        gettext_lazy("Write why the flag is closed."),
    ),
    "reopen": _Step(lambda request, _f: ReopenForm(request.POST), services.followup_reopen, "note", None),
}


@login_required
@require_POST
def followup_step(request: AuthedRequest, follow_up_id: int, action: str) -> HttpResponse:
    """Assign, answer, close or reopen a flag (``action`` comes from the URL, never from the form)."""
    scope = _scope(request)
    follow_up = selectors.followup_get(scope=scope, follow_up_id=follow_up_id)
    # The role is checked before the form, so a refused user learns nothing from validation errors.
    if action == "answer":
        require(scope, Action.FOLLOWUP_ANSWER, district=follow_up.district)
    else:
        require(scope, Action.FOLLOWUP_MANAGE)
    step = _STEPS[action]
    form = step.form(request, follow_up)
    if not form.is_valid() and step.invalid is not None:
        return _acted(request, scope, follow_up, error=str(step.invalid), status=400)
    value = form.cleaned_data[step.field] if form.is_valid() else ""
    try:
        follow_up = step.service(scope=scope, user=request.user, follow_up=follow_up, **{step.field: value})
    except services.TransitionError as exc:
        follow_up.refresh_from_db()
        return _acted(request, scope, follow_up, error=str(exc), status=409)
    except services.OutreachError as exc:
        return _acted(request, scope, follow_up, error=str(exc), status=400)
    return _acted(request, scope, follow_up)


@login_required
@require_GET
def district(request: AuthedRequest, district: str) -> HttpResponse:
    scope = _scope(request)
    data = selectors.district_overview(scope=scope, district=district)
    shares = []
    if data["survey"] is not None:
        shares.append((data["name"], data["survey"].unaware))
    shares += [(check_labels.word(o.group), o.unaware) for o in data["occupations"]]
    context = {
        **data,
        "flag_rows": _rows(scope, data["flags"]),
        "survey_rows": [(data["name"], data["survey"])] if data["survey"] is not None else [],
        "occupation_rows": [(check_labels.word(o.group), o) for o in data["occupations"]],
        "unaware_chart": charts.intervals([(label, s.share, s.low, s.high) for label, s in shares]),
        "may_report": may(scope, Action.OUTREACH_REPORT),
    }
    return render(request, "outreach/district.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthedRequest, district: str) -> HttpResponse:
    scope = _scope(request)
    require(scope, Action.OUTREACH_REPORT)
    found = selectors.district_check(scope=scope, district=district)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reach, actualisation = form.cleaned_data["reach_share"], form.cleaned_data["actualisation"]
        try:
            services.report_submit(
                scope=scope,
                user=request.user,
                district=district,
                period=form.cleaned_data["period"],
                reach_share=None if reach is None else reach / 100,
                actualisation=None if actualisation is None else actualisation / 100,
            )
        except services.OutreachError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Report saved."))
            return redirect("outreach:district", district=district)
    context = {"form": form, "district": found, "name": selectors.district_name(found)}
    return render(request, "outreach/report.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def surveys(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    if request.method == "POST":
        require(scope, Action.OUTREACH_SURVEY)
    choices = [(d.code, selectors.district_name(d)) for d in selectors.districts_visible(scope=scope)]
    form = SurveyForm(request.POST or None, districts=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_record(scope=scope, user=request.user, **form.cleaned_data)
        except services.OutreachError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Survey result saved."))
            return redirect("outreach:surveys")
    data = selectors.surveys_overview(scope=scope)
    context = {
        **data,
        "form": form,
        "may_survey": may(scope, Action.OUTREACH_SURVEY),
        "district_rows": [(r.name, r.summary) for r in data["districts"]],
        "occupation_rows": [(check_labels.word(o.group), o) for o in data["occupations"]],
        "district_chart": charts.intervals(
            [
                (r.name, r.summary.unaware.share, r.summary.unaware.low, r.summary.unaware.high)
                for r in data["districts"]
            ]
        ),
        "occupation_chart": charts.intervals(
            [(check_labels.word(o.group), o.unaware.share, o.unaware.low, o.unaware.high) for o in data["occupations"]]
        ),
    }
    return render(request, "outreach/surveys.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    require(scope, Action.OUTREACH_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_create(
                scope=scope, user=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
            )
        except services.OutreachError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("outreach:import_detail", batch_id=batch.pk)
    context = {"form": form, "batches": selectors.imports_list(scope=scope, user=request.user)}
    return render(request, "outreach/imports.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def import_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    scope = _scope(request)
    batch = selectors.import_get(scope=scope, user=request.user, batch_id=batch_id)
    return render(request, "outreach/import_detail.html", {"batch": batch})


@login_required
@require_POST
def import_delete(request: AuthedRequest, batch_id: int) -> HttpResponse:
    scope = _scope(request)
    batch = selectors.import_get(scope=scope, user=request.user, batch_id=batch_id)
    services.import_delete(scope=scope, user=request.user, batch=batch)
    messages.success(request, _("Import deleted."))
    return redirect("outreach:imports")


@login_required
@require_GET
def import_template(request: AuthedRequest, kind: str) -> FileResponse:
    scope = _scope(request)
    require(scope, Action.OUTREACH_IMPORT)
    if kind not in (ImportBatch.Kind.EVENTS, ImportBatch.Kind.QUESTIONS):
        raise Http404
    path = temporary_path(f"{kind}-")
    write = write_events_template if kind == ImportBatch.Kind.EVENTS else write_questions_template
    write(path, region=selectors.region_code(), language=language_of(get_language()))
    return temporary_download(path, f"outreach-{kind}-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    require(scope, Action.RULES_READ)
    in_force = selectors.rules_current()
    if request.method == "POST":
        require(scope, Action.RULES_EDIT)
    initial = in_force.rule_set.text if in_force.custom and in_force.rule_set else rules_to_toml(DEFAULT_RULE_DATA)
    form = RulesForm(request.POST or None, initial={"text": initial})
    if request.method == "POST" and form.is_valid():
        try:
            services.ruleset_save(scope=scope, user=request.user, text=form.cleaned_data["text"])
        except RuleError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, _("Rules saved; the flags were checked again."))
            return redirect("outreach:rules")
    context = {
        "form": form,
        "in_force": in_force,
        "rule_rows": [(r, selectors.check_title(r.code, in_force.rules)) for r in in_force.rules],
        "may_edit": may(scope, Action.RULES_EDIT),
    }
    return render(request, "outreach/rules.html", context, status=400 if form.errors else 200)
