"""Reads, every one scoped: the portfolio from snapshots, one object with a fresh forecast, alerts.

Region staff of any role read (viewers too: these are buildings and contracts, not residents);
district officers read the objects of their districts only, and another district's object answers
NotFound (404) as if it did not exist. Club providers and logins without a role are NotAllowed (403).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from birtizim import projects as core
from birtizim.projects.forecast import DEFAULT_TRIALS
from birtizim.projects.model import progress_at
from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.accounts.selectors import officers_of
from birtizim.web.common import labels
from birtizim.web.common.errors import NotFound
from birtizim.web.projects import convert, explain
from birtizim.web.projects.models import Alert, Clock, Project, Report, ReportPhoto, Snapshot

TRIALS = DEFAULT_TRIALS  # the same on snapshots and pages, so both show the same numbers
SEED = 0  # fixed: the same data gives the same forecast on the portfolio and the object page


def forecast_as_of() -> dt.date:
    """The date forecasts are made as of: settings.PROJECTS_AS_OF, else the pinned clock, else today."""
    fixed = getattr(settings, "PROJECTS_AS_OF", None)
    if fixed:
        return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(str(fixed))
    clock = Clock.objects.order_by("-id").first()
    return clock.as_of if clock is not None else timezone.localdate()


def clock_pinned() -> Clock | None:
    return None if getattr(settings, "PROJECTS_AS_OF", None) else Clock.objects.order_by("-id").first()


def responsible_choices(project: Project) -> QuerySet[User]:
    """Who may be made the object's responsible officer: the active officers of its district, and
    whoever is responsible now (kept if the edit does not change it)."""
    ids = [u.pk for u in officers_of(project.district)]
    if project.responsible_id is not None:
        ids.append(project.responsible_id)
    return User.objects.filter(pk__in=ids).order_by("username")


def projects_visible(*, scope: Scope) -> QuerySet[Project]:
    require(scope, Action.PROJECTS_READ)
    found = Project.objects.all()
    if scope.districts is not None:
        found = found.filter(district__in=sorted(scope.districts))
    return found


def project_get(*, scope: Scope, project_id: int) -> Project:
    visible = projects_visible(scope=scope).select_related("snapshot", "responsible")
    found = convert.with_data(visible).filter(pk=project_id).first()
    if found is None:
        raise NotFound
    return found


def report_get(*, scope: Scope, project: Project, report_id: int) -> Report:
    """One report of an object the caller already got through ``project_get`` (so in scope)."""
    if not scope.covers(project.district):
        raise NotFound
    found = project.reports.prefetch_related("photo_files").filter(pk=report_id).first()
    if found is None:
        raise NotFound
    return found


def photo_get(*, scope: Scope, project_id: int, photo_id: int) -> ReportPhoto:
    """A report's photo if its object is in the reader's scope (another district's answers 404)."""
    project = projects_visible(scope=scope).filter(pk=project_id).first()
    if project is None:
        raise NotFound
    found = ReportPhoto.objects.filter(pk=photo_id, report__project=project).first()
    if found is None:
        raise NotFound
    return found


def photo_path(photo: ReportPhoto) -> Path:
    return Path(settings.DATA_DIR) / photo.stored_path


def object_forecast(data: convert.ObjectData, *, as_of: dt.date) -> core.Forecast | None:
    """The core's forecast with the module's trials and seed; None before the object has a baseline."""
    baseline = data.baseline
    if baseline is None:
        return None
    return core.forecast(data.project, baseline, data.reports, as_of=as_of, trials=TRIALS, seed=SEED)


# --------------------------------------------------------------------------------------------
# The portfolio
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioRow:
    project: Project
    snapshot: Snapshot | None
    reason: str
    district_name: str


def snapshot_reason(s: Snapshot, project: Project) -> str:
    return explain.risk_sentence(
        cause=s.cause,
        p_on_time=s.p_on_time,
        trials=s.trials,
        deadline=project.deadline,
        p80=s.p80,
        finished_on=s.finished_on,
        flags=list(s.flags),
        cause_flag=s.cause_flag,
    )


def portfolio_get(*, scope: Scope, district: str = "") -> list[PortfolioRow]:
    """Objects worst first, from their snapshots (no simulation here): the core's ranking order,
    red before amber before green, then the lower chance, then more severe flags and more flags.
    Objects without a forecast yet (no baseline) come last."""
    found = projects_visible(scope=scope).select_related("snapshot")
    if district:
        if not scope.covers(district):
            raise NotFound
        found = found.filter(district=district)
    ranked = found.order_by(
        "snapshot__rag_order",
        "snapshot__p_on_time",
        "-snapshot__severe_flags",
        "-snapshot__flag_count",
        "name",
    )
    rows: list[PortfolioRow] = []
    names: dict[str, str] = {}
    for p in ranked:
        snapshot = getattr(p, "snapshot", None)
        names.setdefault(p.district, labels.district_name(p.district))
        reason = snapshot_reason(snapshot, p) if snapshot is not None else ""
        rows.append(PortfolioRow(p, snapshot, reason, names[p.district]))
    # NULLs sort first in SQLite and last in PostgreSQL: objects without a snapshot go last in both.
    return [r for r in rows if r.snapshot is not None] + [r for r in rows if r.snapshot is None]


def portfolio_districts(*, scope: Scope) -> list[tuple[str, str]]:
    codes = projects_visible(scope=scope).order_by().values_list("district", flat=True).distinct()
    return sorted(((c, labels.district_name(c)) for c in codes), key=lambda pair: pair[1])


def rag_counts(rows: list[PortfolioRow]) -> dict[str, int]:
    counts = {"red": 0, "amber": 0, "green": 0, "none": 0}
    for r in rows:
        counts[r.snapshot.rag if r.snapshot is not None else "none"] += 1
    return counts


# --------------------------------------------------------------------------------------------
# One object
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    code: str
    name: str
    planned_start: dt.date
    planned_finish: dt.date
    share: float  # percent of the baseline's weight
    planned: float  # percent planned done at the data date
    reported: float  # percent last reported
    overdue: bool  # past its planned finish, unfinished


@dataclass(frozen=True)
class FlagLine:
    code: str
    severity: str
    sentence: str


@dataclass
class ObjectPage:
    project: Project
    data: convert.ObjectData
    forecast: core.Forecast | None
    as_of: dt.date
    seconds: float = 0.0
    reason: str = ""
    flags: list[FlagLine] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    comparison: core.BaselineComparison | None = None


def flag_lines(flags: list[dict[str, Any]]) -> list[FlagLine]:
    return [FlagLine(f["code"], f["severity"], explain.flag_sentence(f["code"], f["params"])) for f in flags]


def flags_json(flags: tuple[core.Flag, ...]) -> list[dict[str, Any]]:
    return [{"code": f.code.value, "severity": f.severity.value, "params": dict(f.params)} for f in flags]


def activity_rows(f: core.Forecast) -> list[ActivityRow]:
    data_date = f.earned.data_date
    total = f.baseline.total_weight
    rows = []
    for a in f.baseline.activities:
        span = (a.planned_finish - a.planned_start).days
        elapsed = (data_date - a.planned_start).days
        # A milestone (no duration) is all done on its day.
        fraction = elapsed / span if span > 0 else float(elapsed >= 0)
        planned = min(max(fraction, 0.0), 1.0) * 100
        reported = float(f.progress.get(a.code, 0.0))
        rows.append(
            ActivityRow(
                code=a.code,
                name=a.name,
                planned_start=a.planned_start,
                planned_finish=a.planned_finish,
                share=a.weight / total * 100,
                planned=planned,
                reported=reported,
                overdue=a.planned_finish < f.as_of and reported < 100,
            )
        )
    return rows


def forecast_reason(f: core.Forecast) -> str:
    return explain.risk_sentence(
        cause=f.risk.cause,
        p_on_time=f.risk.p_on_time,
        trials=f.simulation.trials,
        deadline=f.project.deadline,
        p80=f.simulation.p80,
        finished_on=f.earned.finished_on,
        flags=flags_json(f.flags),
        cause_flag=f.risk.cause_flag.value if f.risk.cause_flag is not None else "",
    )


# --------------------------------------------------------------------------------------------
# Alerts
# --------------------------------------------------------------------------------------------


def alerts_for(*, scope: Scope, user: User, unread_only: bool = False) -> QuerySet[Alert]:
    require(scope, Action.PROJECTS_READ)
    found = Alert.objects.filter(recipient=user).select_related("project")
    if scope.districts is not None:
        # An officer moved to other districts keeps rows about objects they may no longer open.
        found = found.filter(project__district__in=sorted(scope.districts))
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found


def unread_count(*, scope: Scope, user: User) -> int:
    if not may(scope, Action.PROJECTS_READ):
        return 0
    return alerts_for(scope=scope, user=user, unread_only=True).count()


def alert_sentence(alert: Alert) -> str:
    text = explain.rag_change(alert.old_rag, alert.new_rag) if alert.kind == Alert.Kind.RAG_WORSE else ""
    if alert.flag:
        sentence = explain.flag_sentence(alert.flag["code"], alert.flag["params"])
        text = f"{text} {sentence}".strip()
    return text


# --------------------------------------------------------------------------------------------
# The object page
# --------------------------------------------------------------------------------------------


def object_page(*, project: Project, as_of: dt.date | None = None) -> ObjectPage:
    """A fresh forecast of one object (one simulation, timed), with everything its page shows."""
    day = as_of or forecast_as_of()
    data = convert.object_data(project)
    started = time.perf_counter()
    f = object_forecast(data, as_of=day)
    seconds = time.perf_counter() - started
    page = ObjectPage(project=project, data=data, forecast=f, as_of=day, seconds=seconds)
    page.comparison = baseline_comparison(data)
    if f is not None:
        page.reason = forecast_reason(f)
        page.flags = flag_lines(flags_json(f.flags))
        page.activities = activity_rows(f)
    return page


def baseline_comparison(data: convert.ObjectData) -> core.BaselineComparison | None:
    """The baseline versions side by side (no forecast needed); None before the first baseline."""
    return core.compare_baselines(data.baselines) if data.baselines else None


def form_activities(project: Project) -> list[tuple[str, str, float]]:
    """(code, name, last reported percent) of the baseline in force: what the report form starts from."""
    data = convert.object_data(project)
    if data.baseline is None:
        return []
    latest = progress_at(data.baseline, data.reports, dt.date.max)
    return [(a.code, a.name, latest[a.code]) for a in data.baseline.activities]


def latest_money(project: Project) -> float:
    last = max(project.reports.all(), key=lambda r: r.date, default=None)
    return float(last.accepted_money) if last is not None else 0.0
