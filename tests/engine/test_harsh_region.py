"""The whole reconciliation on an adversarial region (``synth --damage harsh``), against its truth."""

from __future__ import annotations

import json
from typing import Any

import pytest

from birtizim.engine import pipeline
from birtizim.engine.ingest import Source
from birtizim.eval import evaluate
from birtizim.synth import synthesize

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    region = tmp_path_factory.mktemp("harsh")
    synthesize(region="almaty-2019", residents=20_000, seed=3, out=region, damage_mode="harsh")
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    run = pipeline.reconcile(
        [Source(s["kind"], region / s["path"]) for s in manifest["sources"]], tmp_path_factory.mktemp("run")
    )
    return evaluate(run.folder, region / "truth")


def test_links_meet_the_quality_bar_on_lists_written_by_a_hostile_clerk(scores: dict[str, Any]) -> None:
    assert scores["link_f1"] >= 0.99, scores
    assert scores["link_precision"] >= 0.999, scores


def test_no_row_stays_silently_with_the_resident_whose_iin_it_carries(scores: dict[str, Any]) -> None:
    carried = scores["another_residents_iin"]
    assert carried["rows"] > 200
    assert carried["linked_to_that_resident_without_conflict"] == 0


@pytest.mark.parametrize(
    "kind",
    ["iin_dashes", "iin_odd_spaces", "iin_letters", "iin_scientific_3", "latin_2018", "name_order", "two_digit_year"],
)
def test_damage_the_engine_now_reads_is_linked(scores: dict[str, Any], kind: str) -> None:
    assert scores["recall_by_kind"][f"damage_{kind}"]["recall"] >= 0.97, scores["recall_by_kind"][f"damage_{kind}"]


def test_most_rows_with_another_residents_iin_find_their_own_person(scores: dict[str, Any]) -> None:
    assert scores["recall_by_kind"]["damage_relative_iin"]["recall"] >= 0.9
    assert scores["recall_by_kind"]["damage_random_iin"]["recall"] >= 0.75
