"""Writes: the pass of the checks into the follow-up list, the follow-up's steps, imports of the
logs, the districts' self-reports, surveys and the rule set.

Every write that changes what the checks see ends with ``flags_sync``, so the red-flags page is
current as soon as the data is. What changes without a write here (a new day making a report overdue,
a new run of the single list) is picked up by ``manage.py birtizim_outreach_flags``, run daily and
after each run; pages never write. A pass is skipped while its fingerprint (run, rules, day, data) is
unchanged.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from birtizim.outreach.flags import SEVERITY_RANK, Flag, evaluate_all
from birtizim.outreach.importer import ImportResult, OutreachImportError, import_events, import_questions
from birtizim.outreach.model import SurveyResult as CoreSurvey
from birtizim.outreach.model import default_due_on
from birtizim.outreach.rules import rules_from_toml
from birtizim.tables.months import check_month, month_start
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.accounts.selectors import officers_of
from birtizim.web.common import intake
from birtizim.web.common.errors import Conflict, NotFound
from birtizim.web.outreach import selectors
from birtizim.web.outreach.models import (
    CitizenQuestion,
    DistrictReport,
    Evaluation,
    FollowUp,
    FollowUpStep,
    ImportBatch,
    OutreachEvent,
    RuleSet,
    SurveyResult,
)

log = logging.getLogger("birtizim.web.outreach")


class OutreachError(ValueError):
    """A request that cannot be done as asked; the message is shown to the user."""


class TransitionError(OutreachError, Conflict):
    """A follow-up step that its current state does not allow (closing an unanswered flag...)."""


# ---- the pass of the checks ---------------------------------------------------------------------


@transaction.atomic
def flags_sync(*, today: dt.date | None = None, force: bool = False) -> Evaluation | None:
    """Run every check and bring the follow-up list up to date; None when nothing could have changed.

    New flags open a follow-up with their sentences (ru, kk, en) and numbers frozen; a flag that
    stops firing is marked "no longer flagged" (never deleted); one that fires again is raised
    again with today's numbers (and reopened if it had been closed meanwhile).
    """
    today = today or timezone.localdate()
    run, figures = selectors.figures_current()
    rules = selectors.rules_current()
    fingerprint = selectors.evaluation_fingerprint(run=run, rules=rules, today=today)
    last = Evaluation.objects.first()
    if not force and last is not None and last.fingerprint == fingerprint:
        return None
    flags = evaluate_all(
        selectors.dataset_get(figures),
        rules=rules.rules,
        expected_districts=selectors.expected_districts(figures),
        as_of=today,
        language=get_language() or "ru",  # every language's sentence is kept (Flag.texts) all the same
    )
    now = timezone.now()
    current = {f.key: f for f in flags}
    existing = {f.key: f for f in FollowUp.objects.all()}
    raised = cleared = 0
    for key, flag in current.items():
        follow_up = existing.get(key)
        if follow_up is None:
            follow_up = _raise(flag, now)
            if follow_up is not None:
                FollowUpStep.objects.create(follow_up=follow_up, action=FollowUpStep.Action.RAISED, at=now)
                raised += 1
        elif not follow_up.flagged:
            _freeze(follow_up, flag)
            follow_up.flagged, follow_up.cleared_at, follow_up.raised_at = True, None, now
            if follow_up.state == FollowUp.State.CLOSED:
                # Closed once it had stopped firing: a new occurrence is a new question.
                follow_up.state = FollowUp.State.REOPENED if follow_up.assigned_to_id else FollowUp.State.OPEN
            follow_up.save()
            FollowUpStep.objects.create(follow_up=follow_up, action=FollowUpStep.Action.RAISED_AGAIN, at=now)
            raised += 1
    for key, follow_up in existing.items():
        if follow_up.flagged and key not in current:
            follow_up.flagged, follow_up.cleared_at = False, now
            follow_up.save(update_fields=["flagged", "cleared_at", "updated_at"])
            FollowUpStep.objects.create(follow_up=follow_up, action=FollowUpStep.Action.CLEARED, at=now)
            cleared += 1
    evaluation = Evaluation.objects.create(
        fingerprint=fingerprint,
        run_id_seen=run.pk if run else None,
        rule_set=rules.rule_set,
        as_of=today,
        flags=len(flags),
        raised=raised,
        cleared=cleared,
    )
    log.info("outreach checks: %d flags, %d raised, %d cleared", len(flags), raised, cleared)
    return evaluation


def _freeze(follow_up: FollowUp, flag: Flag) -> None:
    follow_up.code, follow_up.district, follow_up.period = flag.code, flag.district, flag.period
    follow_up.severity, follow_up.severity_rank = flag.severity, SEVERITY_RANK[flag.severity]
    follow_up.source, follow_up.texts, follow_up.numbers = flag.source, dict(flag.texts), dict(flag.numbers)


def _raise(flag: Flag, now: dt.datetime) -> FollowUp | None:
    follow_up = FollowUp(key=flag.key, raised_at=now)
    _freeze(follow_up, flag)
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:
        return None  # another request raised the same flag a moment ago
    return follow_up


# ---- the follow-up's steps ----------------------------------------------------------------------


def _step(
    follow_up: FollowUp,
    allowed: tuple[str, ...],
    refusal: str,
    step: FollowUpStep,
    **changes: Any,
) -> FollowUp:
    """Move the follow-up only if it is still in an allowed state (a conditional UPDATE, so two people
    acting on the same flag at once cannot both succeed), and record ``step`` against it: who did
    what, when, with what note."""
    moved = FollowUp.objects.filter(pk=follow_up.pk, state__in=allowed).update(**changes, updated_at=timezone.now())
    if not moved:
        raise TransitionError(refusal)
    follow_up.refresh_from_db()
    step.follow_up = follow_up
    step.save()
    return follow_up


@transaction.atomic
def followup_assign(*, scope: Scope, user: User, follow_up: FollowUp, assignee: User) -> FollowUp:
    require(scope, Action.FOLLOWUP_MANAGE)
    selectors.district_check(scope=scope, district=follow_up.district)
    if assignee not in officers_of(follow_up.district):
        raise OutreachError(_("%(user)s is not an officer of this district.") % {"user": assignee.get_username()})
    S = FollowUp.State
    now = timezone.now()
    return _step(
        follow_up,
        (S.OPEN, S.ASSIGNED, S.REOPENED),
        _("Only an open, assigned or reopened flag can be assigned."),
        FollowUpStep(action=FollowUpStep.Action.ASSIGNED, by=user, assignee=assignee, at=now),
        state=S.REOPENED if follow_up.state == S.REOPENED else S.ASSIGNED,
        assigned_to=assignee,
        assigned_by=user,
        assigned_at=now,
    )


@transaction.atomic
def followup_answer(*, scope: Scope, user: User, follow_up: FollowUp, answer: str) -> FollowUp:
    require(scope, Action.FOLLOWUP_ANSWER)
    selectors.district_check(scope=scope, district=follow_up.district)  # another district: 404
    text = answer.strip()
    if not text:
        raise OutreachError(_("Write the answer."))
    S = FollowUp.State
    now = timezone.now()
    return _step(
        follow_up,
        (S.ASSIGNED, S.REOPENED),
        _("Only an assigned or reopened flag can be answered."),
        FollowUpStep(action=FollowUpStep.Action.ANSWERED, by=user, note=text, at=now),
        state=S.ANSWERED,
        answer=text,
        answered_by=user,
        answered_at=now,
    )


@transaction.atomic
def followup_close(*, scope: Scope, user: User, follow_up: FollowUp, note: str) -> FollowUp:
    """Close an answered flag; a flag the checks no longer raise may be closed unanswered."""
    require(scope, Action.FOLLOWUP_MANAGE)
    selectors.district_check(scope=scope, district=follow_up.district)
    text = note.strip()
    if not text:
        raise OutreachError(_("Write why the flag is closed."))
    S = FollowUp.State
    allowed = (S.ANSWERED,) if follow_up.flagged else (S.OPEN, S.ASSIGNED, S.ANSWERED, S.REOPENED)
    now = timezone.now()
    return _step(
        follow_up,
        allowed,
        _("Only an answered flag can be closed."),
        FollowUpStep(action=FollowUpStep.Action.CLOSED, by=user, note=text, at=now),
        state=S.CLOSED,
        close_note=text,
        closed_by=user,
        closed_at=now,
    )


@transaction.atomic
def followup_reopen(*, scope: Scope, user: User, follow_up: FollowUp, note: str = "") -> FollowUp:
    """Send an answer back (or reopen a closed flag): the assigned officer answers again."""
    require(scope, Action.FOLLOWUP_MANAGE)
    selectors.district_check(scope=scope, district=follow_up.district)
    S = FollowUp.State
    return _step(
        follow_up,
        (S.ANSWERED, S.CLOSED),
        _("Only an answered or closed flag can be reopened."),
        FollowUpStep(action=FollowUpStep.Action.REOPENED, by=user, note=note.strip(), at=timezone.now()),
        state=S.REOPENED if follow_up.assigned_to_id else S.OPEN,
    )


# ---- imports ------------------------------------------------------------------------------------


def _reject_rows(result: ImportResult[Any]) -> list[dict[str, Any]]:
    """Rejects as stored: only the recognised columns' cells (a log may carry a citizen's name
    in a column the importer ignores; that never reaches the database)."""
    known = set(result.columns.values())
    return [
        {"row": r.row, "reason": r.reason, "cells": {h: v for h, v in r.cells.items() if h in known}}
        for r in result.rejects
    ]


@transaction.atomic
def import_create(*, scope: Scope, user: User, kind: str, file: UploadedFile[bytes]) -> ImportBatch:
    """Import an outreach log or a questions log; every row is accepted or rejected with its reason.

    An officer's rows for a district not theirs are rejected too (with that reason), not dropped.
    """
    require(scope, Action.OUTREACH_IMPORT)
    if kind not in (ImportBatch.Kind.EVENTS, ImportBatch.Kind.QUESTIONS):
        raise OutreachError(_("Unknown kind of log."))
    try:
        received = intake.receive(file, kind="outreach_log")  # kept: what the rows were read from
    except intake.IntakeError as exc:
        raise OutreachError(str(exc)) from None
    name, sha = received.name, received.sha256
    earlier = ImportBatch.objects.filter(sha256=sha, kind=kind).first()
    if earlier is not None:
        raise OutreachError(
            _("%(name)s was already imported on %(date)s (import #%(id)s); delete that import first.")
            % {"name": name, "date": timezone.localtime(earlier.imported_at).date(), "id": earlier.pk}
        )
    region, today = selectors.region_code(), timezone.localdate()
    try:
        result: ImportResult[Any] = (
            import_events(received.path, region=region, not_after=today)
            if kind == ImportBatch.Kind.EVENTS
            else import_questions(received.path, region=region, not_after=today)
        )
    except OutreachImportError as exc:
        raise OutreachError(str(exc).replace(str(received.path), name)) from None
    rejects = _reject_rows(result)
    accepted = []
    names = selectors.district_names()
    for row, number in zip(result.rows, result.row_numbers, strict=True):
        if scope.covers(row.district):
            accepted.append(row)
        else:
            reason = _("%(district)s is not one of your districts") % {
                "district": names.get(row.district, row.district)
            }
            rejects.append({"row": number, "reason": reason, "cells": {}})
    rejects.sort(key=lambda r: int(r["row"]))
    batch = ImportBatch.objects.create(
        kind=kind,
        original_name=name,
        sha256=sha,
        imported_by=user,
        accepted=len(accepted),
        rejects=rejects,
        columns=result.columns,
        ignored_columns=list(result.ignored_columns),
        blank_rows=list(result.blank_rows),
        header_row=result.header_row,
        districts=sorted({r.district for r in accepted}),
    )
    if kind == ImportBatch.Kind.EVENTS:
        OutreachEvent.objects.bulk_create(
            OutreachEvent(
                district=e.district, date=e.date, kind=e.kind, audience=e.audience[:300], reach=e.reach, batch=batch
            )
            for e in accepted
        )
    else:
        CitizenQuestion.objects.bulk_create(
            CitizenQuestion(
                district=q.district,
                date=q.date,
                channel=q.channel[:200],
                topic=q.topic[:200],
                count=q.count,
                kind=q.kind,
                batch=batch,
            )
            for q in accepted
        )
    log.info("outreach import %s (%s): %d accepted, %d rejected", batch.pk, kind, len(accepted), len(rejects))
    flags_sync()
    return batch


@transaction.atomic
def import_delete(*, scope: Scope, user: User, batch: ImportBatch) -> None:
    """Undo an import: its rows go, the file may be imported again."""
    require(scope, Action.OUTREACH_IMPORT)
    if scope.districts is not None and batch.imported_by_id != user.pk:
        raise NotFound
    batch.delete()
    flags_sync()


# ---- the districts' reports, surveys, rules -----------------------------------------------------


def _period_not_future(period: str, today: dt.date) -> str:
    try:
        check_month(period)
    except ValueError:
        raise OutreachError(_("A period is a month written YYYY-MM.")) from None
    if month_start(period) > today:
        raise OutreachError(_("A report cannot be for a month that has not begun."))
    return period


@transaction.atomic
def report_submit(
    *,
    scope: Scope,
    user: User,
    district: str,
    period: str,
    reach_share: float | None,
    actualisation: float | None,
) -> DistrictReport:
    """A district's own figures for a month (shares as fractions). A correction keeps the first
    submission date: timeliness is about when the figures first arrived."""
    require(scope, Action.OUTREACH_REPORT)
    selectors.district_check(scope=scope, district=district)
    today = timezone.localdate()
    _period_not_future(period, today)
    for value in (reach_share, actualisation):
        if value is not None and value < 0:
            raise OutreachError(_("A share cannot be negative."))
    report, _created = DistrictReport.objects.get_or_create(
        district=district, period=period, defaults={"due_on": default_due_on(period)}
    )
    report.reported_reach_share = reach_share
    report.reported_actualisation = actualisation
    report.submitted_on = report.submitted_on or today
    report.submitted_by = user
    report.save()
    flags_sync()
    return report


@transaction.atomic
def survey_record(
    *,
    scope: Scope,
    user: User,
    district: str,
    occupation: str,
    period: str,
    sample_size: int,
    n_unaware: int,
    n_poor: int,
) -> SurveyResult:
    """One survey cell (a district's whole sample when ``occupation`` is empty); the same cell again replaces it."""
    require(scope, Action.OUTREACH_SURVEY)
    selectors.district_check(scope=scope, district=district)
    _period_not_future(period, timezone.localdate())
    try:
        CoreSurvey(district, occupation.strip() or None, period, sample_size, n_unaware, n_poor)
    except ValueError as exc:
        raise OutreachError(str(exc)) from None
    cell, _created = SurveyResult.objects.update_or_create(
        district=district,
        occupation=occupation.strip(),
        period=period,
        defaults={"sample_size": sample_size, "n_unaware": n_unaware, "n_poor": n_poor, "entered_by": user},
    )
    flags_sync()
    return cell


@transaction.atomic
def ruleset_save(*, scope: Scope, user: User, text: str) -> RuleSet:
    """Store the rules (checked first: a rule that does not load is refused with its reason); empty
    text returns to the built-in rules."""
    require(scope, Action.RULES_EDIT)
    if text.strip():
        rules_from_toml(text)  # raises RuleError with the rule and the field
    rule_set = RuleSet.objects.create(text=text.strip(), saved_by=user)
    flags_sync(force=True)
    return rule_set
