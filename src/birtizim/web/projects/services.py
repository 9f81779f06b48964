"""Writes: objects (and edits of their facts), baselines, contract changes, progress reports (form
and XLSX sheet) and their photos, forecast snapshots and the alerts they raise.

Every write that changes what an object's forecast reads ends by refreshing its snapshot, in the
same transaction: the portfolio never shows a forecast older than the data behind it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from birtizim import projects as core
from birtizim.projects.sheet import SheetResult, read_progress_sheet
from birtizim.reference import region as reference_region
from birtizim.web.accounts.models import Profile, Role
from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import Scope, scope_for
from birtizim.web.accounts.selectors import officers_of
from birtizim.web.common import intake
from birtizim.web.common.errors import NotFound
from birtizim.web.projects import convert, selectors
from birtizim.web.projects.models import (
    Activity,
    Alert,
    Baseline,
    Clock,
    ContractChange,
    Project,
    Report,
    ReportLine,
    ReportPhoto,
    Snapshot,
)

RAG_ORDER = {core.Rag.RED.value: 0, core.Rag.AMBER.value: 1, core.Rag.GREEN.value: 2}
MAX_PHOTOS_PER_REPORT = 30


class ProjectsError(ValueError):
    """A write refused for a reason the person can fix; the message is shown to them as it is."""


def _editable(scope: Scope, project: Project) -> None:
    require(scope, Action.PROJECT_EDIT)
    if not scope.covers(project.district):
        raise NotFound  # another district's object does not exist for this officer


def money(value: float | Decimal) -> Decimal:
    """Tenge to the tiyn, through the decimal text (a float's binary tail would not round-trip)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def percent(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------------------------
# Snapshots and alerts
# --------------------------------------------------------------------------------------------


def _severe_codes(flags: Iterable[Mapping[str, object]]) -> set[str]:
    return {str(f["code"]) for f in flags if f["severity"] == core.Severity.SEVERE.value}


def _recipients(project: Project) -> list[User]:
    """The responsible officer (else every officer of the object's district) and the region's administrators."""
    admins = [p.user for p in Profile.objects.select_related("user").filter(role=Role.ADMIN, user__is_active=True)]
    chosen = [project.responsible] if project.responsible is not None else officers_of(project.district)
    seen: set[int] = set()
    out = []
    for u in [*chosen, *admins]:
        if u.pk not in seen:
            seen.add(u.pk)
            out.append(u)
    return out


def _alerts(project: Project, before: Snapshot | None, after: Snapshot) -> list[Alert]:
    """An alert when the rating worsens (the first forecast counts as from green) or a severe flag appears.

    One alert per event and recipient: a worse rating carries the new severe flag that caused it, if any.
    """
    old_rag = before.rag if before is not None else ""
    old_order = RAG_ORDER[before.rag] if before is not None else RAG_ORDER[core.Rag.GREEN.value]
    new_severe = _severe_codes(after.flags) - (_severe_codes(before.flags) if before is not None else set())
    fresh = [f for f in after.flags if f["code"] in new_severe and f["severity"] == core.Severity.SEVERE.value]
    events: list[tuple[str, dict[str, object] | None]] = []
    if after.rag_order < old_order:
        events.append((Alert.Kind.RAG_WORSE, fresh[0] if fresh else None))
        fresh = fresh[1:]
    events += [(Alert.Kind.SEVERE_FLAG, f) for f in fresh]
    if not events:
        return []
    return Alert.objects.bulk_create(
        Alert(
            recipient=user,
            project=project,
            kind=kind,
            old_rag=old_rag,
            new_rag=after.rag,
            flag=flag,
            as_of=after.as_of,
        )
        for user in _recipients(project)
        for kind, flag in events
    )


def snapshot_refresh(
    *, project: Project, forecast: core.Forecast | None = None, as_of: dt.date | None = None
) -> Snapshot | None:
    """Store the object's forecast (computed here unless given) and raise alerts if it got worse.

    None when the object has no baseline yet: there is nothing to forecast against.
    """
    if forecast is None:
        fresh = convert.with_data(Project.objects.filter(pk=project.pk)).get()
        forecast = selectors.object_forecast(convert.object_data(fresh), as_of=as_of or selectors.forecast_as_of())
    if forecast is None:
        return None
    e, s, r = forecast.earned, forecast.simulation, forecast.risk
    values = {
        "as_of": forecast.as_of,
        "computed_at": timezone.now(),
        "rag": r.rag.value,
        "rag_order": RAG_ORDER[r.rag.value],
        "cause": r.cause.value,
        "cause_flag": r.cause_flag.value if r.cause_flag is not None else "",
        "reason": r.reason,
        "p_on_time": s.p_on_time,
        "trials": s.trials,
        "p50": s.p50,
        "p80": s.p80,
        "spi": e.spi,
        "spi_t": e.spi_t,
        "cpi": e.cpi,
        "eac": e.eac,
        "forecast_finish": e.forecast_finish,
        "percent_complete": e.percent_complete,
        "percent_planned": e.percent_planned,
        "data_date": e.data_date,
        "finished_on": e.finished_on,
        "flags": selectors.flags_json(forecast.flags),
        "severe_flags": r.severe_flags,
        "flag_count": r.flags,
    }
    with transaction.atomic():
        before = Snapshot.objects.select_for_update().filter(project=project).first()
        after, _created = Snapshot.objects.update_or_create(project=project, defaults=values)
        _alerts(project, before, after)
    return after


def snapshots_refresh(*, projects: Iterable[Project] | None = None, as_of: dt.date | None = None) -> int:
    """Every object's snapshot as of one date (the management command's daily run, the demo)."""
    day = as_of or selectors.forecast_as_of()
    found = convert.with_data(
        Project.objects.all() if projects is None else Project.objects.filter(pk__in=[p.pk for p in projects])
    )
    n = 0
    for p in found:
        forecast = selectors.object_forecast(convert.object_data(p), as_of=day)
        if snapshot_refresh(project=p, forecast=forecast) is not None:
            n += 1
    return n


# --------------------------------------------------------------------------------------------
# Objects, baselines, contract changes
# --------------------------------------------------------------------------------------------


def project_create(
    *,
    scope: Scope,
    user: User | None,
    code: str,
    name: str,
    kind: str,
    work: str,
    region: str,
    district: str,
    locality: str,
    address: str,
    deadline: dt.date,
    deadline_reason: str,
    budget: Decimal,
    contractor_name: str,
    contractor_bin: str,
    contract_number: str,
    responsible: User | None = None,
) -> Project:
    require(scope, Action.PROJECT_EDIT)
    if not scope.covers(district):
        raise ProjectsError(_("You may add objects of your own districts only."))
    try:
        reference_region(region).district(district)
    except KeyError:
        raise ProjectsError(_("Unknown district %(district)s.") % {"district": district}) from None
    try:
        contractor_bin = core.validate_bin(contractor_bin)
    except core.InvalidBIN as exc:
        raise ProjectsError(_("The contractor's BIN is not valid: %(reason)s.") % {"reason": exc}) from None
    if Project.objects.filter(code=code).exists():
        raise ProjectsError(_("An object with the code %(code)s already exists.") % {"code": code})
    if responsible is not None and not may(scope_for(responsible), Action.PROJECT_EDIT, district=district):
        raise ProjectsError(_("The responsible officer does not work in this district."))
    return Project.objects.create(
        code=code,
        name=name,
        kind=kind,
        work=work,
        region=region,
        district=district,
        locality=locality,
        address=address,
        deadline=deadline,
        deadline_reason=deadline_reason,
        budget=money(budget),
        contractor_name=contractor_name,
        contractor_bin=contractor_bin,
        contract_number=contract_number,
        responsible=responsible,
    )


def officer_of(user: User, district: str) -> bool:
    """An active district officer working in this district (the edit form's choice of responsible)."""
    profile = Profile.objects.filter(user=user).first()
    return (
        user.is_active
        and profile is not None
        and profile.role == Role.OFFICER
        and district in (profile.districts or [])
    )


@transaction.atomic
def project_update(
    *,
    scope: Scope,
    user: User | None,
    project: Project,
    name: str,
    locality: str,
    address: str,
    deadline_reason: str,
    contract_number: str,
    responsible: User | None,
) -> Project:
    """The object's facts that are not contract terms; who edited them last and when.

    The deadline and the contract amount change through contract changes only, and the district not
    at all. Nothing here is read by the forecast, so the snapshot stays as it is. A responsible
    officer newly chosen must be an officer of the object's district; the one already set may stay.
    """
    require(scope, Action.PROJECT_FACTS_EDIT)
    if not scope.covers(project.district):
        raise NotFound
    values = {
        "name": name.strip(),
        "locality": locality.strip(),
        "address": address.strip(),
        "deadline_reason": deadline_reason.strip(),
        "contract_number": contract_number.strip(),
    }
    if not all(values[k] for k in ("name", "locality", "deadline_reason", "contract_number")):
        raise ProjectsError(_("The name, locality, deadline reason and contract number cannot be empty."))
    new_responsible = responsible.pk if responsible is not None else None
    newly_chosen = responsible if new_responsible != project.responsible_id else None
    if newly_chosen is not None and not officer_of(newly_chosen, project.district):
        raise ProjectsError(_("The responsible officer must be an officer of this object's district."))
    changed = [k for k, v in values.items() if getattr(project, k) != v]
    for k in changed:
        setattr(project, k, values[k])
    if new_responsible != project.responsible_id:
        project.responsible = responsible
        changed.append("responsible")
    if not changed:
        return project
    project.edited_by = user
    project.edited_at = timezone.now()
    project.save(update_fields=[*changed, "edited_by", "edited_at"])
    return project


@transaction.atomic
def baseline_create(
    *,
    scope: Scope,
    user: User | None,
    project: Project,
    made_on: dt.date,
    reason: str,
    activities: Sequence[core.Activity],
) -> Baseline:
    """A new version of the schedule; earlier versions stay as they were."""
    _editable(scope, project)
    if not reason.strip():
        raise ProjectsError(_("Say why the schedule changes."))
    latest = project.baselines.order_by("-version").first()
    version = 1 if latest is None else latest.version + 1
    try:
        checked = core.Baseline(version, made_on, reason.strip(), tuple(activities))
    except ValueError as exc:
        raise ProjectsError(_("The schedule is not consistent: %(reason)s.") % {"reason": exc}) from None
    baseline = baseline_store(project=project, baseline=checked, user=user)
    snapshot_refresh(project=project)
    return baseline


def baseline_store(*, project: Project, baseline: core.Baseline, user: User | None = None) -> Baseline:
    """Persist a checked core baseline and its activities in their order (the demo loads through this too)."""
    stored = Baseline.objects.create(
        project=project, version=baseline.version, made_on=baseline.made_on, reason=baseline.reason, created_by=user
    )
    Activity.objects.bulk_create(
        Activity(
            baseline=stored,
            position=n,
            code=a.code,
            name=a.name,
            planned_start=a.planned_start,
            planned_finish=a.planned_finish,
            weight=money(a.weight),
            depends_on=list(a.depends_on),
        )
        for n, a in enumerate(baseline.activities)
    )
    return stored


@transaction.atomic
def contract_change_create(
    *,
    scope: Scope,
    user: User | None,
    project: Project,
    date: dt.date,
    what: str,
    new_deadline: dt.date | None = None,
    new_amount: Decimal | None = None,
) -> ContractChange:
    """Record an additional agreement; a new deadline or amount becomes the object's current one."""
    _editable(scope, project)
    if not what.strip():
        raise ProjectsError(_("Say what the additional agreement changes."))
    change = ContractChange.objects.create(
        project=project,
        date=date,
        what=what.strip(),
        old_deadline=project.deadline if new_deadline is not None else None,
        new_deadline=new_deadline,
        old_amount=project.budget if new_amount is not None else None,
        new_amount=money(new_amount) if new_amount is not None else None,
        entered_by=user,
    )
    fields = []
    if new_deadline is not None:
        project.deadline = new_deadline
        fields.append("deadline")
    if new_amount is not None:
        project.budget = money(new_amount)
        fields.append("budget")
    if fields:
        project.save(update_fields=fields)
    snapshot_refresh(project=project)
    return change


# --------------------------------------------------------------------------------------------
# Progress reports
# --------------------------------------------------------------------------------------------


def _current_codes(project: Project) -> list[str]:
    latest = project.baselines.order_by("-version").first()
    if latest is None:
        raise ProjectsError(_("Enter the object's schedule (baseline) before its progress reports."))
    return list(latest.activities.values_list("code", flat=True))


def _checked_photos(files: Sequence[UploadedFile[bytes]], *, known: Iterable[str] = ()) -> list[intake.Checked]:
    """Every photo checked (size, type by content, not attached twice) before any is kept."""
    seen = set(known)
    if len(seen) + len(files) > MAX_PHOTOS_PER_REPORT:
        raise ProjectsError(_("A report keeps at most %(n)s photos.") % {"n": MAX_PHOTOS_PER_REPORT})
    out: list[intake.Checked] = []
    try:
        for f in files:
            checked = intake.check(f, kind="photo")
            out.append(checked)
            if checked.sha256 in seen:
                raise ProjectsError(_("%(name)s is already attached to this report.") % {"name": checked.name})
            seen.add(checked.sha256)
    except (intake.IntakeError, ProjectsError) as exc:
        for checked in out:
            checked.discard()
        raise ProjectsError(str(exc)) from None
    return out


def _store_photos(*, report: Report, user: User | None, photos: Sequence[intake.Checked]) -> list[ReportPhoto]:
    """Each photo kept by the intake (byte for byte under its checksum); then the report's count
    becomes the number of photos it has stored."""
    rows = []
    for checked in photos:
        kept = checked.keep()
        rows.append(
            ReportPhoto.objects.create(
                report=report,
                original_name=kept.name,
                stored_path=str(kept.relative),
                sha256=kept.sha256,
                size=kept.size,
                content_type=kept.content_type,
                uploaded_by=user,
            )
        )
    report.photos = ReportPhoto.objects.filter(report=report).count()  # not a prefetched list
    report.save(update_fields=["photos"])
    return rows


@transaction.atomic
def report_photos_add(
    *, scope: Scope, user: User | None, report: Report, files: Sequence[UploadedFile[bytes]]
) -> list[ReportPhoto]:
    """Photos attached to a report already recorded. The forecast reads none of it: no refresh."""
    _editable(scope, report.project)
    if not files:
        raise ProjectsError(_("Choose at least one photo."))
    known = list(ReportPhoto.objects.filter(report=report).values_list("sha256", flat=True))
    return _store_photos(report=report, user=user, photos=_checked_photos(files, known=known))


def _store_report(
    *,
    project: Project,
    user: User | None,
    date: dt.date,
    percents: Mapping[str, float],
    accepted_money: float | Decimal,
    workforce: int | None,
    issues: str,
    photos: int,
    source: str,
) -> Report:
    report = Report.objects.create(
        project=project,
        date=date,
        accepted_money=money(accepted_money),
        workforce=workforce,
        issues=issues.strip(),
        photos=photos,
        source=source,
        entered_by=user,
    )
    ReportLine.objects.bulk_create(
        ReportLine(report=report, activity_code=code, percent=percent(pct)) for code, pct in percents.items()
    )
    return report


@transaction.atomic
def report_create(
    *,
    scope: Scope,
    user: User | None,
    project: Project,
    date: dt.date,
    percents: Mapping[str, float],
    accepted_money: Decimal,
    workforce: int | None,
    issues: str = "",
    photos: Sequence[UploadedFile[bytes]] = (),
) -> Report:
    """A report from the form, with its photos (each checked before anything is stored)."""
    _editable(scope, project)
    codes = _current_codes(project)
    as_of = selectors.forecast_as_of()
    if date > as_of:
        raise ProjectsError(_("The report date is after the forecast date %(as_of)s.") % {"as_of": as_of})
    if project.reports.filter(date=date).exists():
        raise ProjectsError(_("A report for this date is already recorded."))
    unknown = sorted(set(percents) - set(codes))
    if unknown:
        raise ProjectsError(_("Unknown activities: %(codes)s.") % {"codes": ", ".join(unknown)})
    try:
        core.ProgressReport(date, percents, float(accepted_money), workforce, issues, len(photos))
    except ValueError as exc:
        raise ProjectsError(str(exc)) from None
    checked = _checked_photos(photos)
    report = _store_report(
        project=project,
        user=user,
        date=date,
        percents=percents,
        accepted_money=accepted_money,
        workforce=workforce,
        issues=issues,
        photos=len(checked),
        source="form",
    )
    if checked:
        _store_photos(report=report, user=user, photos=checked)
    snapshot_refresh(project=project, as_of=as_of)
    return report


@dataclass(frozen=True)
class ImportResult:
    sheet: SheetResult
    created: list[Report]


@transaction.atomic
def progress_import(*, scope: Scope, user: User | None, project: Project, file: UploadedFile[bytes]) -> ImportResult:
    """Reports from a progress sheet: each date that passes every check becomes a report; every other
    row comes back as a reject with its row number. Money not given carries the previous amount on."""
    _editable(scope, project)
    codes = _current_codes(project)
    try:
        sheet_file = intake.receive(file, kind="progress_sheet")  # kept: what the reports were read from
    except intake.IntakeError as exc:
        raise ProjectsError(str(exc)) from None
    as_of = selectors.forecast_as_of()
    recorded = set(project.reports.values_list("date", flat=True))
    sheet = read_progress_sheet(sheet_file.path.read_bytes(), activities=codes, as_of=as_of, recorded=recorded)
    existing = list(project.reports.order_by("date").values_list("date", "accepted_money"))
    created = []
    for r in sheet.reports:
        amount = r.accepted_money
        if amount is None:
            earlier = [m for d, m in existing if d < r.date]
            amount = float(earlier[-1]) if earlier else 0.0
        created.append(
            _store_report(
                project=project,
                user=user,
                date=r.date,
                percents=r.percent_complete,
                accepted_money=amount,
                workforce=r.workforce,
                issues=r.issues,
                photos=0,
                source="sheet",
            )
        )
        existing = sorted([*existing, (r.date, money(amount))])
    if created:
        snapshot_refresh(project=project, as_of=as_of)
    return ImportResult(sheet, created)


# --------------------------------------------------------------------------------------------
# Alerts and the clock
# --------------------------------------------------------------------------------------------


def alert_mark_read(*, scope: Scope, user: User, alert_id: int) -> Alert:
    alert = selectors.alerts_for(scope=scope, user=user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
    return alert


def alerts_mark_all_read(*, scope: Scope, user: User) -> int:
    return selectors.alerts_for(scope=scope, user=user, unread_only=True).update(read_at=timezone.now())


def clock_pin(*, as_of: dt.date | None, note: str = "") -> None:
    """Pin the forecasts' date (the demo's histories end in 2025), or unpin it with None."""
    Clock.objects.all().delete()
    if as_of is not None:
        Clock.objects.create(as_of=as_of, note=note)
