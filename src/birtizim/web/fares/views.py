"""Views: check the role, read the form, call one selector or service, render.

The analyst's pages (the rate and its interval, strata, KPIs and trend, plans, protocols, repeat
offenders, imports, exports) and the inspector's phone page: an app shell of static files that a
service worker keeps on the phone, reading its shifts from ``inspector/state/`` and sending entries
to ``inspector/checks/`` and ``inspector/protocols/`` as JSON when there is a connection.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from birtizim.web.accounts.permissions import Action, may, require, required_scope
from birtizim.web.accounts.scope import Scope, scope_for
from birtizim.web.audit.models import Access
from birtizim.web.audit.services import access_record, iin_hash
from birtizim.web.common import charts
from birtizim.web.common.errors import Conflict
from birtizim.web.common.http import AuthedRequest, temporary_download
from birtizim.web.fares import exports, selectors, services
from birtizim.web.fares.forms import CheckEntryForm, ImportForm, PeriodForm, PlanForm, ProtocolEntryForm
from birtizim.web.fares.shell import SHELL_FILES, shell_version

MAX_ENTRY_BYTES = 16 * 1024  # one check or protocol as JSON is well under a kilobyte
EntryForm = TypeVar("EntryForm", CheckEntryForm, ProtocolEntryForm)


def _audit(request: AuthedRequest, action: str, subject: str, **details: Any) -> None:
    """An access to fares' people in the audit log. Fares reads no run, so none is named; ``subject``
    is a code of ``audit.labels.SUBJECT`` (``fares.`` added here)."""
    access_record(user=request.user, action=action, run_id=None, subject=f"fares.{subject}", **details)


def _month(request: AuthedRequest) -> tuple[str, list[str]]:
    scope = required_scope(request.user, Action.FARES_READ)
    months = selectors.months_list(scope=scope)
    return selectors.month_check(scope=scope, month=request.GET.get("month", ""), months=months), months


def _protocols_month(request: AuthedRequest, scope: Scope) -> tuple[str, list[str]]:
    """The month the protocols are narrowed to: one the data holds, or "" for all of them."""
    months = selectors.months_list(scope=scope)
    month = request.GET.get("month", "")
    return (month if month in months else ""), months


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if may(scope, Action.FARES_INSPECT):
        return redirect("fares:inspector")
    require(scope, Action.FARES_READ)
    return redirect("fares:overview")


# --------------------------------------------------------------------------------------------
# The analyst's pages
# --------------------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_READ)
    month, months = _month(request)
    figures = selectors.month_figures(scope=scope, month=month) if month else None
    trend = selectors.trend_figures(scope=scope, months=months)
    context = {
        "month": month,
        "months": months,
        "figures": figures,
        "k": figures.kpis if figures else None,
        "trend": trend,
        "trend_chart": charts.line([(t.month, t.kpis.evasion.city.rate if t.kpis else None) for t in trend]),
    }
    return render(request, "fares/overview.html", context)


@login_required
@require_GET
def strata(request: AuthedRequest) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_READ)
    month, months = _month(request)
    figures = selectors.month_figures(scope=scope, month=month) if month else None
    context = {"month": month, "months": months, "figures": figures, "bands": selectors.band_names()}
    return render(request, "fares/strata.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plans(request: AuthedRequest) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_READ)
    if request.method == "POST":
        require(scope, Action.FARES_PLAN)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_draw(scope=scope, user=request.user, request=form.request())
        except services.FaresError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The plan is drawn and published."))
            return redirect("fares:plan", month=plan.month)
    context = {
        "form": form,
        "plans": selectors.plans_list(scope=scope),
        "may_plan": may(scope, Action.FARES_PLAN),
    }
    return render(request, "fares/plans.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def plan(request: AuthedRequest, month: str) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_READ)
    found = selectors.plan_get(scope=scope, month=month)
    names = selectors.band_names()
    weights = [{**w, "band_name": names.get(w["band"], w["band"])} for w in found.weights]
    context = {
        "plan": found,
        "weights": weights,
        "counts": selectors.plan_counts(found),
        "revealed": selectors.seed_revealed(found),
    }
    return render(request, "fares/plan.html", context)


@login_required
@require_GET
def protocols(request: AuthedRequest) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_PEOPLE)
    month, months = _protocols_month(request, scope)
    page = Paginator(selectors.protocols_list(scope=scope, month=month), 100).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _audit(request, Access.Action.VIEW_RECORDS, "protocols", subject_ref=month, person_ids=[p.pk for p in rows])
    context = {
        "month": month,
        "months": months,
        "page": page,
        "rows": [(p, selectors.mask(p.iin)) for p in rows],
        "states": selectors.protocol_states(rows),
        "may_reveal": may(scope, Action.FARES_IIN_REVEAL),
    }
    return render(request, "fares/protocols.html", context)


@login_required
@require_POST
def protocol_iin(request: AuthedRequest, protocol_id: int) -> HttpResponse:
    """One protocol's full IIN: a revealing that the audit log records, like the registry's."""
    scope = required_scope(request.user, Action.FARES_IIN_REVEAL)
    found = selectors.protocol_get(scope=scope, protocol_id=protocol_id)
    _audit(
        request,
        Access.Action.REVEAL_IIN,
        "protocol",
        subject_ref=found.number,
        person_ids=[found.pk],
        iin_hashes=[iin_hash(found.iin)] if found.iin else [],
    )
    return render(request, "fares/_iin.html", {"iin": found.iin or "—"})


@login_required
@require_GET
def protocols_export(request: AuthedRequest) -> FileResponse:
    scope = required_scope(request.user, Action.FARES_PEOPLE)
    full = request.GET.get("full") == "1"
    if full:
        require(scope, Action.FARES_IIN_REVEAL)
    month, _months = _protocols_month(request, scope)
    rows = list(selectors.protocols_list(scope=scope, month=month).order_by("offence_at", "pk"))
    path = exports.protocols_export(rows=rows, states=selectors.protocol_states(rows), full_iin=full)
    _audit(
        request,
        Access.Action.EXPORT_FULL_IIN if full else Access.Action.EXPORT,
        "protocols_export",
        subject_ref=month,
        person_ids=[p.pk for p in rows],
        iin_hashes=sorted({iin_hash(p.iin) for p in rows if p.iin}),
    )
    return temporary_download(path, f"protocols-{month or 'all'}.xlsx")


@login_required
@require_GET
def report_export(request: AuthedRequest, month: str) -> FileResponse:
    scope = required_scope(request.user, Action.FARES_READ)
    months = selectors.months_list(scope=scope)
    month = selectors.month_check(scope=scope, month=month, months=months)
    figures = selectors.month_figures(scope=scope, month=month)
    trend = selectors.trend_figures(scope=scope, months=months)
    path = exports.report_export(figures=figures, trend=trend, bands=selectors.band_names())
    _audit(
        request,
        Access.Action.EXPORT,
        "report",
        subject_ref=month,
        records=figures.kpis.protocols if figures.kpis else 0,
    )
    return temporary_download(path, f"fares-report-{month}.xlsx")


@login_required
@require_GET
def offenders(request: AuthedRequest) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_PEOPLE)
    form = PeriodForm(request.GET or None)
    start = end = None
    at_least = 2
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        at_least = form.cleaned_data["at_least"] or 2
    people = selectors.offenders_list(scope=scope, start=start, end=end, at_least=at_least)
    shown = people[:200]
    _audit(request, Access.Action.VIEW_RECORDS, "offenders", person_ids=[p.protocols[0].pk for p in shown])
    context = {
        "form": form,
        "people": [(p, selectors.mask(p.iin or p.protocols[-1].iin)) for p in shown],
        "total": len(people),
    }
    return render(request, "fares/offenders.html", context)


@login_required
@require_GET
def person(request: AuthedRequest, protocol_id: int) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_PEOPLE)
    found = selectors.person_history(scope=scope, protocol_id=protocol_id)
    _audit(request, Access.Action.VIEW_RECORDS, "person", person_ids=[p.pk for p in found.protocols])
    context = {
        "person": found,
        "iin": selectors.mask(found.iin or found.protocols[-1].iin),
        "anchor": protocol_id,
        "rows": [(p, selectors.mask(p.iin)) for p in found.protocols],
        "states": selectors.protocol_states(found.protocols),
        "may_reveal": may(scope, Action.FARES_IIN_REVEAL),
    }
    return render(request, "fares/person.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: AuthedRequest) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        load = services.ridership_import if form.cleaned_data["kind"] == "ridership" else services.payments_import
        try:
            batch = load(scope=scope, user=request.user, file=form.cleaned_data["file"])
        except services.FaresError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("fares:import_detail", batch_id=batch.pk)
    context = {"form": form, "batches": selectors.imports_list(scope=scope)}
    return render(request, "fares/imports.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def import_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    scope = required_scope(request.user, Action.FARES_IMPORT)
    batch = selectors.import_get(scope=scope, batch_id=batch_id)
    return render(request, "fares/import_detail.html", {"batch": batch, "rejects": selectors.reject_rows(batch)})


# --------------------------------------------------------------------------------------------
# The inspector's phone page
# --------------------------------------------------------------------------------------------


@login_required
@require_GET
def inspector(request: AuthedRequest) -> HttpResponse:
    """The app shell: no personal data in it (that comes from ``state``), so the phone may keep it."""
    scope = required_scope(request.user, Action.FARES_INSPECT)
    services.inspector_of(scope=scope, user=request.user)
    return render(request, "fares/inspector.html", {"version": shell_version()})


@login_required
@require_GET
def inspector_worker(request: AuthedRequest) -> HttpResponse:
    """The service worker, served from the page's own path so that it may control the page."""
    required_scope(request.user, Action.FARES_INSPECT)
    response = render(
        request, "fares/sw.js", {"version": shell_version(), "files": SHELL_FILES}, content_type="text/javascript"
    )
    response["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every visit
    return response


@never_cache
@login_required
@require_GET
def inspector_state(request: AuthedRequest) -> JsonResponse:
    scope = required_scope(request.user, Action.FARES_INSPECT)
    state = selectors.inspector_state(scope=scope, user=request.user)
    return JsonResponse({**state, "csrf": get_token(request)})


def _entry(request: AuthedRequest, form_class: type[EntryForm]) -> EntryForm | JsonResponse:
    """An inspector's entry (its JSON body, read only if it is small) as a valid form, or the response
    that refuses it: too large, unreadable, or with the first field error in words."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_ENTRY_BYTES + 1
    if length > MAX_ENTRY_BYTES:
        return JsonResponse({"error": _("The entry is too large.")}, status=413)
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"error": _("The entry could not be read.")}, status=400)
    form = form_class(data)
    if form.is_valid():
        return form
    fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    first = next((m for errors in fields.values() for m in errors), _("The entry could not be read."))
    return JsonResponse({"error": first, "fields": fields}, status=400)


@login_required
@require_POST
def inspector_check(request: AuthedRequest) -> JsonResponse:
    scope = required_scope(request.user, Action.FARES_INSPECT)
    form = _entry(request, CheckEntryForm)
    if isinstance(form, JsonResponse):
        return form
    try:
        check, created = services.check_record(scope=scope, user=request.user, entry=form.entry())
    except Conflict as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    status = "recorded" if created else "already"
    return JsonResponse({"status": status, "check": check.code}, status=201 if created else 200)


@login_required
@require_POST
def inspector_protocol(request: AuthedRequest) -> JsonResponse:
    scope = required_scope(request.user, Action.FARES_INSPECT)
    form = _entry(request, ProtocolEntryForm)
    if isinstance(form, JsonResponse):
        return form
    try:
        protocol, created = services.protocol_record(scope=scope, user=request.user, entry=form.entry())
    except services.FaresError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except Conflict as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    body = {
        "status": "recorded" if created else "already",
        "number": protocol.number,
        "fine": protocol.fine,
        "offence_at": timezone.localtime(protocol.offence_at).isoformat(timespec="minutes"),
    }
    return JsonResponse(body, status=201 if created else 200)
