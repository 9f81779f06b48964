"""The outreach demo: the synthetic logs, questions, surveys and reports of ``birtizim.synth.outreach``
into the database, replacing an earlier load; then every check runs, so the red flags are ready."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from birtizim.synth.outreach import build_demo
from birtizim.web.demo.records import row_from
from birtizim.web.outreach import selectors
from birtizim.web.outreach.models import (
    CitizenQuestion,
    DistrictReport,
    Evaluation,
    ImportBatch,
    OutreachEvent,
    SurveyResult,
)
from birtizim.web.outreach.services import flags_sync


@dataclass(frozen=True)
class DemoLoaded:
    events: int
    questions: int
    surveys: int
    reports: int
    with_run: bool
    evaluation: Evaluation | None


@transaction.atomic
def demo_load(*, seed: int = 1) -> DemoLoaded:
    """The core's demo data into the database, replacing an earlier load (idempotent).

    The district figures are the current run's when there is one, so the planted numbers scale to
    its residents. Reports and survey cells a person entered are kept; the demo skips those.
    """
    run, figures = selectors.figures_current()
    data = build_demo(seed, figures=figures or None)
    ImportBatch.objects.filter(kind=ImportBatch.Kind.DEMO).delete()
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.DEMO,
        original_name=f"demo seed {seed}",
        accepted=len(data.events) + len(data.questions),
        districts=list(data.districts),
    )
    OutreachEvent.objects.bulk_create(row_from(OutreachEvent, e, batch=batch) for e in data.events)
    CitizenQuestion.objects.bulk_create(row_from(CitizenQuestion, q, batch=batch) for q in data.questions)
    held_reports = set(DistrictReport.objects.values_list("district", "period"))
    reports = [
        row_from(DistrictReport, r, batch=batch) for r in data.reports if (r.district, r.period) not in held_reports
    ]
    DistrictReport.objects.bulk_create(reports)
    held_cells = set(SurveyResult.objects.values_list("district", "occupation", "period"))
    surveys = [
        row_from(SurveyResult, s, occupation=s.occupation or "", batch=batch)
        for s in data.surveys
        if (s.district, s.occupation or "", s.period) not in held_cells
    ]
    SurveyResult.objects.bulk_create(surveys)
    evaluation = flags_sync(force=True)
    return DemoLoaded(len(data.events), len(data.questions), len(surveys), len(reports), run is not None, evaluation)
