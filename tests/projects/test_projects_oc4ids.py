"""The OC4IDS export: the project package's shape, with the numbers of a hand-built object."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from projects_builders import D, report, school, two_step_baseline

from birtizim.projects.forecast import forecast
from birtizim.projects.model import ContractChange
from birtizim.projects.oc4ids import oc4ids_package, oc4ids_project

CHANGES = (
    ContractChange(D(2025, 3, 20), "additional agreement 1", D(2025, 5, 15), D(2025, 6, 1)),
    ContractChange(D(2025, 4, 2), "extra roof works", old_amount=90e6, new_amount=100e6),
)


def _project() -> dict[str, Any]:
    reports = (report(D(2025, 3, 31), {"A": 100, "B": 10}), report(D(2025, 4, 10), {"A": 100, "B": 30}, money=40e6))
    f = forecast(school(changes=CHANGES), two_step_baseline(), reports, as_of=D(2025, 4, 12), trials=300)
    return oc4ids_project(f, id_prefix="oc4ids-test-")


def test_it_exports_the_project_level_fields() -> None:
    p = _project()
    assert p["id"] == "oc4ids-test-T-1"
    assert p["title"] == "Test school"
    assert p["status"] == "implementation"
    assert p["type"] == "rehabilitation"
    assert p["sector"] == ["education"]
    assert p["period"] == {
        "startDate": "2025-03-01T00:00:00+05:00",
        "endDate": "2025-09-01T00:00:00+05:00",
        "durationInDays": 184,
    }
    assert p["budget"] == {"amount": {"amount": 100_000_000.0, "currency": "KZT"}}
    assert p["locations"][0]["address"] == {
        "streetAddress": "Main street 1",
        "locality": "Karabulak",
        "region": "eskeldi",
        "countryName": "Kazakhstan",
    }


def test_it_identifies_the_contractor_by_bin() -> None:
    p = _project()
    (party,) = p["parties"]
    bin_value = party["identifier"]["id"]
    assert party["id"] == f"KZ-BIN-{bin_value}"
    assert party["identifier"]["scheme"] == "KZ-BIN"
    assert party["roles"] == ["supplier"]
    supplier = p["contractingProcesses"][0]["summary"]["suppliers"][0]
    assert supplier == {"id": party["id"], "name": party["name"]}


def test_it_logs_contract_modifications_from_the_original_terms() -> None:
    summary = _project()["contractingProcesses"][0]["summary"]
    assert summary["contractValue"] == {"amount": 90_000_000.0, "currency": "KZT"}  # before the change
    assert summary["contractPeriod"]["endDate"] == "2025-05-15T00:00:00+05:00"
    first, second = summary["modifications"]
    assert first["type"] == "duration"
    assert first["oldContractPeriod"] == {"endDate": "2025-05-15T00:00:00+05:00"}
    assert first["newContractPeriod"] == {"endDate": "2025-06-01T00:00:00+05:00"}
    assert second["type"] == "value"
    assert second["newContractValue"] == {"amount": 100_000_000.0, "currency": "KZT"}


def test_it_turns_activities_into_milestones_and_reports_into_metrics() -> None:
    p = _project()
    # As of 12 April: A done; B due 30 April at 30%.
    assert [(m["id"], m["status"]) for m in p["milestones"]] == [("A", "met"), ("B", "scheduled")]
    progress = p["metrics"][0]["observations"]
    # 31 March: 0.3 + 0.7 * 0.1 = 37%; 10 April: 0.3 + 0.7 * 0.3 = 51%.
    assert [(o["id"], o["measure"]) for o in progress] == [("2025-03-31", 37.0), ("2025-04-10", 51.0)]


def test_it_publishes_the_completion_forecast() -> None:
    p = _project()
    completion, on_time = p["forecasts"]
    ids = [o["id"] for o in completion["observations"]]
    assert ids == ["p50", "p80", "ieac"]
    assert all(o["period"]["endDate"].endswith("T00:00:00+05:00") for o in completion["observations"])
    (observation,) = on_time["observations"]
    assert 0.0 <= observation["measure"] <= 1.0
    assert observation["notes"].split(":")[0] in {"red", "amber", "green"}
    assert "completion" not in p


def test_it_wraps_projects_in_a_package_that_serialises() -> None:
    reports = (report(D(2025, 4, 28), {"A": 100, "B": 100}, money=95e6),)
    done = forecast(school(), two_step_baseline(), reports, as_of=D(2025, 5, 2), trials=50)
    package = oc4ids_package(
        [done],
        published=dt.datetime(2025, 5, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        publisher="Regional construction department",
        uri="https://example.org/oc4ids.json",
    )
    text = json.dumps(package, ensure_ascii=False)
    back = json.loads(text)
    assert back["version"] == "0.9"
    assert back["publishedDate"] == "2025-05-02T09:00:00+05:00"
    assert back["publisher"] == {"name": "Regional construction department"}
    (project,) = back["projects"]
    assert project["status"] == "completion"
    assert project["completion"] == {
        "endDate": "2025-04-28T00:00:00+05:00",
        "finalValue": {"amount": 95_000_000.0, "currency": "KZT"},
    }
    assert project["contractingProcesses"][0]["summary"]["status"] == "closed"


def test_it_leaves_out_the_identifier_of_an_invalid_bin() -> None:
    reports = (report(D(2025, 3, 31), {"A": 50}),)
    f = forecast(school(contractor_bin="123"), two_step_baseline(), reports, as_of=D(2025, 4, 1), trials=50)
    (party,) = oc4ids_project(f)["parties"]
    assert "identifier" not in party
