"""Views: check the scope, call one selector or service, render. Partials serve htmx requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import scope_for
from birtizim.web.audit.models import Access
from birtizim.web.audit.services import access_record, iin_hash
from birtizim.web.common import charts, labels
from birtizim.web.common.errors import Conflict
from birtizim.web.common.http import AuthedRequest, temporary_download
from birtizim.web.registry import (
    exports,
    plan_words,
    publication_words,
    review_words,
    selectors,
    services,
    worklist_table,
)
from birtizim.web.registry.forms import (
    AssignForm,
    DecisionForm,
    DetachForm,
    MergeForm,
    OutcomeForm,
    PublishForm,
    UploadForm,
)
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
    # number of published runs, for the trend), scope and language -- the body has no form and nothing of
    # the request -- and serves that copy. A draft changes nothing the dashboard shows.
    runs = selectors.published_runs().count()
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
    current = selectors.run_current()
    return render(
        request,
        "registry/runs.html",
        {"runs": selectors.runs_list(scope=scope), "current": current.pk if current else None},
    )


# The comparison's source columns, after the rows received: each method's rows, review, not in the registry.
SOURCE_KEYS = (
    "rows_received",
    "matched_iin",
    "iin_repaired",
    "matched_probabilistic",
    "matched_decided",
    "for_review",
    "not_in_registry",
)


def _run_page(request: AuthedRequest, run: Run, form: PublishForm | None = None, status: int = 200) -> HttpResponse:
    """The run's page: progress while it runs; once finished, the comparison with the published run and,
    for a draft, the forms to publish or discard it."""
    context: dict[str, object] = {"run": run, "current": selectors.run_current()}
    if run.state == Run.State.SUCCEEDED:
        comparison = selectors.run_comparison(run=run)
        context["comparison"] = comparison
        context["warnings"] = publication_words.sentences(comparison.get("warnings", []))
        context["source_keys"] = SOURCE_KEYS
        context["form"] = form or PublishForm()
    template = "registry/_run_progress.html" if request.htmx and run.state != Run.State.SUCCEEDED else None
    return render(request, template or "registry/run_detail.html", context, status=status)


@login_required
@require_GET
def run_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.RUN)
    run = get_object_or_404(Run, pk=run_id)
    if request.htmx and request.htmx.target == "run-progress" and run.state != Run.State.SUCCEEDED:
        return render(request, "registry/_run_progress.html", {"run": run})
    if request.htmx and request.htmx.target == "run-progress":
        # finished while the page polled: the whole page has more to show (the comparison, publishing)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return _run_page(request, run)


@login_required
@require_POST
def run_publish(request: AuthedRequest, run_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.PUBLISH)
    run = get_object_or_404(Run, pk=run_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _run_page(request, run, form, status=400)
    try:
        services.run_publish(scope=scope, user=request.user, run=run, **form.cleaned_data)
    except Conflict as exc:
        form.add_error(None, str(exc))
        return _run_page(request, run, form, status=409)
    messages.success(
        request, _("Run #%(run)s is published: the dashboard and the work lists show it.") % {"run": run.pk}
    )
    return redirect("dashboard")


@login_required
@require_POST
def run_discard(request: AuthedRequest, run_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.PUBLISH)
    run = get_object_or_404(Run, pk=run_id)
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.run_discard(scope=scope, user=request.user, run=run, note=note)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Run #%(run)s is discarded; the published run stays.") % {"run": run.pk})
    return redirect("runs")


@login_required
@require_GET
def worklists(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    run = _current_run()
    return render(
        request,
        "registry/worklists.html",
        {
            "run": run,
            "districts": selectors.worklist_districts(scope=scope, run=run),
            "progress": selectors.officer_progress(scope=scope, run=run),
        },
    )


def _page_number(request: AuthedRequest) -> int:
    try:
        return int(request.GET.get("page", "1"))
    except ValueError:
        return 1


def _work_filters(data: Any, officer_key: str = "officer") -> selectors.WorkFilters:
    """The work list's filters from a page's query (or, in the assign form, its hidden copies)."""
    show = data.get("show", "all")
    officer = data.get(officer_key, "")
    return selectors.WorkFilters(
        query=data.get("q", "")[:100],
        show=show if show in selectors.SHOW else "all",
        officer=int(officer) if officer.isdigit() else None,
    )


@login_required
@require_GET
def worklist(request: AuthedRequest, district: str) -> HttpResponse:
    scope = scope_for(request.user)
    run = _current_run()
    filters = _work_filters(request.GET)
    page = selectors.worklist_page(scope=scope, run=run, district=district, page=_page_number(request), filters=filters)
    access_record(
        user=request.user,
        action=Access.Action.VIEW_LIST,
        run_id=run.pk,
        district=district,
        query=filters.query,
        person_ids=[r["person_id"] for r in page.rows],
    )
    may_assign = may(scope, Action.ASSIGN, district=district)
    officers = selectors.district_officers(district)
    context = {
        "run": run,
        "district": selectors.district_check(scope=scope, run=run, district=district),
        "page": page,
        "query": filters.query,
        "filters": filters,
        "shows": [("all", _("Everyone")), ("todo", _("Not yet worked")), ("due", _("Follow-up due"))],
        "officers": officers,
        "may_assign": may_assign and bool(officers),
        "assign_form": AssignForm(officers=officers),
        "columns": worklist_table.page_columns(),
    }
    if request.htmx and request.htmx.target == "worklist-table":
        return render(request, "registry/_worklist_table.html", context)
    context["changes"] = selectors.changes_since(scope=scope, run=run, district=district)
    return render(request, "registry/worklist.html", context)


@login_required
@require_POST
def worklist_assign(request: AuthedRequest, district: str) -> HttpResponse:
    """Give the ticked residents, or every resident the filters show, to an officer of the district."""
    scope = scope_for(request.user)
    require(scope, Action.ASSIGN)
    run = _current_run()
    selectors.district_check(scope=scope, run=run, district=district)
    require(scope, Action.ASSIGN, district=district)
    form = AssignForm(request.POST, officers=selectors.district_officers(district))
    filters = _work_filters(request.POST, officer_key="officer_filter")  # "officer" is whom to assign to
    back = f"{reverse('worklist', args=[district])}?{filters.params()}"
    if not form.is_valid():
        messages.error(request, _("Choose the officer to assign the residents to."))
        return redirect(back)
    everyone = form.cleaned_data["everyone"]
    wanted = (
        selectors.worklist_ids(scope=scope, run=run, district=district, filters=filters) if everyone else form.persons()
    )
    if not wanted:
        messages.error(request, _("Tick the residents to assign, or choose every resident the filters show."))
        return redirect(back)
    try:
        done = services.assign(
            scope=scope,
            user=request.user,
            run=run,
            district=district,
            officer_id=form.cleaned_data["officer"],
            person_ids=wanted,
        )
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(
        request,
        ngettext("%(n)s resident assigned.", "%(n)s residents assigned.", len(done)) % {"n": len(done)},
    )
    return redirect(back)


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


def _shown_run(request: AuthedRequest) -> Run | None:
    """The run a page was shown from: its forms and reveals send it (``run``), so that a post that outlived
    its run is checked against the run the officer looked at."""
    raw = request.POST.get("run") or request.GET.get("run") or ""
    return Run.objects.filter(pk=int(raw), state=Run.State.SUCCEEDED).first() if raw.isdigit() else None


def _revealed(
    request: AuthedRequest, person_id: int, action: str, read: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    """A resident's data shown in full: checked against the run the page was shown from, and audited (whose,
    by whom, what). ``read`` is the selector that fetches it."""
    scope = scope_for(request.user)
    require(scope, Action.IIN_REVEAL)
    run = _current_run()
    person = read(scope=scope, run=run, person_id=person_id, shown_run=_shown_run(request))
    access_record(
        user=request.user,
        action=action,
        run_id=run.pk,
        district=person["district"],
        person_ids=[person_id],
        iin_hashes=[iin_hash(person["iin"])],
    )
    return person


@login_required
@require_POST
def person_iin(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _revealed(request, person_id, Access.Action.REVEAL_IIN, selectors.person_current)
    return HttpResponse(f'<span class="iin">{person["iin"]}</span>')


@login_required
@require_POST
def person_contacts(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A resident's phone and address in full: a POST, audited as an IIN's reveal is."""
    person = _revealed(request, person_id, Access.Action.REVEAL_CONTACTS, selectors.person_contacts)
    phone = str(person.get("phone") or "")
    dial = "".join(c for c in phone if c.isdigit() or c == "+")  # a tap on a phone calls the number
    call = f'<a href="tel:{escape(dial)}">{escape(phone)}</a>' if phone else ""
    shown = " · ".join(x for x in (call, str(escape(person.get("address") or ""))) if x)
    return HttpResponse(f'<span class="contacts">{shown}</span>')


# A refused outcome comes back as its form with the reasons (422: the request was understood, its content not
# accepted), shown where the form was (site.js); 400 is for requests that make no sense at all.
UNPROCESSABLE = 422


def _outcome_page(
    request: AuthedRequest, person: dict[str, Any], form: OutcomeForm, run: Run, status: int = 200
) -> HttpResponse:
    """The outcome form: the row's fragment for htmx, or a whole page (it works without JavaScript)."""
    context = {"form": form, "person_id": person["person_id"], "run": run}
    if request.htmx:
        return render(request, "registry/_outcome_form.html", context, status=status)
    context["person"] = {**person, "iin_masked": selectors.mask(person["iin"])}
    return render(request, "registry/outcome.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: AuthedRequest, person_id: int) -> HttpResponse:
    """GET: the outcome form for one row, loaded when the officer asks for it (the work list renders a
    link per row, not fifty forms; without JavaScript the link opens it as a page); POST: record it."""
    scope = scope_for(request.user)
    require(scope, Action.OUTCOME_RECORD)
    run = _current_run()
    shown = _shown_run(request)
    person = selectors.person_current(scope=scope, run=run, person_id=person_id, shown_run=shown)
    if request.method == "GET":  # the form names the run the row was shown from, as the post will
        return _outcome_page(request, person, OutcomeForm(), shown or run)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _outcome_page(request, person, form, shown or run, status=UNPROCESSABLE)
    try:
        recorded = services.outcome_record(
            scope=scope, user=request.user, run=run, person_id=person_id, shown_run=shown, **form.cleaned_data
        )
    except services.OutcomeRefused as exc:
        for problem in plan_words.problems(exc.problems):
            form.add_error(None, problem)
        return _outcome_page(request, person, form, shown or run, status=UNPROCESSABLE)
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


# --- the agencies' rows at fault -------------------------------------------------------------------------


@login_required
@require_GET
def data_quality(request: AuthedRequest) -> HttpResponse:
    """Agency rows no call can fix (duplicates inside a list, districts that differ between agencies...), per
    agency, for the analyst who goes back to the agency."""
    scope = scope_for(request.user)
    require(scope, Action.PEOPLE_READ)
    run = _current_run()
    source = request.GET.get("source", "")[:32]
    found = selectors.data_quality(scope=scope, run=run, source=source, page=_page_number(request))
    access_record(
        user=request.user,
        action=Access.Action.VIEW_DATA_QUALITY,
        run_id=run.pk,
        subject="registry.data_quality",
        person_ids=sorted({int(r["person_id"]) for r in found["rows"] if r["person_id"] is not None}),
        records=len(found["rows"]),
    )
    per_source: dict[str, dict[str, Any]] = {}
    for c in found["counts"]:
        entry = per_source.setdefault(
            c["source"], {"source": c["source"], "name": labels.source(c["source"]), "n": 0, "types": []}
        )
        entry["n"] += int(c["n"])
        entry["types"].append({"type": labels.conflict(c["type"]), "n": int(c["n"])})
    rows = [
        {
            **r,
            "source_name": labels.source(r["source"]),
            "type_name": labels.conflict(r["type"]),
            "details": "; ".join(labels.conflict_details(_as_list(r["facts"]))),
            "district_name": labels.district_name(r["district"]),
        }
        for r in found["rows"]
    ]
    context = {"run": run, **found, "rows": rows, "per_source": list(per_source.values())}
    return render(request, "registry/data_quality.html", context)


def _as_list(facts: str | None) -> str | None:
    """One row's facts as the JSON array ``labels.conflict_details`` reads."""
    if not facts:
        return None
    return facts if facts.lstrip().startswith("[") else f"[{facts}]"


@login_required
@require_GET
def data_quality_export(request: AuthedRequest) -> FileResponse:
    scope = scope_for(request.user)
    run = _current_run()
    source = request.GET.get("source", "")[:32]
    exported = exports.data_quality_export(scope=scope, run=run, source=source)
    access_record(
        user=request.user,
        action=Access.Action.EXPORT,
        run_id=run.pk,
        subject="registry.data_quality_export",
        records=exported.rows,
        iin_hashes=exported.iin_hashes,
    )
    return temporary_download(exported.path, f"data-quality{'-' + source if source else ''}-run{run.pk}.xlsx")


# --- review: rows the engine could not settle, residents, decisions ---------------------------------------


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _number(value: str | None, default: float) -> float:
    try:
        return min(max(float(value or default), 0.0), 1.0)
    except ValueError:
        return default


def _filters(request: AuthedRequest) -> selectors.ReviewFilters:
    get = request.GET
    state = get.get("state", "open")
    return selectors.ReviewFilters(
        source=get.get("source", "")[:32],
        district=get.get("district", "")[:64],
        low=_number(get.get("low"), 0.0),
        high=_number(get.get("high"), 1.0),
        state=state if state in selectors.REVIEW_STATES else "open",
    )


@login_required
@require_GET
def review(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.REVIEW)
    run = selectors.review_run(scope=scope, run_id=_int(request.GET.get("run")))
    filters = _filters(request)
    page = selectors.review_page(scope=scope, run=run, filters=filters, page=_page_number(request))
    access_record(
        user=request.user,
        action=Access.Action.VIEW_REVIEW,
        run_id=run.pk,
        district=filters.district,
        query=filters.query()[:200],
        person_ids=[r["best_id"] for r in page["rows"] if r["best_id"] is not None],
        records=len(page["rows"]),
    )
    drafts = [r for r in Run.objects.filter(state=Run.State.SUCCEEDED)[:10] if r.is_draft]
    context = {
        "run": run,
        "page": page,
        "filters": filters,
        "agreement": run.summary.get("agreement") or {},
        "drafts": drafts if selectors.may_see_drafts(scope) else [],
        "states": selectors.REVIEW_STATES,
    }
    return render(request, "registry/review.html", context)


@login_required
@require_GET
def review_item(request: AuthedRequest, run_id: int, record_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.REVIEW)
    run = selectors.review_run(scope=scope, run_id=run_id)
    filters = _filters(request)
    row = selectors.review_row(scope=scope, run=run, record_id=record_id)
    # candidates of other districts are shown (the decision needs them), their pages only to those who cover them
    candidates = [
        {**c, "comparisons": review_words.comparisons(c), "linkable": scope.covers(c["district"])}
        for c in row["candidates"]
    ]
    access_record(
        user=request.user,
        action=Access.Action.VIEW_REVIEW,
        run_id=run.pk,
        district=row["district"],
        person_ids=[int(c["person_id"]) for c in candidates],
    )
    context = {
        "run": run,
        "row": row,
        "candidates": candidates,
        "fields": review_words.side_by_side(row, candidates),
        "filters": filters,
        "around": selectors.review_neighbours(scope=scope, run=run, filters=filters, record_id=record_id),
        "form": DecisionForm(initial={"fingerprint": row["fingerprint"]}),
    }
    return render(request, "registry/review_item.html", context)


@login_required
@require_POST
def review_decide(request: AuthedRequest, run_id: int, record_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.REVIEW)
    current = selectors.run_current()
    if current is not None and run_id != current.pk and not selectors.may_see_drafts(scope):
        # the page outlived its run: the row, if it still waits, is in the published run's band
        messages.error(
            request,
            _("The list was updated since this page was shown (run #%(run)s is published now); nothing was saved.")
            % {"run": current.pk},
        )
        return redirect("review")
    run = selectors.review_run(scope=scope, run_id=run_id)
    filters = _filters(request)
    back = f"{reverse('review_item', args=[run.pk, record_id])}?{filters.query()}"
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        services.decision_record(
            scope=scope,
            user=request.user,
            run=run,
            record_id=record_id,
            fingerprint=form.cleaned_data["fingerprint"],
            verdict=form.cleaned_data["verdict"],
            person_id=form.cleaned_data["person_id"],
            comment=form.cleaned_data["comment"],
        )
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Decided; the next run applies it."))
    following = selectors.review_neighbours(scope=scope, run=run, filters=filters, record_id=record_id)["next"]
    if following is None or following == record_id:
        return redirect(f"{reverse('review')}?run={run.pk}&{filters.query()}")
    return redirect(f"{reverse('review_item', args=[run.pk, following])}?{filters.query()}")


@login_required
@require_GET
def decisions(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.REVIEW)
    page = Paginator(selectors.decisions_list(scope=scope), 100).get_page(request.GET.get("page"))
    return render(
        request, "registry/decisions.html", {"page": page, "merges": selectors.merges_list(scope=scope)[:100]}
    )


@login_required
@require_POST
def decision_undo(request: AuthedRequest, decision_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.REVIEW)
    try:
        services.decision_undo(scope=scope, user=request.user, decision_id=decision_id)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Undone; the next run gives the engine's own answer again."))
    return redirect("decisions")


@login_required
@require_POST
def merge_undo(request: AuthedRequest, merge_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.MERGE)
    try:
        services.merge_undo(scope=scope, user=request.user, merge_id=merge_id)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Undone; the next run has both residents again."))
    return redirect("decisions")


def _person_page(
    request: AuthedRequest, run: Run, person_id: int, merge_form: MergeForm | None = None, status: int = 200
) -> HttpResponse:
    scope = scope_for(request.user)
    person = selectors.person_get(scope=scope, run=run, person_id=person_id)
    rows = selectors.person_rows(scope=scope, run=run, person_id=person_id)
    access_record(
        user=request.user,
        action=Access.Action.VIEW_PERSON,
        run_id=run.pk,
        district=person["district"],
        person_ids=[person_id],
        records=len(rows),
    )
    context = {
        "run": run,
        "person": {**person, "iin_masked": selectors.mask(person["iin"])},
        "rows": rows,
        "merges": selectors.merges_of(person_id=person_id),
        "merge_form": merge_form or MergeForm(),
    }
    return render(request, "registry/person.html", context, status=status)


@login_required
@require_GET
def person(request: AuthedRequest, person_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.REVIEW)
    run = selectors.review_run(scope=scope, run_id=_int(request.GET.get("run")))
    return _person_page(request, run, person_id)


@login_required
@require_POST
def person_detach(request: AuthedRequest, person_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.REVIEW)
    run = selectors.review_run(scope=scope, run_id=_int(request.POST.get("run")))
    selectors.person_get(scope=scope, run=run, person_id=person_id)  # another district's resident: 404 first
    form = DetachForm(request.POST)
    back = f"{reverse('person', args=[person_id])}?run={run.pk}"
    if not form.is_valid():
        messages.error(request, _("Choose a row to detach."))
        return redirect(back)
    try:
        services.detach_record(scope=scope, user=request.user, run=run, person_id=person_id, **form.cleaned_data)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Detached; from the next run the row is no longer this resident's."))
    return redirect(back)


@login_required
@require_POST
def person_merge(request: AuthedRequest, person_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.MERGE)
    run = selectors.review_run(scope=scope, run_id=_int(request.POST.get("run")))
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _person_page(request, run, person_id, form, status=400)
    try:
        services.merge_create(
            scope=scope,
            user=request.user,
            run=run,
            person_id=form.cleaned_data["other"],
            into_id=person_id,
            reason=form.cleaned_data["reason"],
            confirmed=form.cleaned_data["confirmed"],
        )
    except Conflict as exc:
        form.add_error(None, str(exc))
        return _person_page(request, run, person_id, form, status=409)
    messages.success(request, _("Merged; from the next run one resident holds both residents' rows."))
    return redirect(f"{reverse('person', args=[person_id])}?run={run.pk}")
