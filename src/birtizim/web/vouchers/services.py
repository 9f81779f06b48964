"""Writes of the voucher programme, each a thin shell around the core's rules.

Statuses change with a conditional UPDATE (``filter(id=x, status=current).update(status=new)``)
after the core's rule allowed the move, so two clerks acting at once cannot both succeed. Every
function takes the actor's scope and refuses what it does not cover: NotAllowed (403) for the role,
NotFound (404) for a record outside the scope.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Container, Mapping
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from birtizim.vouchers import allocation, links, rules
from birtizim.vouchers import model as core
from birtizim.vouchers.flags import Thresholds
from birtizim.vouchers.model import LIVE_VOUCHER_STATUSES, MarkKind, TimesheetStatus, VoucherStatus
from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common.errors import NotAllowed, NotFound
from birtizim.web.vouchers import core_tables, selectors, tokens
from birtizim.web.vouchers.models import (
    AllocationBatch,
    Application,
    CaseNote,
    Child,
    Confirmation,
    ConfirmationLink,
    Enrolment,
    Flag,
    Group,
    Mark,
    Parent,
    Session,
    Timesheet,
    TimesheetEvent,
    Voucher,
    validate_iin,
)

log = logging.getLogger("birtizim.web.vouchers")
LIVE = sorted(s.value for s in LIVE_VOUCHER_STATUSES)
RuleViolation = rules.RuleViolation
# Python 3.11 raises on ``"text" in SomeStrEnum``: membership is checked against the values.
MARK_KINDS = frozenset(k.value for k in MarkKind)
OUTCOMES = frozenset(o.value for o in core.ConfirmationOutcome)
PRIORITIES = frozenset(p.value for p in core.Priority)
MAX_CLUBS = Thresholds().max_clubs  # groups a child may attend at once; more is the too_many_clubs flag


def _day(day: dt.date | None) -> str:
    """A date in a refusal, written as the pages write dates."""
    return f"{day:%d.%m.%Y}" if day else "–"


# --------------------------------------------------------------------------------------------
# Children, applications, the allocation queue, vouchers
# --------------------------------------------------------------------------------------------


def child_register(
    *,
    iin: str,
    last_name: str,
    first_name: str,
    birth_date: dt.date,
    district: str,
    sex: str = "",
    parent: Parent | None = None,
    parent_contact: str = "",
    priority: str = "",
    on: dt.date | None = None,
) -> Child:
    """A child in the voucher register: a valid IIN, aged 4-17 on ``on`` (today by default).

    ``parent_contact`` (a phone or e-mail) records a new parent when ``parent`` is not given.
    """
    try:
        validate_iin(iin)
    except ValidationError:
        raise RuleViolation(_("not a valid IIN")) from None
    age = core.age(birth_date, on or timezone.localdate())
    if not core.AGE_MIN <= age < core.AGE_LIMIT:
        raise RuleViolation(
            _("a voucher is for children aged %(low)s-%(high)s, not %(age)s")
            % {"low": core.AGE_MIN, "high": core.AGE_LIMIT - 1, "age": age}
        )
    if priority and priority not in PRIORITIES:
        raise RuleViolation(_("unknown priority category “%(code)s”") % {"code": priority})
    if Child.objects.filter(iin=iin).exists():
        raise RuleViolation(_("a child with this IIN is already registered"))
    if parent is None and parent_contact.strip():
        parent = Parent.objects.create(contact=parent_contact.strip())
    return Child.objects.create(
        iin=iin,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        sex=sex,
        district=district,
        parent=parent,
        priority=priority,
    )


def application_create(*, child: Child, applied_at: dt.datetime, priorities: list[str] | None = None) -> Application:
    chosen = priorities if priorities is not None else ([child.priority] if child.priority else [])
    return Application.objects.create(child=child, applied_at=applied_at, priorities=chosen)


@transaction.atomic
def application_take(*, scope: Scope, child: Child, applied_at: dt.datetime | None = None) -> Application:
    """Put the child in the queue for the next batch with their priority category.

    Refused while the child holds a live voucher or already waits for the next batch: a second
    application would only be ranked as a duplicate.
    """
    if not may(scope, Action.PEOPLE_READ) or not scope.covers(child.district):
        raise NotFound
    require(scope, Action.CHILD_REGISTER, district=child.district)
    Child.objects.select_for_update().filter(pk=child.pk).first()  # two clerks at once: one application
    if Voucher.objects.filter(child=child, status__in=LIVE).exists():
        raise RuleViolation(_("the child already holds a live voucher"))
    if Application.objects.filter(child=child, batch=None).exists():
        raise RuleViolation(_("the child's application already waits for the next batch"))
    return application_create(child=child, applied_at=applied_at or timezone.now())


@transaction.atomic
def allocation_run(
    *,
    scope: Scope,
    user: User | None,
    vouchers: int,
    valid_until: dt.date,
    nominal_value: Decimal,
    salt: str = "",
    time_bucket_hours: int = 24,
    today: dt.date | None = None,
) -> AllocationBatch:
    """Rank every application not yet in a batch with the core's ``allocate`` and issue the vouchers.

    No first-click race: the order depends on priority, the day of application and a published
    lottery, never on who clicked first. Two batches started at once cannot rank the same
    application: each claims its applications with a conditional UPDATE (``batch IS NULL``).
    """
    require(scope, Action.RUN)
    if vouchers < 0:
        raise RuleViolation(_("the number of vouchers cannot be negative"))
    salt = salt or secrets.token_hex(16)
    batch = AllocationBatch.objects.create(
        created_by=user,
        salt=salt,
        salt_sha256=hashlib.sha256(salt.encode("utf-8")).hexdigest(),
        time_bucket_hours=time_bucket_hours,
        vouchers=vouchers,
        nominal_value=nominal_value,
        valid_until=valid_until,
    )
    Application.objects.filter(batch=None).update(batch=batch)
    claimed = list(Application.objects.filter(batch=batch).values_list("id", "child_id", "applied_at", "priorities"))
    # A child holding a live voucher is not ranked again: one voucher per child.
    holders = set(
        Voucher.objects.filter(status__in=LIVE, child__applications__batch=batch).values_list("child_id", flat=True)
    )
    ranked_rows = [r for r in claimed if r[1] not in holders]
    result = allocation.allocate(
        core_tables.queue(ranked_rows), vouchers=vouchers, salt=salt, time_bucket=dt.timedelta(hours=time_bucket_hours)
    ).to_pylist()
    by_id = {a.pk: a for a in Application.objects.filter(batch=batch)}
    winners: list[int] = []
    for row in result:
        app = by_id[row["application_id"]]
        app.rank = row["rank"]
        app.allocated = bool(row["allocated"])
        app.duplicate_of_id = row["duplicate_of"]
        if app.allocated:
            winners.append(app.child_id)
    for app in by_id.values():
        if app.child_id in holders:
            app.allocated = False
    Application.objects.bulk_update(by_id.values(), ["rank", "allocated", "duplicate_of"], batch_size=500)
    issued_on = today or timezone.localdate()
    Voucher.objects.bulk_create(
        Voucher(
            child_id=c,
            status=VoucherStatus.ISSUED.value,
            issued_on=issued_on,
            valid_until=valid_until,
            nominal_value=nominal_value,
            batch=batch,
        )
        for c in winners
    )
    batch.ranked = sum(1 for r in result if r["rank"] is not None)
    batch.allocated = len(winners)
    batch.save(update_fields=["ranked", "allocated"])
    log.info("allocation batch %s: %s ranked, %s allocated", batch.pk, batch.ranked, batch.allocated)
    return batch


def _core_voucher(v: Voucher) -> core.Voucher:
    return core.Voucher(v.pk, v.child_id, VoucherStatus(v.status), v.nominal_value, v.valid_until)


def voucher_change(*, voucher: Voucher, target: str) -> Voucher:
    """Move a voucher along the core's transitions, with a conditional update against races."""
    siblings = [_core_voucher(v) for v in Voucher.objects.filter(child_id=voucher.child_id).exclude(pk=voucher.pk)]
    changed = rules.change_voucher(_core_voucher(voucher), VoucherStatus(target), siblings)
    try:
        with transaction.atomic():
            updated = Voucher.objects.filter(pk=voucher.pk, status=voucher.status).update(status=changed.status.value)
    except IntegrityError:
        raise RuleViolation(_("the child already holds a live voucher")) from None
    if not updated:
        raise RuleViolation(_("the voucher changed meanwhile; reload and try again"))
    voucher.status = changed.status.value
    return voucher


def voucher_issue(*, child: Child, valid_until: dt.date, nominal_value: Decimal, on: dt.date | None = None) -> Voucher:
    """One voucher outside a batch (a transfer from another region, a court order): still one per child."""
    rules.ensure_can_issue(child.pk, [_core_voucher(v) for v in Voucher.objects.filter(child=child)])
    try:
        with transaction.atomic():
            return Voucher.objects.create(
                child=child,
                status=VoucherStatus.ISSUED.value,
                issued_on=on or timezone.localdate(),
                valid_until=valid_until,
                nominal_value=nominal_value,
            )
    except IntegrityError:  # another clerk issued one between the check and the insert
        raise RuleViolation(_("the child already holds a live voucher")) from None


@transaction.atomic
def enrolment_create(*, scope: Scope, voucher: Voucher, group: Group, start_date: dt.date) -> Enrolment:
    """Enrol the voucher's child: the voucher follows the child; an accepted one becomes active.

    Refused outside the programme's age range, into a full group, into a group the child is already
    in, or beyond ``MAX_CLUBS`` groups at once (the too_many_clubs flag's limit).
    """
    if not may(scope, Action.ENROL, organisation=group.provider.bin):
        raise NotFound
    Group.objects.select_for_update().filter(pk=group.pk).first()  # the capacity check holds until commit
    child = voucher.child
    age = core.age(child.birth_date, start_date)
    programme = group.programme
    if not programme.age_min <= age <= programme.age_max:
        raise RuleViolation(
            _("the group is for ages %(low)s-%(high)s, the child is %(age)s")
            % {"low": programme.age_min, "high": programme.age_max, "age": age}
        )
    open_now = Enrolment.objects.filter(group=group, end_date=None).count()
    if open_now >= group.capacity:
        raise RuleViolation(_("the group is full (places: %(n)s)") % {"n": group.capacity})
    current = set(
        Enrolment.objects.filter(child=child)
        .filter(Q(end_date=None) | Q(end_date__gte=start_date))
        .values_list("group_id", flat=True)
    )
    if group.pk in current:
        raise RuleViolation(_("the child is already enrolled in this group"))
    if len(current) >= MAX_CLUBS:
        raise RuleViolation(
            _("the child already attends groups: %(n)s; at most %(max)s at once")
            % {"n": len(current), "max": MAX_CLUBS}
        )
    active, _event = rules.enrol(_core_voucher(voucher), enrolment_id=0, group_id=group.pk, start_date=start_date)
    if active.status.value != voucher.status:
        voucher_change(voucher=voucher, target=active.status.value)
    return Enrolment.objects.create(child=child, voucher=voucher, group=group, start_date=start_date)


LEAVE_REASONS = frozenset(r.value for r in core.LeaveReason)


def enrolment_end(*, scope: Scope, enrolment: Enrolment, end_date: dt.date, reason: str) -> Enrolment:
    """End an open enrolment on ``end_date`` (inclusive) with a reason for leaving.

    Refused before the start or before a session already marked for the child (the marks would
    fall outside the enrolment); the conditional update refuses a second clerk ending it too.
    """
    if not may(scope, Action.ENROL, organisation=enrolment.group.provider.bin):
        raise NotFound
    if reason not in LEAVE_REASONS:
        raise RuleViolation(_("unknown reason for leaving “%(code)s”") % {"code": reason})
    if enrolment.end_date is not None:
        raise RuleViolation(_("the enrolment already ended on %(day)s") % {"day": _day(enrolment.end_date)})
    if end_date < enrolment.start_date:
        raise RuleViolation(
            _("the enrolment started on %(day)s, it cannot end before") % {"day": _day(enrolment.start_date)}
        )
    last = Mark.objects.filter(enrolment=enrolment, session__date__gt=end_date).order_by("-session__date").first()
    if last is not None:
        raise RuleViolation(
            _("the child has a mark on %(mark)s, after %(end)s")
            % {"mark": _day(last.session.date), "end": _day(end_date)}
        )
    if not Enrolment.objects.filter(pk=enrolment.pk, end_date=None).update(end_date=end_date, leave_reason=reason):
        raise RuleViolation(_("the enrolment changed meanwhile; reload and try again"))
    enrolment.end_date, enrolment.leave_reason = end_date, reason
    return enrolment


# --------------------------------------------------------------------------------------------
# Sessions and attendance
# --------------------------------------------------------------------------------------------


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def timesheet_open(*, group: Group, period: dt.date) -> Timesheet:
    """The group's timesheet for the month (the first one, should an import have left two)."""
    period = _month(period)
    found = Timesheet.objects.filter(group=group, period=period).order_by("created_at", "id").first()
    if found is not None:
        return found
    return Timesheet.objects.create(
        group=group, provider_id=group.provider_id, period=period, created_at=timezone.now()
    )


def _require_draft(group: Group, day: dt.date) -> Timesheet:
    sheet = timesheet_open(group=group, period=day)
    if sheet.status != TimesheetStatus.DRAFT:
        raise RuleViolation(
            _("the timesheet for %(month)s is %(status)s: its marks are closed")
            % {"month": f"{day:%m.%Y}", "status": sheet.get_status_display()}
        )
    return sheet


def session_create(*, scope: Scope, group: Group, date: dt.date, start: dt.time, minutes: int) -> Session:
    if not may(scope, Action.PROVIDER_WORK, organisation=group.provider.bin):
        raise NotFound
    if not 15 <= minutes <= 240:
        raise RuleViolation(_("a session lasts from 15 minutes to 4 hours"))
    _require_draft(group, date)
    zone = timezone.get_current_timezone()
    begin = dt.datetime.combine(date, start, tzinfo=zone)
    return Session.objects.create(
        group=group, date=date, starts_at=begin, ends_at=begin + dt.timedelta(minutes=minutes)
    )


@transaction.atomic
def marks_record(
    *,
    scope: Scope,
    user: User,
    session: Session,
    kinds: Mapping[int, str],
    checked_in: Mapping[int, dt.datetime | None] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Save the session's marks, ``kinds`` by enrolment id; returns how many were saved.

    Only the group's own provider marks, only children enrolled on the session's day, and only
    while the month's timesheet is a draft (once submitted, parents confirm what they were shown).
    """
    if not may(scope, Action.PROVIDER_WORK, organisation=session.group.provider.bin):
        raise NotFound
    _require_draft(session.group, session.date)
    enrolled = {e.pk: e for e in selectors.enrolled_on(group_id=session.group_id, day=session.date)}
    unknown = set(kinds) - set(enrolled)
    if unknown:
        raise RuleViolation(
            _("some children are not enrolled in this group on %(day)s: reload the page") % {"day": _day(session.date)}
        )
    bad = {k for k in kinds.values() if k not in MARK_KINDS}
    if bad:
        raise RuleViolation(_("unknown marks: %(marks)s") % {"marks": ", ".join(sorted(bad))})
    now = now or timezone.now()
    checked_in = checked_in or {}
    existing = {m.enrolment_id: m for m in Mark.objects.filter(session=session, enrolment_id__in=list(kinds))}
    new: list[Mark] = []
    for enrolment_id, kind in kinds.items():
        at = checked_in.get(enrolment_id) if kind == MarkKind.PRESENT else None
        mark = existing.get(enrolment_id)
        if mark is None:
            new.append(
                Mark(
                    session=session,
                    enrolment_id=enrolment_id,
                    child_id=enrolled[enrolment_id].child_id,
                    kind=kind,
                    checked_in_at=at,
                    entered_at=now,
                    entered_by=user,
                )
            )
        elif mark.kind != kind or mark.checked_in_at != at:
            mark.kind, mark.checked_in_at, mark.entered_at, mark.entered_by = kind, at, now, user
            mark.save(update_fields=["kind", "checked_in_at", "entered_at", "entered_by"])
    Mark.objects.bulk_create(new)
    _freeze_after_absences([enrolled[e] for e, k in kinds.items() if k == MarkKind.UNEXCUSED_ABSENCE])
    return len(kinds)


def _freeze_after_absences(enrolments: list[Enrolment]) -> None:
    """The core's absence rule over each voucher's marks in every group: a run of unexcused absences freezes it.

    Excused absences keep the voucher (an ill child is not penalised); any presence resets the run.
    """
    for voucher_id in {e.voucher_id for e in enrolments}:
        history = Mark.objects.filter(enrolment__voucher_id=voucher_id).order_by("session__starts_at", "id")
        kinds = [MarkKind(k) for k in history.values_list("kind", flat=True)]
        if rules.absence_action(kinds) is VoucherStatus.FROZEN:
            voucher = Voucher.objects.get(pk=voucher_id)
            if voucher.status == VoucherStatus.ACTIVE:
                voucher_change(voucher=voucher, target=VoucherStatus.FROZEN.value)


# --------------------------------------------------------------------------------------------
# Timesheets
# --------------------------------------------------------------------------------------------


def timesheet_may_move(scope: Scope, sheet: Timesheet, target: TimesheetStatus) -> bool:
    provider = sheet.provider
    if target is TimesheetStatus.SUBMITTED:
        return may(scope, Action.PROVIDER_WORK, organisation=provider.bin)
    if target in (TimesheetStatus.APPROVED, TimesheetStatus.PAID):
        return may(scope, Action.TIMESHEET_APPROVE)
    # parent_confirmed (closing the window early), verified, and sending back to draft
    return may(scope, Action.TIMESHEET_VERIFY, district=provider.district)


def _links_issue(sheet: Timesheet, now: dt.datetime) -> int:
    """One link per enrolment with a present mark in the month (the only months that can be paid)."""
    start = sheet.period
    end = selectors.next_month(start)
    enrolments = (
        Enrolment.objects.filter(
            group_id=sheet.group_id,
            marks__kind=MarkKind.PRESENT,
            marks__session__date__gte=start,
            marks__session__date__lt=end,
        )
        .exclude(links__period=start)
        .select_related("child")
        .distinct()
    )
    created = ConfirmationLink.objects.bulk_create(
        ConfirmationLink(
            enrolment=e,
            parent_id=e.child.parent_id,
            timesheet=sheet,
            period=start,
            nonce=secrets.token_urlsafe(16),
            sent_at=now,
            expires_at=now + links.DEFAULT_TTL,
        )
        for e in enrolments
    )
    return len(created)


def _store_figures(sheet: Timesheet) -> None:
    figures = selectors.timesheet_figures(timesheet=sheet)
    sheet.sessions = figures.sessions
    sheet.present = figures.present
    sheet.confirmed_present = figures.confirmed_present
    sheet.amount = figures.amount
    sheet.save(update_fields=["sessions", "present", "confirmed_present", "amount"])


@transaction.atomic
def timesheet_transition(
    *, scope: Scope | None, user: User | None, timesheet: Timesheet, target: str, note: str = ""
) -> Timesheet:
    """Move a month along draft -> submitted -> parent_confirmed -> verified -> approved -> paid.

    ``scope`` None is the system itself (the last parent answered). Figures are recomputed with
    the core's payment at every step and frozen from approval on: what is paid is what was approved.
    """
    wanted = TimesheetStatus(target)
    if scope is not None and not timesheet_may_move(scope, timesheet, wanted):
        if may(scope, Action.PROVIDER_READ, district=timesheet.provider.district, organisation=timesheet.provider.bin):
            raise NotAllowed
        raise NotFound
    current = TimesheetStatus(timesheet.status)
    rules.timesheet_transition(current, wanted)
    now = timezone.now()
    if not Timesheet.objects.filter(pk=timesheet.pk, status=current.value).update(status=wanted.value):
        raise RuleViolation(_("the timesheet changed meanwhile; reload and try again"))
    timesheet.status = wanted.value
    if wanted is TimesheetStatus.SUBMITTED:
        _links_issue(timesheet, now)
    if wanted is not TimesheetStatus.PAID:
        _store_figures(timesheet)
    TimesheetEvent.objects.create(
        timesheet=timesheet, from_status=current.value, to_status=wanted.value, by=user, note=note.strip()
    )
    return timesheet


# --------------------------------------------------------------------------------------------
# Parents' confirmations
# --------------------------------------------------------------------------------------------


class _UsedNonces(Container[str]):
    """``links.redeem``'s view of the used nonces: asks the database for the one nonce it checks."""

    def __contains__(self, nonce: object) -> bool:
        return Confirmation.objects.filter(nonce=str(nonce)).exists()


def link_open(*, token: str, now: dt.datetime | None = None) -> tuple[links.LinkPayload, ConfirmationLink]:
    """The genuine, unexpired, unused link behind ``token``; raises a ``links.LinkError`` otherwise."""
    payload = links.redeem(token, secret=tokens.secret(), used_nonces=_UsedNonces(), now=now)
    link = (
        ConfirmationLink.objects.select_related("enrolment__child", "enrolment__group__programme", "timesheet")
        .filter(nonce=payload.nonce)
        .first()
    )
    if link is None and payload.period is not None:
        # A reissue gives the record a new nonce and a later expiry: a genuine token that expires before
        # the record does is the old link; one that does not was never issued (forged, below).
        current = ConfirmationLink.objects.filter(
            enrolment_id=payload.enrolment_id, period=dt.date.fromisoformat(f"{payload.period}-01")
        ).first()
        if current is not None and payload.expires_at < int(current.expires_at.timestamp()):
            raise links.ReplacedLink("a newer link for this child and month replaced this one")
    # Signed by us but not (or no longer) on record, or pointing elsewhere than its record: refuse.
    if (
        link is None
        or link.enrolment_id != payload.enrolment_id
        or link.enrolment.group_id != payload.group_id
        or payload.period != f"{link.period:%Y-%m}"
    ):
        raise links.ForgedLink("this link is not on record")
    return payload, link


@transaction.atomic
def link_reissue(*, scope: Scope, link_id: int, now: dt.datetime | None = None) -> ConfirmationLink:
    """A new link for the same child and month (the parent lost it, or it expired): a new nonce and a new
    expiry on the same record, so the old link is refused from now on (``links.ReplacedLink``).

    Only the club that hands the links out reissues them, and only while the month waits for the
    parents' answers and this parent has not answered.
    """
    link = ConfirmationLink.objects.select_related("timesheet", "enrolment__group__provider").filter(pk=link_id).first()
    if link is None or not may(scope, Action.PROVIDER_WORK, organisation=link.enrolment.group.provider.bin):
        raise NotFound
    if link.confirmations.exists():
        raise RuleViolation(_("The parent has already answered for this month: there is nothing to reissue."))
    if link.timesheet is not None and link.timesheet.status != TimesheetStatus.SUBMITTED:
        raise RuleViolation(_("Links are reissued only while the month waits for the parents' answers."))
    now = now or timezone.now()
    updated = ConfirmationLink.objects.filter(pk=link.pk, nonce=link.nonce).update(
        nonce=secrets.token_urlsafe(16), sent_at=now, expires_at=now + links.DEFAULT_TTL
    )
    if not updated:
        raise RuleViolation(_("The link changed meanwhile; reload the page."))
    link.refresh_from_db()
    return link


def confirmation_record(*, token: str, outcome: str, comment: str = "", now: dt.datetime | None = None) -> Confirmation:
    """The parent's answer; the link's nonce goes in with it under UNIQUE, so the link works once."""
    if outcome not in OUTCOMES:
        raise RuleViolation(_("unknown answer “%(code)s”") % {"code": outcome})
    payload, link = link_open(token=token, now=now)
    shown = selectors.parent_sessions(link=link)
    try:
        with transaction.atomic():
            confirmation = Confirmation.objects.create(
                link=link,
                enrolment_id=link.enrolment_id,
                parent_id=link.parent_id,
                period=link.period,
                outcome=outcome,
                responded_at=now or timezone.now(),
                nonce=payload.nonce,
                present_shown=sum(1 for s in shown if s["kind"] == MarkKind.PRESENT),
                comment=comment.strip()[:1000],
            )
    except IntegrityError:  # a second click that passed the check while the first was saving
        raise links.ReusedLink("this link was already used") from None
    sheet = link.timesheet
    if (
        sheet is not None
        and sheet.status == TimesheetStatus.SUBMITTED
        and not ConfirmationLink.objects.filter(timesheet=sheet, confirmations=None).exists()
    ):
        # Every parent answered: the window closes by itself (unless a clerk moved the month meanwhile).
        with contextlib.suppress(RuleViolation):
            timesheet_transition(
                scope=None, user=None, timesheet=sheet, target=TimesheetStatus.PARENT_CONFIRMED, note="all answered"
            )
    return confirmation


# --------------------------------------------------------------------------------------------
# Fraud flags: cases
# --------------------------------------------------------------------------------------------

FLAG_TRANSITIONS: Mapping[str, frozenset[str]] = {
    Flag.Status.OPEN: frozenset({Flag.Status.INVESTIGATING, Flag.Status.DISMISSED}),
    Flag.Status.INVESTIGATING: frozenset({Flag.Status.CONFIRMED, Flag.Status.DISMISSED}),
    Flag.Status.CONFIRMED: frozenset(),  # a finding: corrections go in notes
    Flag.Status.DISMISSED: frozenset(),
}


@transaction.atomic
def flag_case_update(*, scope: Scope, user: User, flag: Flag, status: str, note: str = "") -> Flag:
    """Move a case (open -> investigating -> confirmed fraud / dismissed) or add a note; who and when are kept."""
    if not may(scope, Action.CASES_READ) or not scope.covers(flag.district):
        raise NotFound
    require(scope, Action.CASES_WORK, district=flag.district)
    current = flag.status
    if status != current and status not in FLAG_TRANSITIONS[current]:
        raise RuleViolation(
            _("a case cannot go from “%(from)s” to “%(to)s”")
            % {
                "from": Flag.Status(current).label,
                "to": Flag.Status(status).label if status in Flag.Status.values else status,
            }
        )
    if status == current and not note.strip():
        raise RuleViolation(_("nothing to record: change the status or write a note"))
    now = timezone.now()
    if not Flag.objects.filter(pk=flag.pk, status=current).update(status=status, updated_by=user, updated_at=now):
        raise RuleViolation(_("the case changed meanwhile; reload and try again"))
    CaseNote.objects.create(flag=flag, by=user, status_from=current, status_to=status, text=note.strip())
    flag.status, flag.updated_by, flag.updated_at = status, user, now
    return flag


# --------------------------------------------------------------------------------------------
# The same writes for the pages: the actor's scope first
# --------------------------------------------------------------------------------------------


def voucher_grant(
    *, scope: Scope, child: Child, valid_until: dt.date, nominal_value: Decimal, on: dt.date | None = None
) -> Voucher:
    """``voucher_issue`` by a clerk of the child's district (or the region)."""
    if not may(scope, Action.PEOPLE_READ) or not scope.covers(child.district):
        raise NotFound
    require(scope, Action.CHILD_REGISTER, district=child.district)
    return voucher_issue(child=child, valid_until=valid_until, nominal_value=nominal_value, on=on)


def voucher_accept(*, scope: Scope, voucher: Voucher) -> Voucher:
    """The parent accepted the voucher (recorded by the district's clerk): issued -> accepted."""
    district = voucher.child.district
    if not may(scope, Action.PEOPLE_READ) or not scope.covers(district):
        raise NotFound
    require(scope, Action.CHILD_REGISTER, district=district)
    return voucher_change(voucher=voucher, target=VoucherStatus.ACCEPTED.value)
