"""OC4IDS (Open Contracting for Infrastructure Data Standard) export of forecast objects.

A project package holds one project per object: identification, period, sector, location, budget,
parties (the contractor identified by its BIN under the org-id scheme KZ-BIN), the contract with
its modifications, the baseline activities as milestones, reported physical progress as a metric
and the completion forecast as forecasts. Field names follow the OC4IDS project schema; sector and
type use its codelists, with one extension to the open sector codelist (``housing``: the capital
repair of apartment buildings is not social housing).

Dates become date-times at midnight Kazakhstan time (UTC+5, one zone for the whole country since
March 2024), as the schema asks for date-times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from birtizim.projects.forecast import Forecast
from birtizim.projects.model import ObjectKind, ProjectObject, WorkType
from birtizim.tables.bin_number import is_valid_bin

OC4IDS_VERSION = "0.9"
CURRENCY = "KZT"
COUNTRY = "Kazakhstan"
_TZ = dt.timezone(dt.timedelta(hours=5))

SECTORS: dict[ObjectKind, list[str]] = {
    ObjectKind.SCHOOL: ["education"],
    ObjectKind.KINDERGARTEN: ["education"],
    ObjectKind.CLINIC: ["health"],
    ObjectKind.HOSPITAL: ["health"],
    ObjectKind.APARTMENT_BUILDING: ["housing"],
    ObjectKind.SPORTS_FACILITY: ["cultureSportsAndRecreation"],
    ObjectKind.CULTURAL_CENTRE: ["cultureSportsAndRecreation"],
    ObjectKind.OTHER: [],
}
PROJECT_TYPES = {WorkType.NEW_BUILD: "construction", WorkType.CAPITAL_REPAIR: "rehabilitation"}


def _when(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, tzinfo=_TZ).isoformat()


def _money(amount: float) -> dict[str, Any]:
    return {"amount": round(amount, 2), "currency": CURRENCY}


def party_id(bin_value: str) -> str:
    return f"KZ-BIN-{bin_value}"


def _original_terms(project: ProjectObject) -> tuple[dt.date, float]:
    """Deadline and amount as first signed: the values before the earliest change of each."""
    changes = sorted(project.contract_changes, key=lambda c: c.date)
    deadline = next((c.old_deadline for c in changes if c.old_deadline is not None), project.deadline)
    amount = next((c.old_amount for c in changes if c.old_amount is not None), project.budget)
    return deadline, amount


def _modifications(project: ProjectObject) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, c in enumerate(sorted(project.contract_changes, key=lambda c: c.date), start=1):
        mod: dict[str, Any] = {"id": str(n), "date": _when(c.date), "description": c.what}
        kinds = []
        if c.old_deadline is not None and c.new_deadline is not None:
            kinds.append("duration")
            mod["oldContractPeriod"] = {"endDate": _when(c.old_deadline)}
            mod["newContractPeriod"] = {"endDate": _when(c.new_deadline)}
        if c.old_amount is not None and c.new_amount is not None:
            kinds.append("value")
            mod["oldContractValue"] = _money(c.old_amount)
            mod["newContractValue"] = _money(c.new_amount)
        # The codelist has one type per modification; a change of both is recorded as "duration"
        # and its values still appear above.
        mod["type"] = kinds[0] if kinds else "other"
        out.append(mod)
    return out


def oc4ids_project(f: Forecast, *, id_prefix: str = "") -> dict[str, Any]:
    """One object as an OC4IDS project. ``id_prefix`` is the publisher's registered OC4IDS prefix, if any."""
    p = f.project
    e = f.earned
    s = f.simulation
    finished = e.finished_on is not None
    original_deadline, original_amount = _original_terms(p)
    supplier = {"id": party_id(p.contractor_bin), "name": p.contractor_name}
    party: dict[str, Any] = {**supplier, "roles": ["supplier"]}
    if is_valid_bin(p.contractor_bin):
        party["identifier"] = {"scheme": "KZ-BIN", "id": p.contractor_bin, "legalName": p.contractor_name}

    project: dict[str, Any] = {
        "id": f"{id_prefix}{p.code}",
        "updated": _when(f.as_of),
        "title": p.name,
        "description": f"{p.work.value.replace('_', ' ')} of a {p.kind.value.replace('_', ' ')}, {p.locality}",
        "status": "completion" if finished else "implementation",
        "type": PROJECT_TYPES[p.work],
        "sector": SECTORS[p.kind],
        "purpose": p.deadline_reason,
        "period": {
            "startDate": _when(f.baseline.start),
            "endDate": _when(p.deadline),
            "durationInDays": (p.deadline - f.baseline.start).days,
        },
        "locations": [
            {
                "id": "1",
                "description": f"{p.locality}, {p.address}" if p.address else p.locality,
                "address": {
                    "streetAddress": p.address,
                    "locality": p.locality,
                    "region": p.district,
                    "countryName": COUNTRY,
                },
            }
        ],
        "budget": {"amount": _money(p.budget)},
        "parties": [party],
        "documents": [],
        "contractingProcesses": [
            {
                "id": p.contract_number,
                "summary": {
                    "externalReference": p.contract_number,
                    "nature": ["construction"],
                    "title": p.name,
                    "status": "closed" if finished else "active",
                    "suppliers": [supplier],
                    "contractValue": _money(original_amount),
                    "contractPeriod": {"startDate": _when(f.baseline.start), "endDate": _when(original_deadline)},
                    "modifications": _modifications(p),
                },
            }
        ],
        "milestones": [
            {
                "id": a.code,
                "title": a.name,
                "type": "delivery",
                "dueDate": _when(a.planned_finish),
                "status": _milestone_status(f.progress.get(a.code, 0.0), a.planned_finish, f.as_of),
            }
            for a in f.baseline.activities
        ],
        "metrics": [
            {
                "id": "physicalProgress",
                "title": "Physical progress, percent complete as reported",
                "observations": [
                    {
                        "id": point.date.isoformat(),
                        "period": {"endDate": _when(point.date)},
                        "measure": point.percent,
                        "unit": {"name": "percent"},
                    }
                    for point in f.actual
                ],
            }
        ],
        "forecasts": [
            {
                "id": "completionDate",
                "title": "Forecast completion date",
                "description": (
                    f"Monte Carlo over the remaining work ({s.trials} trials) as of {e.data_date.isoformat()}; "
                    "Earned Schedule IEAC(t) for comparison."
                ),
                "observations": [
                    {"id": name, "period": {"endDate": _when(day)}, "notes": note}
                    for name, day, note in (
                        ("p50", s.p50, "median forecast finish"),
                        ("p80", s.p80, "80% of trials finish by this date"),
                        ("ieac", e.forecast_finish, "start + planned duration / SPI(t)"),
                    )
                    if day is not None
                ],
            },
            {
                "id": "onTimeProbability",
                "title": "Probability of being ready by the deadline",
                "observations": [
                    {
                        "id": "1",
                        "period": {"endDate": _when(p.deadline)},
                        "measure": round(s.p_on_time, 4),
                        "notes": f"{f.risk.rag.value}: {f.risk.reason}",
                    }
                ],
            },
        ],
    }
    if finished and e.finished_on is not None:
        project["completion"] = {"endDate": _when(e.finished_on), "finalValue": _money(e.ac)}
    return project


def _milestone_status(percent: float, due: dt.date, as_of: dt.date) -> str:
    if percent >= 100:
        return "met"
    if due < as_of:
        return "partiallyMet" if percent > 0 else "notMet"
    return "scheduled"


def oc4ids_package(
    forecasts: Iterable[Forecast],
    *,
    published: dt.datetime,
    publisher: str,
    uri: str = "",
    license_url: str = "",
    id_prefix: str = "",
) -> dict[str, Any]:
    """A project package (the container OC4IDS data is published in) holding every forecast object."""
    package: dict[str, Any] = {
        "version": OC4IDS_VERSION,
        "publishedDate": published.isoformat(),
        "publisher": {"name": publisher},
        "projects": [oc4ids_project(f, id_prefix=id_prefix) for f in forecasts],
    }
    if uri:
        package["uri"] = uri
    if license_url:
        package["license"] = license_url
    return package
