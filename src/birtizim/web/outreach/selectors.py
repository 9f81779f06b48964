"""Reads for outreach and plausibility, every one scoped.

Who may do what (``accounts.permissions``' actions for this module, as docs/web.md's roles table):

| | admin | analyst | officer | viewer |
|---|---|---|---|---|
| red flags, follow-ups, district pages, surveys, export | all | all | own districts | all, read-only |
| import logs | all | all | own districts | no |
| district self-report | all | no | own districts | no |
| enter surveys | yes | yes | no (a survey checks the districts' claims) | no |
| assign, close, reopen a flag | yes | yes | no | no |
| answer a flag | no | no | own districts | no |
| rules | edit | read | no | no |

Club providers and logins without a role get nothing. A district outside the reader's scope is
answered with NotFound (404), as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db.models import Count, Max, Model, QuerySet, Sum
from django.utils.translation import get_language

from birtizim.outreach import model as core
from birtizim.outreach.completeness import Completeness, completeness
from birtizim.outreach.messages import language_of
from birtizim.outreach.model import default_due_on
from birtizim.outreach.rules import DEFAULT_RULES, Rule, RuleError, rules_from_toml
from birtizim.outreach.survey import SurveySummary, by_district, by_occupation, overall
from birtizim.reference import DEFAULT_REGION, District
from birtizim.reference import region as reference_region
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common import labels as common_labels
from birtizim.web.common.errors import NotFound
from birtizim.web.outreach import check_labels
from birtizim.web.outreach.models import (
    CitizenQuestion,
    DistrictReport,
    FollowUp,
    ImportBatch,
    OutreachEvent,
    RuleSet,
    SurveyResult,
)
from birtizim.web.registry.models import Run
from birtizim.web.registry.selectors import run_current

log = logging.getLogger("birtizim.web.outreach")

# ---- the region and its districts ---------------------------------------------------------------


def region_code() -> str:
    """The current run's region; before any run, the region the importer knows by default."""
    run = run_current()
    return (run.region if run is not None and run.region else "") or DEFAULT_REGION


def district_name(district: District, language: str | None = None) -> str:
    return common_labels.district_name(district, language)


def district_names(language: str | None = None) -> dict[str, str]:
    return {d.code: district_name(d, language) for d in reference_region(region_code()).districts}


def districts_visible(*, scope: Scope) -> list[District]:
    require(scope, Action.OUTREACH_READ)
    return [d for d in reference_region(region_code()).districts if scope.covers(d.code)]


def district_check(*, scope: Scope, district: str) -> District:
    require(scope, Action.OUTREACH_READ)
    for d in reference_region(region_code()).districts:
        if d.code == district and scope.covers(district):
            return d
    raise NotFound


M = TypeVar("M", bound=Model)


def _scoped(queryset: QuerySet[M], scope: Scope) -> QuerySet[M]:
    districts = scope.district_list()
    return queryset if districts is None else queryset.filter(district__in=districts)


# ---- what the checks read -----------------------------------------------------------------------


def figures_current() -> tuple[Run | None, list[core.DistrictFigures]]:
    """The single list's district figures from the current run's summary (no DuckDB query)."""
    run = run_current()
    if run is None:
        return None, []
    return run, [
        core.DistrictFigures.from_counts(str(d["district"]), int(d["residents"]), int(d["undetermined"]))
        for d in run.summary.get("districts", [])
    ]


@dataclass(frozen=True)
class RulesInForce:
    rule_set: RuleSet | None  # None: the built-in rules, never changed
    rules: list[Rule]
    error: str  # why the stored rules could not be used (the built-in ones apply meanwhile)

    @property
    def custom(self) -> bool:
        return self.rule_set is not None and bool(self.rule_set.text.strip())


def rules_current() -> RulesInForce:
    rule_set = RuleSet.objects.first()
    if rule_set is None or not rule_set.text.strip():
        return RulesInForce(rule_set, list(DEFAULT_RULES), "")
    try:
        return RulesInForce(rule_set, rules_from_toml(rule_set.text), "")
    except RuleError as exc:
        # Checked when saved, so only a change of the value names in a new version gets here.
        log.error("stored rule set %s no longer loads; the built-in rules apply", rule_set.pk)
        return RulesInForce(rule_set, list(DEFAULT_RULES), str(exc))


def check_title(code: str, rules: list[Rule] | None = None, language: str | None = None) -> str:
    """A check's name in the reader's language: a rule names itself, the other checks are check_labels."""
    for rule in rules if rules is not None else rules_current().rules:
        if rule.code == code:
            return rule.title(language_of(language or get_language()))
    return str(check_labels.CHECK.get(code, code))


def dataset_get(figures: list[core.DistrictFigures] | None = None) -> core.Dataset:
    """Everything in the database as the core's ``Dataset``; ``figures`` default to the current run's."""
    if figures is None:
        figures = figures_current()[1]
    return core.Dataset(
        figures=tuple(figures),
        events=tuple(
            core.OutreachEvent(e.district, e.date, e.kind, e.audience, e.reach)  # type: ignore[arg-type]
            for e in OutreachEvent.objects.order_by("id").iterator()
        ),
        questions=tuple(
            core.CitizenQuestion(q.district, q.date, q.channel, q.topic, q.count, q.kind)  # type: ignore[arg-type]
            for q in CitizenQuestion.objects.order_by("id").iterator()
        ),
        surveys=tuple(
            core.SurveyResult(s.district, s.occupation or None, s.period, s.sample_size, s.n_unaware, s.n_poor)
            for s in SurveyResult.objects.order_by("id").iterator()
        ),
        reports=tuple(
            core.DistrictReport(
                r.district, r.period, r.reported_reach_share, r.reported_actualisation, r.submitted_on, r.due_on
            )
            for r in DistrictReport.objects.order_by("id").iterator()
        ),
    )


def expected_districts(figures: list[core.DistrictFigures]) -> list[str]:
    """Who must report: the single list's districts, else every district of the region."""
    return [f.district for f in figures] or [d.code for d in reference_region(region_code()).districts]


def evaluation_fingerprint(*, run: Run | None, rules: RulesInForce, today: dt.date) -> str:
    """What a pass of the checks depends on; the same fingerprint means the same flags.

    The logs are large and only ever added to or deleted by the import: their count, last id and
    total suffice. Reports and surveys are small and edited in place, so their rows are hashed
    (a QuerySet.update() leaves no timestamp behind).
    """
    parts = [f"run={run.pk if run else 0}", f"rules={rules.rule_set.pk if rules.rule_set else 0}", f"day={today}"]
    for model, total in ((OutreachEvent, "reach"), (CitizenQuestion, "count")):
        found = model.objects.aggregate(n=Count("id"), last=Max("id"), total=Sum(total))
        parts.append(f"{model._meta.model_name}={found['n']}/{found['last']}/{found['total']}")
    digest = hashlib.sha256()
    for report in DistrictReport.objects.order_by("id").values_list(
        "id", "district", "period", "reported_reach_share", "reported_actualisation", "submitted_on", "due_on"
    ):
        digest.update(repr(report).encode())
    for cell in SurveyResult.objects.order_by("id").values_list(
        "id", "district", "occupation", "period", "sample_size", "n_unaware", "n_poor"
    ):
        digest.update(repr(cell).encode())
    parts.append(f"small={digest.hexdigest()[:32]}")
    return ";".join(parts)


# ---- flags and follow-ups -----------------------------------------------------------------------


def flags_list(
    *, scope: Scope, district: str = "", period: str = "", severity: str = "", flagged: bool | None = True
) -> QuerySet[FollowUp]:
    """The flags the checks raise now (``flagged``), by severity; filters are optional."""
    require(scope, Action.OUTREACH_READ)
    found = _scoped(FollowUp.objects.select_related("assigned_to"), scope)
    if flagged is not None:
        found = found.filter(flagged=flagged)
    if district:
        found = found.filter(district=district)
    if period:
        found = found.filter(period=period)
    if severity:
        found = found.filter(severity=severity)
    return found


def flag_periods(*, scope: Scope) -> list[str]:
    require(scope, Action.OUTREACH_READ)
    return sorted(set(_scoped(FollowUp.objects.all(), scope).values_list("period", flat=True)), reverse=True)


def severity_counts(found: QuerySet[FollowUp]) -> dict[str, int]:
    counts = Counter(found.values_list("severity", flat=True))
    return {s: counts.get(s, 0) for s in ("high", "medium", "low")}


def followups_list(*, scope: Scope, state: str = "", district: str = "", cleared: bool = False) -> QuerySet[FollowUp]:
    """Every follow-up in scope; ``cleared`` lists those the checks no longer raise."""
    require(scope, Action.OUTREACH_READ)
    found = _scoped(FollowUp.objects.select_related("assigned_to", "answered_by", "closed_by"), scope)
    if state:
        found = found.filter(state=state)
    if district:
        found = found.filter(district=district)
    return found.filter(flagged=not cleared)


def followup_get(*, scope: Scope, follow_up_id: int) -> FollowUp:
    require(scope, Action.OUTREACH_READ)
    found = _scoped(FollowUp.objects.all(), scope).filter(pk=follow_up_id).first()
    if found is None:
        raise NotFound
    return found


# ---- completeness of the districts' reports -----------------------------------------------------


def latest_period(today: dt.date) -> str | None:
    """The latest month whose reports are due by ``today`` (else the latest month with any data):
    a month still running would show every district as "not yet received"."""
    periods = set(DistrictReport.objects.values_list("period", flat=True))
    periods |= {f"{d:%Y-%m}" for d in OutreachEvent.objects.dates("date", "month")}
    due = [p for p in periods if default_due_on(p) <= today]
    return max(due or periods) if periods else None


def completeness_latest(*, scope: Scope, today: dt.date) -> Completeness | None:
    """Completeness and timeliness of the latest period's reports, over every expected district.

    Rates are region-wide aggregates (no personal data); the page lists districts by scope.
    """
    require(scope, Action.OUTREACH_READ)
    period = latest_period(today)
    if period is None:
        return None
    reports = [
        core.DistrictReport(
            r.district, r.period, r.reported_reach_share, r.reported_actualisation, r.submitted_on, r.due_on
        )
        for r in DistrictReport.objects.filter(period=period)
    ]
    return completeness(reports, expected_districts(figures_current()[1]), period, as_of=today)


# ---- a district's page and the surveys ----------------------------------------------------------


def _survey_cells(rows: QuerySet[SurveyResult]) -> list[core.SurveyResult]:
    return [
        core.SurveyResult(s.district, s.occupation or None, s.period, s.sample_size, s.n_unaware, s.n_poor)
        for s in rows
    ]


def district_overview(*, scope: Scope, district: str) -> dict[str, Any]:
    found = district_check(scope=scope, district=district)
    events = list(OutreachEvent.objects.filter(district=district))  # one query: months, the first 200, the total
    by_month: dict[str, dict[str, int]] = {}
    for e in events:
        month = by_month.setdefault(f"{e.date:%Y-%m}", {"events": 0, "reach": 0, "questions": 0})
        month["events"] += 1
        month["reach"] += e.reach
    channels: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    complaints = 0
    for q in CitizenQuestion.objects.filter(district=district):
        by_month.setdefault(f"{q.date:%Y-%m}", {"events": 0, "reach": 0, "questions": 0})["questions"] += q.count
        channels[q.channel or "—"] += q.count
        topics[q.topic or "—"] += q.count
        complaints += q.count if q.kind == CitizenQuestion.Kind.COMPLAINT else 0
    cells = _survey_cells(SurveyResult.objects.filter(district=district))
    survey_period = max((c.period for c in cells), default=None)
    figures = next((f for f in figures_current()[1] if f.district == district), None)
    return {
        "district": found,
        "name": district_name(found),
        "figures": figures,
        "months": sorted(by_month.items(), reverse=True),
        "events": events[:200],
        "events_total": len(events),
        "channels": channels.most_common(),
        "topics": topics.most_common(),
        "questions_total": sum(channels.values()),
        "complaints": complaints,
        "survey_period": survey_period,
        "survey": by_district(cells, survey_period).get(district) if survey_period else None,
        "occupations": list(by_occupation(cells, survey_period).values()) if survey_period else [],
        "reports": list(DistrictReport.objects.filter(district=district)),
        "flags": list(flags_list(scope=scope, district=district)),
    }


@dataclass(frozen=True)
class SurveyRow:
    district: str
    name: str
    period: str
    summary: SurveySummary


def surveys_overview(*, scope: Scope) -> dict[str, Any]:
    """Each district's latest survey, and occupations pooled over the latest survey period."""
    visible = districts_visible(scope=scope)
    names = {d.code: district_name(d) for d in visible}
    cells = _survey_cells(SurveyResult.objects.filter(district__in=list(names)))
    rows = []
    for code, name in names.items():
        periods = [c.period for c in cells if c.district == code]
        if periods:
            latest = max(periods)
            summary = by_district([c for c in cells if c.district == code], latest).get(code)
            if summary is not None:
                rows.append(SurveyRow(code, name, latest, summary))
    period = max((c.period for c in cells), default=None)
    return {
        "districts": rows,
        "overall": overall(cells, period) if period else None,
        "occupation_period": period,
        # The least aware first: they are whom the next outreach should reach.
        "occupations": sorted(by_occupation(cells, period).values(), key=lambda o: -o.unaware.share) if period else [],
        "cells": SurveyResult.objects.filter(district__in=list(names))[:300],
    }


# ---- imports ------------------------------------------------------------------------------------


def imports_list(*, scope: Scope, user: User) -> list[ImportBatch]:
    """Admins and analysts see every import; an officer the ones they made."""
    require(scope, Action.OUTREACH_IMPORT)
    found = ImportBatch.objects.select_related("imported_by")
    if scope.districts is not None:
        found = found.filter(imported_by=user)
    return list(found[:100])


def import_get(*, scope: Scope, user: User, batch_id: int) -> ImportBatch:
    require(scope, Action.OUTREACH_IMPORT)
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or (scope.districts is not None and batch.imported_by_id != user.pk):
        raise NotFound
    return batch
