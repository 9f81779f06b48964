"""Views: check the scope, call one selector or service, render. Partials serve htmx requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import scope_for
from birtizim.web.audit.models import Access
from birtizim.web.audit.services import access_record, iin_hash
from birtizim.web.common import charts, labels
from birtizim.web.common.http import AuthedRequest, temporary_download
from birtizim.web.registry import exports, selectors, services, worklist_table
from birtizim.web.registry.forms import OutcomeForm, UploadForm
from birtizim.web.registry.models import Run, Upload


def _current_run() -> Run:
    run = selectors.run_current()
    if run is None:
        raise Http404("no finished run yet")
    return run


@login_required
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.is_provider:  # a club's staff work in the voucher pages; OSMS figures are the akimat's
        return redirect("vouchers:home")
    if not may(scope, Action.FIGURES_READ) and (may(scope, Action.FARES_READ) or may(scope, Action.FARES_INSPECT)):
        return redirect("fares:home")  # the transport department and inspectors work in the fares pages
    require(scope, Action.FIGURES_READ)
    run = selectors.run_current()
    if run is None:
        return render(request, "registry/dashboard_empty.html", {"runs": Run.objects.all()[:5]})
    # The figures change only with the runs: each gunicorn worker renders them once per current run (and
    # number of runs, for the trend), scope and language -- the body has no form and nothing of the
    # request -- and serves that copy.
    runs = Run.objects.filter(state=Run.State.SUCCEEDED).count()
    districts = "*" if scope.districts is None else ",".join(sorted(scope.districts))
    finished = run.finished_at.timestamp() if run.finished_at else 0
    key = f"dashboard:{run.pk}:{finished}:{runs}:{scope.role}:{districts}:{get_language()}"
    body = cache.get(key)
    if body is None:
        data = selectors.dashboard_get(scope=scope, run=run)
        context = {
            "run": run,
            "scope": scope,
            **data,
            "ranking_chart": charts.bars(data["ranking"], label="name", value="actualisation"),
            # The axis names each run by the day it finished (the run's number means nothing to a reader).
            "trend_chart": charts.line(
                [
                    (
                        date_format(localtime(t["finished_at"]), "d.m") if t["finished_at"] else f"#{t['run']}",
                        t["actualisation"],
                    )
                    for t in data["trend"]
                ]
            ),
        }
        body = render_to_string("registry/_dashboard_body.html", context)
        cache.set(key, body, settings.DASHBOARD_CACHE_SECONDS)
    return render(request, "registry/dashboard.html", {"body": body})


@login_required
@require_GET
def figures_export(request: AuthedRequest) -> FileResponse:
    scope = scope_for(request.user)
    run = _current_run()
    path = exports.figures_export(scope=scope, run=run)
    return temporary_download(path, f"figures-run{run.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def uploads(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.RUN)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.upload_create(
                scope=scope, user=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
            )
        except services.UploadError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("upload_detail", upload_id=upload.pk)
    current = services.latest_uploads()
    context = {
        "form": form,
        "uploads": Upload.objects.select_related("uploaded_by")[:50],
        "current": [(k, labels.SOURCE[k], current.get(k)) for k in labels.SOURCE],
    }
    return render(request, "registry/uploads.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def upload_detail(request: AuthedRequest, upload_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.RUN)
    upload = get_object_or_404(Upload, pk=upload_id)
    missing = [f for f in ("iin", "last_name", "first_name") if f not in upload.preview.get("recognised", {})]
    return render(
        request,
        "registry/upload_detail.html",
        {"upload": upload, "kind_label": labels.SOURCE[upload.kind], "missing": missing},
    )


@login_required
@require_http_methods(["GET", "POST"])
def runs(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.RUN)
    if request.method == "POST":
        try:
            run = services.run_create(scope=scope, user=request.user)
        except services.UploadError as exc:
            messages.error(request, str(exc))
            return redirect("runs")
        return redirect("run_detail", run_id=run.pk)
    return render(request, "registry/runs.html", {"runs": Run.objects.select_related("requested_by")[:50]})


@login_required
@require_GET
def run_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.RUN)
    run = get_object_or_404(Run, pk=run_id)
    template = "registry/_run_progress.html" if request.htmx else "registry/run_detail.html"
    return render(request, template, {"run": run})


@login_required
@require_GET
def worklists(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    run = _current_run()
    return render(
        request,
        "registry/worklists.html",
        {"run": run, "districts": selectors.worklist_districts(scope=scope, run=run)},
    )


def _page_number(request: AuthedRequest) -> int:
    try:
        return int(request.GET.get("page", "1"))
    except ValueError:
        return 1


@login_required
@require_GET
def worklist(request: AuthedRequest, district: str) -> HttpResponse:
    scope = scope_for(request.user)
    run = _current_run()
    query = request.GET.get("q", "")[:100]
    page = selectors.worklist_page(scope=scope, run=run, district=district, query=query, page=_page_number(request))
    access_record(
        user=request.user,
        action=Access.Action.VIEW_LIST,
        run_id=run.pk,
        district=district,
        query=query,
        person_ids=[r["person_id"] for r in page.rows],
    )
    context = {
        "run": run,
        "district": selectors.district_check(scope=scope, run=run, district=district),
        "page": page,
        "query": query,
        "columns": worklist_table.page_columns(),
    }
    if request.htmx and request.htmx.target == "worklist-table":
        return render(request, "registry/_worklist_table.html", context)
    context["changes"] = selectors.changes_since(scope=scope, run=run, district=district)
    return render(request, "registry/worklist.html", context)


@login_required
@require_GET
def worklist_export(request: AuthedRequest, district: str) -> FileResponse:
    scope = scope_for(request.user)
    run = _current_run()
    query = request.GET.get("q", "")[:100]
    full_iin = request.GET.get("full_iin") == "1"
    exported = exports.worklist_export(scope=scope, run=run, district=district, query=query, full_iin=full_iin)
    access_record(
        user=request.user,
        action=Access.Action.EXPORT_FULL_IIN if exported.full_iin else Access.Action.EXPORT,
        run_id=run.pk,
        district=district,
        query=query,
        records=exported.rows,
        iin_hashes=exported.iin_hashes,
    )
    return temporary_download(exported.path, f"worklist-{district}-run{run.pk}.xlsx")


@login_required
@require_POST
def person_iin(request: AuthedRequest, person_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.IIN_REVEAL)
    run = _current_run()
    person = selectors.person_get(scope=scope, run=run, person_id=person_id)
    access_record(
        user=request.user,
        action=Access.Action.REVEAL_IIN,
        run_id=run.pk,
        district=person["district"],
        person_ids=[person_id],
        iin_hashes=[iin_hash(person["iin"])],
    )
    return HttpResponse(f'<span class="iin">{person["iin"]}</span>')


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: AuthedRequest, person_id: int) -> HttpResponse:
    """GET: the outcome form for one row, loaded when the officer asks for it (the work list renders a
    button per row, not fifty forms); POST: record it."""
    scope = scope_for(request.user)
    require(scope, Action.OUTCOME_RECORD)
    run = _current_run()
    person = selectors.person_get(scope=scope, run=run, person_id=person_id)
    if request.method == "GET":
        return render(request, "registry/_outcome_form.html", {"form": OutcomeForm(), "person_id": person_id})
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return render(request, "registry/_outcome_form.html", {"form": form, "person_id": person_id}, status=400)
    recorded = services.outcome_record(
        scope=scope, user=request.user, run=run, person_id=person_id, **form.cleaned_data
    )
    access_record(
        user=request.user,
        action=Access.Action.RECORD_OUTCOME,
        run_id=run.pk,
        district=person["district"],
        person_ids=[person_id],
    )
    if request.htmx:
        return render(request, "registry/_outcome_done.html", {"outcome": recorded})
    messages.success(request, _("Outcome recorded."))
    return redirect("worklist", district=person["district"])
