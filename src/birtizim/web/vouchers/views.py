"""Views: check the scope, call one selector or service, render. Partials serve htmx requests.

Lists of children (first names and masked IINs) are written to the audit log on every view or
export. The parent's page needs no login: the signed one-time token is the permission.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from birtizim.vouchers import links
from birtizim.vouchers.model import TimesheetStatus
from birtizim.vouchers.rules import TIMESHEET_TRANSITIONS
from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import Scope, scope_for
from birtizim.web.audit.models import Access
from birtizim.web.audit.services import access_record
from birtizim.web.common import charts
from birtizim.web.common import labels as common_labels
from birtizim.web.common.errors import NotAllowed, NotFound
from birtizim.web.common.http import AuthedRequest, temporary_download
from birtizim.web.vouchers import dashboard, exports, flag_cases, selectors, services, tokens
from birtizim.web.vouchers import flag_labels as words
from birtizim.web.vouchers.forms import (
    AllocationForm,
    AttendanceForm,
    CaseForm,
    ChildForm,
    ConfirmForm,
    EnrolForm,
    EnrolmentEndForm,
    SessionForm,
    TimesheetMoveForm,
    VoucherIssueForm,
)
from birtizim.web.vouchers.models import TIMESHEET_STATUS_CHOICES, AllocationBatch, Flag, FlagRun, Timesheet


def _audit(
    request: AuthedRequest,
    district: str,
    subject: str,
    ref: object,
    records: int,
    export: bool = False,
    iin_hashes: list[str] | None = None,
    query: str = "",
) -> None:
    """``subject``: what was viewed, a code of ``audit.labels.SUBJECT`` (``vouchers.`` added here)."""
    access_record(
        user=request.user,
        action=Access.Action.EXPORT if export else Access.Action.VIEW_RECORDS,
        run_id=None,
        district=district,
        query=query,
        subject=f"vouchers.{subject}",
        subject_ref=ref,
        records=records,
        iin_hashes=iin_hashes,
    )


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.is_provider:
        return redirect("vouchers:groups")
    require(scope, Action.VOUCHERS_FIGURES)
    return redirect("vouchers:dashboard")


# --------------------------------------------------------------------------------------------
# Providers: groups, sessions, attendance, timesheets, parent links
# --------------------------------------------------------------------------------------------


@login_required
@require_GET
def groups(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.groups_list(scope=scope)
    provider = selectors.provider_own(scope=scope) if scope.is_provider else None
    return render(request, "vouchers/groups.html", {"groups": found, "provider": provider})


@login_required
@require_GET
def group(request: AuthedRequest, group_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.group_get(scope=scope, group_id=group_id)
    today = timezone.localdate()
    enrolled = [
        selectors.child_row(e.child) | {"start_date": e.start_date, "enrolment_id": e.pk}
        for e in selectors.enrolled_on(group_id=found.pk, day=today)
    ]
    _audit(request, found.provider.district, "group_roster", found.pk, len(enrolled))
    context = {
        "group": found,
        "enrolled": enrolled,
        "sessions": selectors.group_sessions(group=found),
        "timesheets": Timesheet.objects.filter(group=found).order_by("-period", "id"),
        "session_form": SessionForm(initial={"date": today, "minutes": 90}),
        "is_provider": may(scope, Action.PROVIDER_WORK, organisation=found.provider.bin),
        "may_enrol": may(scope, Action.ENROL, organisation=found.provider.bin),
    }
    return render(request, "vouchers/group.html", context)


@login_required
@require_POST
def session_create(request: AuthedRequest, group_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.group_get(scope=scope, group_id=group_id)
    require(scope, Action.PROVIDER_WORK, organisation=found.provider.bin)
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the session's date, start and length."))
        return redirect("vouchers:group", group_id=found.pk)
    try:
        session = services.session_create(scope=scope, group=found, **form.cleaned_data)
    except services.RuleViolation as exc:
        messages.error(request, str(exc))
        return redirect("vouchers:group", group_id=found.pk)
    return redirect("vouchers:session", session_id=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session(request: AuthedRequest, session_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.session_get(scope=scope, session_id=session_id)
    editable = may(scope, Action.PROVIDER_WORK, organisation=found.group.provider.bin)
    rows = selectors.roster(session=found)
    form = AttendanceForm(request.POST or None, enrolments=[r["enrolment_id"] for r in rows])
    status = 200
    if request.method == "POST":
        if not editable:
            raise NotAllowed
        if form.is_valid():
            try:
                saved = services.marks_record(
                    scope=scope,
                    user=request.user,
                    session=found,
                    kinds=form.kinds(),
                    checked_in=form.checkins(found.date, timezone.get_current_timezone()),
                )
            except services.RuleViolation as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                messages.success(
                    request,
                    ngettext("Attendance saved for %(n)s child.", "Attendance saved for %(n)s children.", saved)
                    % {"n": saved},
                )
                rows = selectors.roster(session=found)
                form = AttendanceForm(enrolments=[r["enrolment_id"] for r in rows])
        else:
            form.add_error(None, _("Mark every child: present, excused or unexcused."))
            status = 400
    _audit(request, found.group.provider.district, "session_attendance", found.pk, len(rows))
    sheet = Timesheet.objects.filter(group=found.group, period=found.date.replace(day=1)).order_by("id").first()
    context = {
        "session": found,
        "rows": rows,
        "form": form,
        "editable": editable and (sheet is None or sheet.status == TimesheetStatus.DRAFT),
        "timesheet": sheet,
    }
    template = "vouchers/_attendance.html" if request.htmx else "vouchers/session.html"
    return render(request, template, context, status=status)


def _moves(scope: Scope, sheet: Timesheet) -> list[tuple[str, str]]:
    """The transitions this user may make now, as (code, label)."""
    words = dict(TIMESHEET_STATUS_CHOICES)
    return [
        (target.value, str(words[target.value]))
        for target in sorted(TIMESHEET_TRANSITIONS[TimesheetStatus(sheet.status)])
        if services.timesheet_may_move(scope, sheet, target)
    ]


@login_required
@require_GET
def timesheet(request: AuthedRequest, timesheet_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    sheet = selectors.timesheet_get(scope=scope, timesheet_id=timesheet_id)
    figures = selectors.timesheet_figures(timesheet=sheet)
    _audit(request, sheet.provider.district, "timesheet", sheet.pk, len(figures.lines))
    context = {
        "sheet": sheet,
        "figures": figures,
        "moves": _moves(scope, sheet),
        "events": sheet.events.select_related("by"),
        "is_provider": may(scope, Action.PROVIDER_WORK, organisation=sheet.provider.bin),
        "frozen": sheet.status in (TimesheetStatus.APPROVED, TimesheetStatus.PAID),
    }
    return render(request, "vouchers/timesheet.html", context)


@login_required
@require_POST
def timesheet_move(request: AuthedRequest, timesheet_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    sheet = selectors.timesheet_get(scope=scope, timesheet_id=timesheet_id)
    form = TimesheetMoveForm(request.POST)
    if not form.is_valid():
        raise NotAllowed  # the page offers only the moves allowed: anything else was not sent by it
    try:
        services.timesheet_transition(
            scope=scope,
            user=request.user,
            timesheet=sheet,
            target=form.cleaned_data["target"],
            note=form.cleaned_data["note"],
        )
    except services.RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Timesheet moved on."))
    return redirect("vouchers:timesheet", timesheet_id=sheet.pk)


@login_required
@require_GET
def timesheet_export(request: AuthedRequest, timesheet_id: int) -> FileResponse:
    scope = scope_for(request.user)
    sheet = selectors.timesheet_get(scope=scope, timesheet_id=timesheet_id)
    exported = exports.timesheet_export(timesheet=sheet)
    _audit(
        request,
        sheet.provider.district,
        "timesheet_export",
        sheet.pk,
        exported.rows,
        export=True,
        iin_hashes=exported.iin_hashes,
    )
    return temporary_download(exported.path, f"timesheet-{sheet.group_id}-{sheet.period:%Y-%m}.xlsx")


@login_required
@require_GET
def timesheet_links(request: AuthedRequest, timesheet_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    sheet = selectors.timesheet_get(scope=scope, timesheet_id=timesheet_id)
    found = selectors.timesheet_links(scope=scope, timesheet=sheet)
    now = timezone.now()
    rows = []
    for link in found:
        child = selectors.child_row(link.enrolment.child)
        answered = bool(getattr(link, "answers", 0))
        expired = link.expires_at <= now
        url = request.build_absolute_uri(f"/vouchers/confirm/{tokens.token_for(link)}/")
        label = _("QR code of the link for %(child)s's parent") % {"child": child["first_name"]}
        rows.append(
            {
                **child,
                "link_id": link.pk,
                "url": url,
                # An expired link's code is useless on paper: it is not printed, the reissue button is.
                "qr": "" if answered or expired else tokens.link_qr_svg(url, label),
                "answered": answered,
                "expired": expired and not answered,
                "expires_at": link.expires_at,
            }
        )
    _audit(request, sheet.provider.district, "parent_links", sheet.pk, len(rows))
    context = {"sheet": sheet, "rows": rows, "may_reissue": sheet.status == TimesheetStatus.SUBMITTED}
    return render(request, "vouchers/links.html", context)


@login_required
@require_POST
def link_reissue(request: AuthedRequest, link_id: int) -> HttpResponse:
    """A new link for one child's month; the old one is refused from now on. Recorded in the audit log."""
    scope = scope_for(request.user)
    try:
        link = services.link_reissue(scope=scope, link_id=link_id)
    except services.RuleViolation as exc:
        messages.error(request, str(exc))
        found = selectors.link_get(scope=scope, link_id=link_id)
        return redirect("vouchers:links", timesheet_id=found.timesheet_id)
    access_record(
        user=request.user,
        action=Access.Action.REISSUE_LINK,
        run_id=None,
        district=link.enrolment.group.provider.district,
        subject="vouchers.parent_link",
        subject_ref=link.pk,
        records=1,
    )
    messages.success(request, _("A new link was made; the old one no longer opens."))
    return redirect("vouchers:links", timesheet_id=link.timesheet_id)


# --------------------------------------------------------------------------------------------
# Parents (no login)
# --------------------------------------------------------------------------------------------

REFUSALS = {
    links.ForgedLink: ("forged", 404),
    links.ExpiredLink: ("expired", 410),
    links.ReusedLink: ("reused", 409),
    links.ReplacedLink: ("replaced", 410),
}


def _refuse(request: HttpRequest, exc: links.LinkError) -> HttpResponse:
    reason, status = next(((r, s) for kind, (r, s) in REFUSALS.items() if isinstance(exc, kind)), ("forged", 404))
    return render(request, "vouchers/confirm_refused.html", {"reason": reason}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return render(request, "vouchers/confirm_refused.html", {"reason": "invalid"}, status=400)
        try:
            answer = services.confirmation_record(token=token, **form.cleaned_data)
        except links.LinkError as exc:
            return _refuse(request, exc)
        return render(request, "vouchers/confirm_done.html", {"answer": answer})
    try:
        _, link = services.link_open(token=token)
    except links.LinkError as exc:
        return _refuse(request, exc)
    context = {
        "link": link,
        "child": selectors.child_row(link.enrolment.child),
        "group": link.enrolment.group,
        "sessions": selectors.parent_sessions(link=link),
        "form": ConfirmForm(),
    }
    return render(request, "vouchers/confirm.html", context)


# --------------------------------------------------------------------------------------------
# Akimat: dashboard, verification, flags, the allocation queue
# --------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard_view(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    data = dashboard.dashboard_get(scope=scope)
    # Districts in the reader's alphabet (the chart too): the figures are cached, the order is the language's.
    districts = sorted(
        ({**d, "name": common_labels.district_name(d["district"])} for d in data["districts"]),
        key=lambda d: d["name"],
    )
    chart = charts.bars(
        [{"name": d["name"], "share": d["confirmed_share"], "mine": d["mine"]} for d in districts],
        label="name",
        value="share",
    )
    return render(request, "vouchers/dashboard.html", {**data, "districts": districts, "chart": chart})


@login_required
@require_GET
def timesheets(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    status = request.GET.get("status", "")
    if status not in selectors.REVIEW_STATUSES and status != "paid":
        status = ""
    found = selectors.timesheets_for_review(scope=scope, status=status).order_by("period", "provider__name", "id")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "vouchers/timesheets.html", {"page": page, "status": status})


@login_required
@require_GET
def flags(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    code = request.GET.get("code", "")
    status = request.GET.get("status", "")
    code = code if code in words.FLAG else ""
    status = status if status in Flag.Status.values else ""
    found = selectors.flags_list(scope=scope, code=code, status=status)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows, children = selectors.flag_rows(scope=scope, flags=list(page))
    if children:  # the cases name children: who saw them is logged, as on every page that names them
        _audit(request, ",".join(scope.district_list() or []), "flags", "", children)
    context = {
        "page": page,
        "rows": rows,
        "code": code,
        "status": status,
        "codes": list(words.FLAG.items()),
        "statuses": Flag.Status.choices,
        "may_run": may(scope, Action.RUN),
        "last_run": FlagRun.objects.first(),
    }
    template = "vouchers/_flags_table.html" if request.htmx else "vouchers/flags.html"
    return render(request, template, context)


@login_required
@require_POST
def flags_run(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    require(scope, Action.RUN)
    record = flag_cases.flags_run(scope=scope, user=request.user)
    messages.success(
        request, _("Flags run: %(found)s found, %(new)s new cases.") % {"found": record.found, "new": record.new}
    )
    return redirect("vouchers:flags")


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: AuthedRequest, flag_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.flag_get(scope=scope, flag_id=flag_id)
    form = CaseForm(request.POST or None, initial={"status": found.status})
    status = 200
    if request.method == "POST":
        require(scope, Action.CASES_WORK, district=found.district)
        if form.is_valid():
            try:
                services.flag_case_update(scope=scope, user=request.user, flag=found, **form.cleaned_data)
            except services.RuleViolation as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                return redirect("vouchers:flag", flag_id=found.pk)
        else:
            status = 400
    subject = selectors.flag_subject(scope=scope, flag=found)
    (row,), _named = selectors.flag_rows(scope=scope, flags=[found])
    if subject["children"]:
        _audit(request, found.district, "flag", found.pk, len(subject["children"]))
    context = {
        "flag": found,
        "row": row,
        "subject": subject,
        "form": form,
        "notes": found.notes.select_related("by"),
        "may_work": may(scope, Action.CASES_WORK, district=found.district),
        "next": sorted(services.FLAG_TRANSITIONS[found.status]),
    }
    return render(request, "vouchers/flag.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    data = selectors.queue_get(scope=scope)
    form = AllocationForm(request.POST or None)
    if request.method == "POST":
        require(scope, Action.RUN)
        if form.is_valid():
            batch = services.allocation_run(scope=scope, user=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("Batch %(id)s: %(ranked)s ranked, %(allocated)s vouchers issued.")
                % {"id": batch.pk, "ranked": batch.ranked, "allocated": batch.allocated},
            )
            return redirect("vouchers:queue")
    return render(request, "vouchers/queue.html", {**data, "form": form, "may_run": may(scope, Action.RUN)})


# --------------------------------------------------------------------------------------------
# The register: children, applications, vouchers, enrolments
# --------------------------------------------------------------------------------------------


def _audit_children(
    request: AuthedRequest, scope: Scope, subject: str, ref: object, records: int, district: str = "", query: str = ""
) -> None:
    _audit(request, district or ",".join(scope.district_list() or []), subject, ref, records, query=query)


@login_required
@require_GET
def children(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.children_list(scope=scope, q=q), 50).get_page(request.GET.get("page"))
    rows = [
        selectors.child_row(c) | {"district": c.district, "voucher_status": getattr(c, "voucher_status", None)}
        for c in page
    ]
    _audit_children(request, scope, "children", "", len(rows), query=q)
    context = {"page": page, "rows": rows, "q": q, "may_register": bool(selectors.district_choices(scope=scope))}
    template = "vouchers/_children_table.html" if request.htmx else "vouchers/children.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def child_register(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    districts = [d for d in selectors.district_choices(scope=scope) if may(scope, Action.CHILD_REGISTER, district=d[0])]
    if not districts:
        raise NotAllowed
    form = ChildForm(request.POST or None, districts=districts, today=timezone.localdate())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                child = services.child_register(**form.service_kwargs())
            except services.RuleViolation as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Child registered."))
                return redirect("vouchers:child", child_id=child.pk)
        status = 400
    return render(request, "vouchers/child_register.html", {"form": form}, status=status)


def _child_page(request: AuthedRequest, scope: Scope, child_id: int, **extra: object) -> HttpResponse:
    found = selectors.child_get(scope=scope, child_id=child_id)
    _audit_children(request, scope, "child", found.pk, 1, district=found.district)
    context = {
        "child": found,
        "row": selectors.child_row(found),
        **selectors.child_file(child=found),
        "may_register": may(scope, Action.CHILD_REGISTER, district=found.district),
        "voucher_form": VoucherIssueForm(),
        **extra,
    }
    status = 400 if extra else 200
    return render(request, "vouchers/child.html", context, status=status)


def _child_step(
    request: AuthedRequest, scope: Scope, child_id: int, step: Callable[[], object], done: str
) -> HttpResponse:
    """Take a step on a child's file (an application, a voucher): back to the file saying ``done``,
    or the file again with the rule that refused the step."""
    try:
        step()
    except services.RuleViolation as exc:
        return _child_page(request, scope, child_id, error=str(exc))
    messages.success(request, done)
    return redirect("vouchers:child", child_id=child_id)


@login_required
@require_GET
def child(request: AuthedRequest, child_id: int) -> HttpResponse:
    return _child_page(request, scope_for(request.user), child_id)


@login_required
@require_POST
def application_take(request: AuthedRequest, child_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.child_get(scope=scope, child_id=child_id)
    return _child_step(
        request,
        scope,
        found.pk,
        lambda: services.application_take(scope=scope, child=found),
        _("Application taken: the child waits for the next batch."),
    )


@login_required
@require_POST
def voucher_issue(request: AuthedRequest, child_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.child_get(scope=scope, child_id=child_id)
    require(scope, Action.CHILD_REGISTER, district=found.district)
    form = VoucherIssueForm(request.POST)
    if not form.is_valid():
        return _child_page(request, scope, found.pk, voucher_form=form)
    return _child_step(
        request,
        scope,
        found.pk,
        lambda: services.voucher_grant(scope=scope, child=found, **form.cleaned_data),
        _("Voucher issued."),
    )


@login_required
@require_POST
def voucher_accept(request: AuthedRequest, voucher_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.voucher_get(scope=scope, voucher_id=voucher_id)
    return _child_step(
        request,
        scope,
        found.child_id,
        lambda: services.voucher_accept(scope=scope, voucher=found),
        _("Voucher accepted: the child can be enrolled in a club."),
    )


@login_required
@require_GET
def applications(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    batches = selectors.batch_choices()
    wanted = request.GET.get("batch", "")
    batch: AllocationBatch | None
    if wanted == "pending":
        batch = None
    elif wanted.isdigit():
        batch = next((b for b in batches if b.pk == int(wanted)), None)
        if batch is None:
            batch = AllocationBatch.objects.filter(pk=int(wanted)).first()
        if batch is None:
            raise NotFound
    else:
        batch = batches[0] if batches else None
    found = selectors.applications_list(scope=scope, batch=batch)
    page = Paginator(found, selectors.QUEUE_PAGE).get_page(request.GET.get("page"))
    rows = selectors.application_rows(applications=list(page), batch=batch)
    if batch is None:
        _audit_children(request, scope, "applications_pending", "", len(rows))
    else:
        _audit_children(request, scope, "applications", batch.pk, len(rows))
    context = {"page": page, "rows": rows, "batch": batch, "batches": batches}
    template = "vouchers/_applications_table.html" if request.htmx else "vouchers/applications.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: AuthedRequest, group_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.group_get(scope=scope, group_id=group_id)
    require(scope, Action.ENROL, organisation=found.provider.bin)
    form = EnrolForm(request.POST or None, initial={"start_date": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            voucher = selectors.voucher_for_enrolment(iin=form.cleaned_data["iin"])
            if voucher is None:
                form.add_error("iin", _("No child with a live voucher has this IIN."))
            else:
                try:
                    services.enrolment_create(
                        scope=scope, voucher=voucher, group=found, start_date=form.cleaned_data["start_date"]
                    )
                except services.RuleViolation as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Child enrolled."))
                    return redirect("vouchers:group", group_id=found.pk)
    context = {"group": found, "form": form, "enrolled": found.enrolments.filter(end_date=None).count()}
    template = "vouchers/_enrol_form.html" if request.htmx else "vouchers/enrol.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_end(request: AuthedRequest, enrolment_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    found = selectors.enrolment_get(scope=scope, enrolment_id=enrolment_id)
    require(scope, Action.ENROL, organisation=found.group.provider.bin)
    form = EnrolmentEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.enrolment_end(scope=scope, enrolment=found, **form.cleaned_data)
            except services.RuleViolation as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Enrolment ended."))
                return redirect("vouchers:group", group_id=found.group_id)
    _audit(request, found.group.provider.district, "enrolment", found.pk, 1)
    context = {"enrolment": found, "row": selectors.child_row(found.child), "form": form}
    return render(request, "vouchers/enrolment_end.html", context, status=status)
