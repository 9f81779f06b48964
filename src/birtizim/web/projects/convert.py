"""Model rows into the core's dataclasses, which every forecast is computed from."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from birtizim import projects as core
from birtizim.web.projects.models import Activity, Baseline, Project, Report


def with_data(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Everything a forecast reads (and the reports' photos), in six queries whatever the number of objects."""
    return projects.prefetch_related(
        "changes",
        Prefetch("baselines", queryset=Baseline.objects.prefetch_related("activities")),
        Prefetch(
            "reports", queryset=Report.objects.select_related("entered_by").prefetch_related("lines", "photo_files")
        ),
    )


def core_project(p: Project) -> core.ProjectObject:
    return core.ProjectObject(
        code=p.code,
        name=p.name,
        kind=core.ObjectKind(p.kind),
        work=core.WorkType(p.work),
        region=p.region,
        district=p.district,
        locality=p.locality,
        address=p.address,
        deadline=p.deadline,
        deadline_reason=p.deadline_reason,
        budget=float(p.budget),
        contractor_name=p.contractor_name,
        contractor_bin=p.contractor_bin,
        contract_number=p.contract_number,
        contract_changes=tuple(
            core.ContractChange(
                date=c.date,
                what=c.what,
                old_deadline=c.old_deadline,
                new_deadline=c.new_deadline,
                old_amount=None if c.old_amount is None else float(c.old_amount),
                new_amount=None if c.new_amount is None else float(c.new_amount),
            )
            for c in p.changes.all()
        ),
    )


def core_activity(a: Activity) -> core.Activity:
    return core.Activity(
        code=a.code,
        name=a.name,
        planned_start=a.planned_start,
        planned_finish=a.planned_finish,
        weight=float(a.weight),
        depends_on=tuple(str(d) for d in a.depends_on),
    )


def core_baseline(b: Baseline) -> core.Baseline:
    return core.Baseline(
        version=b.version,
        made_on=b.made_on,
        reason=b.reason,
        activities=tuple(core_activity(a) for a in b.activities.all()),
    )


def core_report(r: Report) -> core.ProgressReport:
    return core.ProgressReport(
        date=r.date,
        percent_complete={line.activity_code: float(line.percent) for line in r.lines.all()},
        accepted_money=float(r.accepted_money),
        workforce=r.workforce,
        issues=r.issues,
        photos=r.photos,
    )


@dataclass(frozen=True)
class ObjectData:
    """An object as the core sees it: the object, every baseline version (oldest first), its reports."""

    project: core.ProjectObject
    baselines: tuple[core.Baseline, ...]
    reports: tuple[core.ProgressReport, ...]

    @property
    def baseline(self) -> core.Baseline | None:
        return core.current_baseline(self.baselines) if self.baselines else None


def object_data(p: Project) -> ObjectData:
    return ObjectData(
        project=core_project(p),
        baselines=tuple(core_baseline(b) for b in p.baselines.all()),
        reports=tuple(core_report(r) for r in p.reports.all()),
    )
