"""Reads of the voucher programme, every one scoped: what is out of scope answers 404.

Pages carry children's first names and masked IINs only; the views audit every list of children.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from birtizim.reference import DEFAULT_REGION
from birtizim.reference import region as reference_region
from birtizim.vouchers import allocation, payment
from birtizim.vouchers.model import LIVE_VOUCHER_STATUSES, PRIORITY_ORDER, ConfirmationOutcome, MarkKind
from birtizim.vouchers.model import Mark as CoreMark
from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common import labels as common_labels
from birtizim.web.common.errors import NotFound
from birtizim.web.registry.selectors import mask, run_current
from birtizim.web.vouchers import core_tables, flag_labels
from birtizim.web.vouchers.models import (
    AllocationBatch,
    Application,
    Child,
    Confirmation,
    ConfirmationLink,
    Enrolment,
    Flag,
    Group,
    Mark,
    Provider,
    Session,
    Timesheet,
    Voucher,
)


def next_month(period: dt.date) -> dt.date:
    return (period.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# --------------------------------------------------------------------------------------------
# What a scope sees
# --------------------------------------------------------------------------------------------


def providers_visible(*, scope: Scope) -> QuerySet[Provider]:
    if scope.is_provider:
        return Provider.objects.filter(bin=scope.organisation)
    if not may(scope, Action.VOUCHERS_FIGURES):
        return Provider.objects.none()
    if scope.districts is None:
        return Provider.objects.all()
    return Provider.objects.filter(district__in=sorted(scope.districts))


def provider_own(*, scope: Scope) -> Provider:
    require(scope, Action.PROVIDER_WORK)
    found = Provider.objects.filter(bin=scope.organisation).first()
    if found is None:
        raise NotFound("no provider with this organisation's BIN")
    return found


def groups_list(*, scope: Scope) -> QuerySet[Group]:
    require(scope, Action.PROVIDER_READ)
    return (
        Group.objects.filter(provider__in=providers_visible(scope=scope))
        .select_related("programme", "venue", "provider")
        .prefetch_related("schedule")
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__end_date=None)))
    )


def _check(scope: Scope, provider: Provider) -> None:
    if not may(scope, Action.PROVIDER_READ, district=provider.district, organisation=provider.bin):
        raise NotFound


def group_get(*, scope: Scope, group_id: int) -> Group:
    group = Group.objects.select_related("programme", "venue", "provider", "staff").filter(pk=group_id).first()
    if group is None:
        raise NotFound
    _check(scope, group.provider)
    return group


def session_get(*, scope: Scope, session_id: int) -> Session:
    session = Session.objects.select_related("group__provider", "group__programme").filter(pk=session_id).first()
    if session is None:
        raise NotFound
    _check(scope, session.group.provider)
    return session


def timesheet_get(*, scope: Scope, timesheet_id: int) -> Timesheet:
    sheet = Timesheet.objects.select_related("group__programme", "provider").filter(pk=timesheet_id).first()
    if sheet is None:
        raise NotFound
    _check(scope, sheet.provider)
    return sheet


# --------------------------------------------------------------------------------------------
# Groups, sessions, rosters
# --------------------------------------------------------------------------------------------


def enrolled_on(*, group_id: int, day: dt.date) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(group_id=group_id, start_date__lte=day)
        .filter(Q(end_date=None) | Q(end_date__gte=day))
        .select_related("child")
        .order_by("child__first_name", "child__last_name", "id")
    )


def child_row(child: Any) -> dict[str, Any]:
    """What pages show of a child: first name, surname initial, masked IIN."""
    return {
        "child_id": child.pk,
        "first_name": child.first_name,
        "initial": (child.last_name[:1] + ".") if child.last_name else "",
        "iin_masked": mask(child.iin),
    }


def roster(*, session: Session) -> list[dict[str, Any]]:
    marks = {m.enrolment_id: m for m in Mark.objects.filter(session=session)}
    rows = []
    for e in enrolled_on(group_id=session.group_id, day=session.date):
        mark = marks.get(e.pk)
        rows.append(
            {
                **child_row(e.child),
                "enrolment_id": e.pk,
                "kind": mark.kind if mark else "",
                "checked_in_at": mark.checked_in_at if mark else None,
            }
        )
    return rows


def group_sessions(*, group: Group, limit: int = 60) -> list[dict[str, Any]]:
    sessions = (
        Session.objects.filter(group=group)
        .annotate(
            marked=Count("marks"),
            present=Count("marks", filter=Q(marks__kind=MarkKind.PRESENT)),
        )
        .order_by("-date", "-starts_at")[:limit]
    )
    return [{"session": s, "marked": s.marked, "present": s.present} for s in sessions]


# --------------------------------------------------------------------------------------------
# Payment: the core's arithmetic over the month's marks and the parents' answers
# --------------------------------------------------------------------------------------------


@dataclass
class Figures:
    sessions: int = 0
    present: int = 0
    confirmed_present: int = 0
    excused: int = 0
    unexcused: int = 0
    amount: Decimal = Decimal("0.00")
    rate: Decimal = Decimal("0.00")
    lines: list[dict[str, Any]] = field(default_factory=list)


def timesheet_figures(*, timesheet: Timesheet) -> Figures:
    """One line per enrolment: ``payment.compute`` with a present mark paid only in a confirmed month."""
    start, end = timesheet.period, next_month(timesheet.period)
    rate = timesheet.group.programme.rate_per_session
    answers: dict[int, set[str]] = defaultdict(set)
    for enrolment_id, outcome in Confirmation.objects.filter(
        enrolment__group_id=timesheet.group_id, period=start
    ).values_list("enrolment_id", "outcome"):
        answers[enrolment_id].add(outcome)
    marks: dict[int, list[CoreMark]] = defaultdict(list)
    month_marks = Mark.objects.filter(
        session__group_id=timesheet.group_id, session__date__gte=start, session__date__lt=end
    ).values_list("enrolment_id", "kind")
    for enrolment_id, kind in month_marks:
        said = answers.get(enrolment_id, set())
        ok = ConfirmationOutcome.CONFIRMED in said and ConfirmationOutcome.DISPUTED not in said
        marks[enrolment_id].append(CoreMark(MarkKind(kind), confirmed=ok))
    enrolments = {e.pk: e for e in Enrolment.objects.filter(pk__in=list(marks)).select_related("child")}
    figures = Figures(
        sessions=Session.objects.filter(group_id=timesheet.group_id, date__gte=start, date__lt=end).count(), rate=rate
    )
    for enrolment_id, its_marks in sorted(marks.items(), key=lambda kv: enrolments[kv[0]].child.first_name):
        paid = payment.compute(its_marks, rate_per_session=rate)
        said = answers.get(enrolment_id, set())
        figures.lines.append(
            {
                **child_row(enrolments[enrolment_id].child),
                "enrolment_id": enrolment_id,
                "payment": paid,
                "answer": (
                    ConfirmationOutcome.DISPUTED.value
                    if ConfirmationOutcome.DISPUTED in said
                    else ConfirmationOutcome.CONFIRMED.value
                    if said
                    else ""
                ),
            }
        )
        figures.present += paid.present
        figures.confirmed_present += paid.confirmed_present
        figures.excused += paid.excused
        figures.unexcused += paid.unexcused
        figures.amount += paid.amount
    return figures


def timesheet_links(*, scope: Scope, timesheet: Timesheet) -> list[ConfirmationLink]:
    """The month's parent links: only the provider hands them out (each opens a child's month)."""
    if not may(scope, Action.PROVIDER_WORK, organisation=timesheet.provider.bin):
        raise NotFound
    return list(
        ConfirmationLink.objects.filter(enrolment__group_id=timesheet.group_id, period=timesheet.period)
        .select_related("enrolment__child")
        .annotate(answers=Count("confirmations"))
        .order_by("enrolment__child__first_name", "id")
    )


def link_get(*, scope: Scope, link_id: int) -> ConfirmationLink:
    """One parent link, for the club that hands it out."""
    link = ConfirmationLink.objects.select_related("enrolment__group__provider").filter(pk=link_id).first()
    if link is None or not may(scope, Action.PROVIDER_WORK, organisation=link.enrolment.group.provider.bin):
        raise NotFound
    return link


def parent_sessions(*, link: ConfirmationLink) -> list[dict[str, Any]]:
    """The sessions of the link's month as the parent sees them: date, time, the mark."""
    start, end = link.period, next_month(link.period)
    rows = (
        Mark.objects.filter(enrolment_id=link.enrolment_id, session__date__gte=start, session__date__lt=end)
        .select_related("session")
        .order_by("session__date", "session__starts_at")
    )
    return [{"date": m.session.date, "starts_at": m.session.starts_at, "kind": m.kind} for m in rows]


# --------------------------------------------------------------------------------------------
# Akimat: verification queue, dashboard, flags, allocation queue
# --------------------------------------------------------------------------------------------

REVIEW_STATUSES = ("submitted", "parent_confirmed", "verified", "approved")


def timesheets_for_review(*, scope: Scope, status: str = "") -> QuerySet[Timesheet]:
    require(scope, Action.PEOPLE_READ)
    found = Timesheet.objects.filter(provider__in=providers_visible(scope=scope)).select_related(
        "group__programme", "provider"
    )
    return found.filter(status=status) if status else found.filter(status__in=REVIEW_STATUSES)


def flags_list(*, scope: Scope, code: str = "", status: str = "") -> QuerySet[Flag]:
    require(scope, Action.CASES_READ)
    found = Flag.objects.all()
    if scope.districts is not None:
        found = found.filter(district__in=sorted(scope.districts))
    if code:
        found = found.filter(code=code)
    if status:
        found = found.filter(status=status)
    return found


def flag_get(*, scope: Scope, flag_id: int) -> Flag:
    flag = flags_list(scope=scope).filter(pk=flag_id).first()
    if flag is None:
        raise NotFound
    return flag


def queue_get(*, scope: Scope) -> dict[str, Any]:
    """Queue figures: counts only, no child, so every akimat role may read them."""
    require(scope, Action.VOUCHERS_FIGURES)
    apps = Application.objects.aggregate(
        total=Count("id"),
        pending=Count("id", filter=Q(batch=None)),
        ranked=Count("id", filter=Q(rank__isnull=False)),
        allocated=Count("id", filter=Q(allocated=True)),
        duplicates=Count("id", filter=Q(duplicate_of__isnull=False)),
    )
    vouchers = dict(Voucher.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {"applications": apps, "vouchers": vouchers, "batches": list(AllocationBatch.objects.all()[:10])}


def flag_subject(*, scope: Scope, flag: Flag) -> dict[str, Any]:
    """What the flag points at, for the case worker: the children (masked), groups and providers involved.

    A case is its provider's district's, but the child it is about may live elsewhere (a Talgar club
    enrolling a Karasay child): the scope decides each record shown, as on every other page. Children
    outside it are counted, not shown (``others``), so the case worker knows to ask that district.
    """
    children: list[Child] = []
    groups: QuerySet[Group] = Group.objects.none()
    kind, entity = flag.entity_kind, flag.entity_id
    if kind == "child":
        children = list(Child.objects.filter(pk=entity))
    elif kind == "enrolment":
        e = Enrolment.objects.select_related("child").filter(pk=entity).first()
        if e is not None:
            children, groups = [e.child], Group.objects.filter(enrolments__pk=entity)
    elif kind in ("group", "group_month"):
        groups = Group.objects.filter(pk=entity)
    elif kind == "session":
        groups = Group.objects.filter(sessions__pk=entity)
    elif kind == "timesheet":
        groups = Group.objects.filter(timesheets__pk=entity)
    elif kind == "parent":
        children = list(Child.objects.filter(parent_id=entity).order_by("id"))
    visible = providers_visible(scope=scope)
    shown = [c for c in children if scope.covers(c.district)]
    return {
        "children": [child_row(c) for c in shown],
        "others": len(children) - len(shown),
        "groups": list(groups.filter(provider__in=visible)),
        "providers": list(visible.filter(pk__in=flag.provider_ids)),
    }


def _child_name(child: Child) -> str:
    return f"{child.first_name} {child.last_name[:1] + '.' if child.last_name else ''}".strip()


def flag_rows(*, scope: Scope, flags: list[Flag]) -> tuple[list[dict[str, Any]], int]:
    """Each case with what it is about and its evidence in the reader's words: groups and children by
    name, not by the register's ids (a few queries for the whole page, not one per case); and how many
    children it names, for the audit log.

    Names follow the scope as everywhere: a group of a provider the reader does not see, or a child of
    a district outside theirs, is said to be another district's.
    """
    kind_ids: dict[str, set[int]] = defaultdict(set)
    group_ids: set[int] = set()
    for f in flags:
        kind_ids[f.entity_kind].add(int(f.entity_id))
        facts = f.facts or {}
        named = [facts.get(k) for k in ("group", "group_a", "group_b")] + list(facts.get("groups") or [])
        group_ids.update(g for g in named if isinstance(g, int))
    enrolments = {e.pk: e for e in Enrolment.objects.select_related("child").filter(pk__in=kind_ids["enrolment"])}
    sessions = {s.pk: s for s in Session.objects.filter(pk__in=kind_ids["session"])}
    sheets = {t.pk: t for t in Timesheet.objects.filter(pk__in=kind_ids["timesheet"])}
    group_ids |= {e.group_id for e in enrolments.values()} | {s.group_id for s in sessions.values()}
    group_ids |= {t.group_id for t in sheets.values()} | kind_ids["group"] | kind_ids["group_month"]
    visible = set(providers_visible(scope=scope).values_list("pk", flat=True))
    groups = {g.pk: g for g in Group.objects.filter(pk__in=group_ids)}
    children = {c.pk: c for c in Child.objects.filter(pk__in=kind_ids["child"])}
    by_parent: dict[int, list[Child]] = defaultdict(list)
    for c in Child.objects.filter(parent_id__in=kind_ids["parent"]).order_by("id"):
        by_parent[int(c.parent_id or 0)].append(c)
    shown = 0

    def group(gid: Any) -> str:
        found = groups.get(gid) if isinstance(gid, int) else None
        if found is None:
            return str(flag_labels.UNKNOWN)
        return f"«{found.name}»" if found.provider_id in visible else str(flag_labels.OTHER_GROUP)

    def child(c: Child | None) -> str:
        nonlocal shown
        if c is None:
            return str(flag_labels.UNKNOWN)
        if not scope.covers(c.district):
            return str(flag_labels.OTHER_CHILD)
        shown += 1
        return _child_name(c)

    out = []
    for f in flags:
        kind, entity = f.entity_kind, int(f.entity_id)
        month = f.period.strftime("%m.%Y") if f.period else ""
        if kind == "child":
            subject = child(children.get(entity))
        elif kind == "enrolment" and (e := enrolments.get(entity)) is not None:
            subject = str(flag_labels.SUBJECT["enrolment"]) % {"child": child(e.child), "group": group(e.group_id)}
        elif kind == "group":
            subject = group(entity)
        elif kind == "group_month":
            subject = str(flag_labels.SUBJECT["group_month"]) % {"group": group(entity), "month": month}
        elif kind == "session" and (s := sessions.get(entity)) is not None:
            date = s.date.strftime("%d.%m.%Y")
            subject = str(flag_labels.SUBJECT["session"]) % {"group": group(s.group_id), "date": date}
        elif kind == "timesheet" and (t := sheets.get(entity)) is not None:
            period = t.period.strftime("%m.%Y")
            subject = str(flag_labels.SUBJECT["timesheet"]) % {"group": group(t.group_id), "month": period}
        elif kind == "parent" and by_parent.get(entity):
            names = ", ".join(child(c) for c in by_parent[entity])
            subject = str(flag_labels.SUBJECT["parent"]) % {"children": names}
        else:
            subject = str(flag_labels.UNKNOWN)
        text = flag_labels.evidence(f.code, f.facts or {}, group, fallback=f.evidence)
        out.append({"flag": f, "subject": subject, "evidence": text})
    return out, shown


# --------------------------------------------------------------------------------------------
# Children, applications, vouchers, enrolments (the register's pages)
# --------------------------------------------------------------------------------------------

QUEUE_PAGE = 50


def district_choices(*, scope: Scope) -> list[tuple[str, str]]:
    """The current run's region's districts this scope covers, as (code, name in the active language)."""
    run = run_current()
    code = (run.region if run is not None and run.region else "") or DEFAULT_REGION
    return [
        (d.code, common_labels.district_name(d.code)) for d in reference_region(code).districts if scope.covers(d.code)
    ]


def children_list(*, scope: Scope, q: str = "") -> QuerySet[Child]:
    """Registered children of the scope's districts, with their live voucher's status; ``q``: an IIN or a first name."""
    require(scope, Action.PEOPLE_READ)
    found = Child.objects.all()
    if scope.districts is not None:
        found = found.filter(district__in=sorted(scope.districts))
    q = q.strip()
    if q.isdigit():
        found = found.filter(iin=q)
    elif q:
        found = found.filter(first_name__icontains=q)
    live = Voucher.objects.filter(child=OuterRef("pk"), status__in=sorted(s.value for s in LIVE_VOUCHER_STATUSES))
    return found.annotate(voucher_status=Subquery(live.values("status")[:1])).order_by("first_name", "last_name", "id")


def child_get(*, scope: Scope, child_id: int) -> Child:
    require(scope, Action.PEOPLE_READ)
    child = Child.objects.select_related("parent").filter(pk=child_id).first()
    if child is None or not scope.covers(child.district):
        raise NotFound
    return child


def child_file(*, child: Child) -> dict[str, Any]:
    """The child's applications, vouchers and enrolments, newest first."""
    return {
        "applications": list(child.applications.select_related("batch").order_by("-applied_at", "-id")),
        "vouchers": list(child.vouchers.order_by("-issued_on", "-id")),
        "enrolments": list(
            child.enrolments.select_related("group__provider", "group__programme").order_by("-start_date", "-id")
        ),
    }


def voucher_get(*, scope: Scope, voucher_id: int) -> Voucher:
    require(scope, Action.PEOPLE_READ)
    voucher = Voucher.objects.select_related("child").filter(pk=voucher_id).first()
    if voucher is None or not scope.covers(voucher.child.district):
        raise NotFound
    return voucher


def voucher_for_enrolment(*, iin: str) -> Voucher | None:
    """The live voucher of the child with this IIN (the parent brings it to the club); None if there is none.

    A provider sees no register: the IIN the parent gives is the only way in, and a wrong one finds nothing.
    """
    return (
        Voucher.objects.select_related("child")
        .filter(child__iin=iin, status__in=sorted(s.value for s in LIVE_VOUCHER_STATUSES))
        .first()
    )


def enrolment_get(*, scope: Scope, enrolment_id: int) -> Enrolment:
    found = (
        Enrolment.objects.select_related("child", "group__provider", "group__programme").filter(pk=enrolment_id).first()
    )
    if found is None:
        raise NotFound
    _check(scope, found.group.provider)
    return found


def batch_choices() -> list[AllocationBatch]:
    return list(AllocationBatch.objects.all()[:20])


def applications_list(*, scope: Scope, batch: AllocationBatch | None) -> QuerySet[Application]:
    """The applications of one batch in rank order (duplicates last), or those waiting for the next (None)."""
    require(scope, Action.PEOPLE_READ)
    found = Application.objects.select_related("child", "batch")
    if scope.districts is not None:
        found = found.filter(child__district__in=sorted(scope.districts))
    if batch is None:
        return found.filter(batch=None).order_by("applied_at", "id")
    return found.filter(batch=batch).order_by(F("rank").asc(nulls_last=True), "applied_at", "id")


def application_rows(*, applications: list[Application], batch: AllocationBatch | None) -> list[dict[str, Any]]:
    """Each application with the queue's keys from the core's ``allocation.rank``: tier, day bucket, lottery.

    The keys of a row depend on its own child, time and categories and the batch's salt only, so the
    core computes them for the rows shown; the rank is the one stored when the batch ran.
    """
    keys: dict[int, dict[str, Any]] = {}
    if applications:
        table = core_tables.queue([(a.pk, a.child_id, a.applied_at, a.priorities) for a in applications])
        hours = batch.time_bucket_hours if batch is not None else 24
        salt = batch.salt if batch is not None else "-"  # no batch yet: no lottery to show
        for row in allocation.rank(table, salt=salt, time_bucket=dt.timedelta(hours=hours)).to_pylist():
            keys[row["application_id"]] = row
    last_tier = len(PRIORITY_ORDER)
    rows = []
    for a in applications:
        key = keys.get(a.pk, {})
        tier = key.get("tier", last_tier)
        rows.append(
            {
                **child_row(a.child),
                "application_id": a.pk,
                "applied_at": a.applied_at,
                "tier": tier,
                "category": PRIORITY_ORDER[tier].value if tier < last_tier else "",
                "bucket": key.get("bucket"),
                "lottery": key.get("lottery", "") if batch is not None else "",
                "rank": a.rank,
                "allocated": a.allocated,
                "duplicate_of": a.duplicate_of_id,
            }
        )
    return rows
