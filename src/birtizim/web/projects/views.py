"""Views: check the scope, call one selector or service, render. Partials serve htmx requests.

Reading is for region staff of every role (an officer: their districts' objects; another district's
object is 404); reports and their photos, imports, contract changes, baselines and new objects are
for the administrator and district officers; editing an object's facts (not its contract terms) is
for the administrator and analysts. Photos are served by a view in the same scope, never as static files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from birtizim.projects.sheet import SheetError, TemplateLine, progress_template
from birtizim.web.accounts.permissions import Action, may, require, required_scope
from birtizim.web.accounts.scope import Scope
from birtizim.web.common import labels
from birtizim.web.common.http import AuthedRequest, download
from birtizim.web.projects import convert, explain, exports, selectors, services, timeline
from birtizim.web.projects.forms import (
    ActivityFormSet,
    BaselineForm,
    ContractChangeForm,
    PhotosForm,
    ProjectEditForm,
    ProjectForm,
    ReportForm,
    SheetForm,
    formset_activities,
)
from birtizim.web.projects.models import Project


def _scope(request: AuthedRequest) -> Scope:
    return required_scope(request.user, Action.PROJECTS_READ)


def _saved(request: AuthedRequest, form: forms.Form, save: Callable[[], object], done: str) -> bool:
    """Call the service for a valid form: True once it saved (and ``done`` says so), False with the
    service's refusal on the form."""
    try:
        save()
    except services.ProjectsError as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, done)
    return True


def _editable(request: AuthedRequest, project_id: int) -> tuple[Scope, Project]:
    """The object if the user may change it: 404 outside their districts, 403 for read-only roles."""
    scope = _scope(request)
    project = selectors.project_get(scope=scope, project_id=project_id)
    require(scope, Action.PROJECT_EDIT)
    return scope, project


# --------------------------------------------------------------------------------------------
# Portfolio, exports, alerts
# --------------------------------------------------------------------------------------------


@login_required
@require_GET
def portfolio(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    district = request.GET.get("district", "")[:64]
    rows = selectors.portfolio_get(scope=scope, district=district)
    as_of = selectors.forecast_as_of()
    context = {
        "rows": rows,
        "counts": selectors.rag_counts(rows),
        "district": district,
        "districts": selectors.portfolio_districts(scope=scope),
        "as_of": as_of,
        "older": sum(1 for r in rows if r.snapshot is not None and r.snapshot.as_of < as_of),
        "clock": selectors.clock_pinned(),
        "unread": selectors.unread_count(scope=scope, user=request.user),
        "may_edit": may(scope, Action.PROJECT_EDIT),
    }
    if request.htmx and request.htmx.target == "portfolio-table":
        return render(request, "projects/_portfolio_table.html", context)
    return render(request, "projects/portfolio.html", context)


@login_required
@require_GET
def portfolio_export(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    content, _rows = exports.portfolio_xlsx(scope=scope, district=request.GET.get("district", "")[:64])
    return download(content, exports.filename("portfolio", "xlsx"))


@login_required
@require_GET
def oc4ids_export(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    package = exports.oc4ids_json(scope=scope, base_url=request.build_absolute_uri())
    content = json.dumps(package, ensure_ascii=False, indent=1)
    return download(content, exports.filename("oc4ids", "json"), "application/json; charset=utf-8")


@login_required
@require_GET
def alerts(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    found = list(selectors.alerts_for(scope=scope, user=request.user)[:200])
    rows = [(a, selectors.alert_sentence(a)) for a in found]
    return render(
        request,
        "projects/alerts.html",
        {"rows": rows, "unread": selectors.unread_count(scope=scope, user=request.user)},
    )


@login_required
@require_POST
def alert_read(request: AuthedRequest, alert_id: int) -> HttpResponse:
    scope = _scope(request)
    alert = services.alert_mark_read(scope=scope, user=request.user, alert_id=alert_id)
    if request.htmx:
        context = {"alert": alert, "sentence": selectors.alert_sentence(alert)}
        return render(request, "projects/_alert_row.html", context)
    return redirect("projects:alerts")


@login_required
@require_POST
def alerts_read_all(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    services.alerts_mark_all_read(scope=scope, user=request.user)
    return redirect("projects:alerts")


# --------------------------------------------------------------------------------------------
# One object
# --------------------------------------------------------------------------------------------


def _report_form(project: Project, data: Any = None, files: Any = None) -> ReportForm:
    initial = {"date": selectors.forecast_as_of(), "accepted_money": selectors.latest_money(project)}
    return ReportForm(data, files, activities=selectors.form_activities(project), initial=initial)


def _object_context(scope: Scope, project: Project) -> dict[str, Any]:
    # The page forecasts afresh; the stored snapshot (the portfolio's) moves on with the writes and the
    # daily birtizim_projects_refresh, never because someone looked.
    page = selectors.object_page(project=project)
    editable = may(scope, Action.PROJECT_EDIT)
    return {
        "project": project,
        "page": page,
        "f": page.forecast,
        "chart": timeline.timeline(page.forecast) if page.forecast is not None else None,
        "district_name": labels.district_name(project.district),
        "reports": sorted(project.reports.all(), key=lambda r: r.date, reverse=True),
        "changes": list(project.changes.all()),
        "may_edit": editable,
        "may_edit_facts": may(scope, Action.PROJECT_FACTS_EDIT),
        "form": _report_form(project) if editable and page.forecast is not None else None,
        "milliseconds": round(page.seconds * 1000),
    }


@login_required
@require_GET
def object_detail(request: AuthedRequest, project_id: int) -> HttpResponse:
    scope = _scope(request)
    project = selectors.project_get(scope=scope, project_id=project_id)
    context = _object_context(scope, project)
    if request.htmx and request.htmx.target == "forecast-panel":
        return render(request, "projects/_forecast.html", context)
    return render(request, "projects/object.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: AuthedRequest, project_id: int) -> HttpResponse:
    scope, project = _editable(request, project_id)
    posted = request.method == "POST"
    form = _report_form(project, request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(scope=scope, user=request.user, project=project, **form.service_kwargs())
        except services.ProjectsError as exc:
            form.add_error(None, str(exc))
        else:
            if not request.htmx:
                messages.success(request, _("Report saved; the forecast is updated."))
                return redirect("projects:object", project_id=project.pk)
            project = selectors.project_get(scope=scope, project_id=project.pk)
            context = _object_context(scope, project)
            context["saved"] = True
            return render(request, "projects/_report_saved.html", context)
    status = 400 if form.errors else 200
    if request.htmx:
        # htmx swaps no 4xx answer: the form with its errors comes back as 200 into its own place.
        response = render(request, "projects/_report_form.html", {"project": project, "form": form})
        return reswap(retarget(response, "#report-section"), "innerHTML")
    return render(request, "projects/report_form.html", {"project": project, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_photos(request: AuthedRequest, project_id: int, report_id: int) -> HttpResponse:
    scope, project = _editable(request, project_id)
    report = selectors.report_get(scope=scope, project=project, report_id=report_id)
    posted = request.method == "POST"
    form = PhotosForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            added = services.report_photos_add(
                scope=scope, user=request.user, report=report, files=form.cleaned_data["photos"]
            )
        except services.ProjectsError as exc:
            form.add_error("photos", str(exc))
        else:
            n = len(added)
            messages.success(request, ngettext("%(n)s photo attached.", "%(n)s photos attached.", n) % {"n": n})
            return redirect("projects:object", project_id=project.pk)
    context = {"project": project, "report": report, "form": form}
    return render(request, "projects/report_photos.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def photo(request: AuthedRequest, project_id: int, photo_id: int) -> FileResponse:
    """A report's photo, to readers of its object only; the stored bytes with the type found in them."""
    scope = _scope(request)
    found = selectors.photo_get(scope=scope, project_id=project_id, photo_id=photo_id)
    path = selectors.photo_path(found)
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Disposition"] = f'inline; filename="photo-{found.pk}{path.suffix}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def progress_import(request: AuthedRequest, project_id: int) -> HttpResponse:
    scope, project = _editable(request, project_id)
    form = SheetForm(request.POST or None, request.FILES or None)
    result = None
    rejects: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.progress_import(
                scope=scope, user=request.user, project=project, file=form.cleaned_data["file"]
            )
        except services.ProjectsError as exc:
            form.add_error("file", str(exc))
        except SheetError as exc:
            form.add_error("file", explain.sheet_error(exc))
        else:
            rejects = [(r.row, explain.reject_sentence(r.code, r.params)) for r in result.sheet.rejects]
    context = {"project": project, "form": form, "result": result, "rejects": rejects}
    return render(request, "projects/import.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def import_template(request: AuthedRequest, project_id: int) -> HttpResponse:
    _scope, project = _editable(request, project_id)
    lines = [TemplateLine(code, name, pct) for code, name, pct in selectors.form_activities(project)]
    notes = [
        _("One row per activity per report date: date, activity code, percent complete (0–100)."),
        _("Accepted work (cumulative, tenge), workforce on site and issues: once per date, on any row of it."),
        _("Leave the workforce empty if it is not known; 0 means nobody was on site."),
        _("Percents are cumulative. Rows of dates already reported are rejected, not overwritten."),
    ]
    content = progress_template(
        lines,
        report_date=selectors.forecast_as_of(),
        language=(get_language() or "ru")[:2],
        notes=notes,
        title=f"{project.code} · {project.name}",
    )
    return download(content, f"progress-{project.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def change_create(request: AuthedRequest, project_id: int) -> HttpResponse:
    scope, project = _editable(request, project_id)
    form = ContractChangeForm(request.POST or None, initial={"date": selectors.forecast_as_of()})
    if (
        request.method == "POST"
        and form.is_valid()
        and _saved(
            request,
            form,
            lambda: services.contract_change_create(
                scope=scope, user=request.user, project=project, **form.cleaned_data
            ),
            _("Contract change saved; the forecast is updated."),
        )
    ):
        return redirect("projects:object", project_id=project.pk)
    return render(
        request, "projects/change_form.html", {"project": project, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def baseline_create(request: AuthedRequest, project_id: int) -> HttpResponse:
    scope, project = _editable(request, project_id)
    current = project.baselines.order_by("-version").first()
    initial = [
        {
            "code": a.code,
            "name": a.name,
            "planned_start": a.planned_start,
            "planned_finish": a.planned_finish,
            "weight": a.weight,
            "depends_on": ", ".join(a.depends_on),
        }
        for a in (current.activities.all() if current is not None else [])
    ]
    post = request.POST if request.method == "POST" else None
    form = BaselineForm(post, initial={"made_on": selectors.forecast_as_of()})
    formset = ActivityFormSet(post, initial=initial, prefix="a")
    if (
        request.method == "POST"
        and form.is_valid()
        and formset.is_valid()
        and _saved(
            request,
            form,
            lambda: services.baseline_create(
                scope=scope,
                user=request.user,
                project=project,
                activities=formset_activities(formset),
                **form.cleaned_data,
            ),
            _("New baseline version saved; the forecast is updated."),
        )
    ):
        return redirect("projects:object", project_id=project.pk)
    failed = bool(form.errors or formset.total_error_count())
    context = {"project": project, "form": form, "formset": formset, "current": current}
    return render(request, "projects/baseline_form.html", context, status=400 if failed else 200)


@login_required
@require_GET
def baseline_compare(request: AuthedRequest, project_id: int) -> HttpResponse:
    scope = _scope(request)
    project = selectors.project_get(scope=scope, project_id=project_id)
    comparison = selectors.baseline_comparison(convert.object_data(project))  # no simulation: versions only
    return render(request, "projects/baselines.html", {"project": project, "comparison": comparison})


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    require(scope, Action.PROJECT_EDIT)
    form = ProjectForm(request.POST or None, districts=scope.districts)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(scope=scope, user=request.user, **form.service_kwargs())
        except services.ProjectsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Object added. Now enter its schedule."))
            return redirect("projects:baseline_create", project_id=project.pk)
    return render(request, "projects/project_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthedRequest, project_id: int) -> HttpResponse:
    scope = _scope(request)
    project = selectors.project_get(scope=scope, project_id=project_id)
    require(scope, Action.PROJECT_FACTS_EDIT)
    initial = {
        "name": project.name,
        "locality": project.locality,
        "address": project.address,
        "deadline_reason": project.deadline_reason,
        "contract_number": project.contract_number,
        "responsible": project.responsible_id,
    }
    posted = request.method == "POST"
    choices = selectors.responsible_choices(project)
    form = ProjectEditForm(request.POST if posted else None, initial=initial, choices=choices)
    if (
        posted
        and form.is_valid()
        and _saved(
            request,
            form,
            lambda: services.project_update(scope=scope, user=request.user, project=project, **form.cleaned_data),
            _("Object saved."),
        )
    ):
        return redirect("projects:object", project_id=project.pk)
    context = {"project": project, "form": form}
    return render(request, "projects/project_edit.html", context, status=400 if form.errors else 200)
