"""Outreach and plausibility: outreach logs, surveys, and the checks that tell leadership which
reported figures cannot be believed.

Pure Python (+ numpy, DuckDB for reading a run); never imports Django. The web app persists the
entities of ``model`` and calls ``evaluate_all`` for the red-flags page. Modules:

- ``model``: the entities (events, questions, surveys, district reports, the single list's figures);
- ``importer``: outreach and question logs from XLSX/CSV with ru/kk/en headers, rejects with reasons;
- ``survey``: shares with Wilson 95% intervals by district and occupation;
- ``data_elements``: the named per-district, per-period values rules speak about (DHIS2's data elements);
- ``expressions`` / ``messages``: the safe evaluator and the one-sentence templates (ru, kk, en);
- ``sentences``: the sentences of outliers and completeness, district names in each language;
- ``rules``: DHIS2-style validation rules as data, with the defaults;
- ``outliers``: modified z-scores across districts and over time;
- ``completeness``: completeness and timeliness of district reports;
- ``flags``: ``evaluate_all`` runs everything and returns explained flags by severity;
- ``run_figures``: the single list's district figures from a run.

The synthetic demo data is ``birtizim.synth.outreach``.
"""

from birtizim.outreach.flags import Flag, evaluate_all
from birtizim.outreach.model import (
    CitizenQuestion,
    Dataset,
    DistrictFigures,
    DistrictReport,
    OutreachEvent,
    SurveyResult,
)

__all__ = [
    "CitizenQuestion",
    "Dataset",
    "DistrictFigures",
    "DistrictReport",
    "Flag",
    "OutreachEvent",
    "SurveyResult",
    "evaluate_all",
]
