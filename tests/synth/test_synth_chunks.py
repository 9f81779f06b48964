"""A region drawn a chunk of districts at a time: the same files, one header each, identities unique
across chunks, and the engine reconciles it as well as a region drawn at once."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from birtizim.reference import COUNTRY, region
from birtizim.synth import agencies, chunks, synthesize

RESIDENTS = 3_000
CHUNK = 1_000  # four chunks of the Almaty region's 19 districts


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chunked")
    synthesize(region="almaty-2019", residents=RESIDENTS, seed=12, out=out, chunk_residents=CHUNK)
    return out


@pytest.fixture(scope="module")
def manifest(chunked: Path) -> dict[str, Any]:
    return json.loads((chunked / "manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _file_rows(path: Path, spec: agencies.SourceSpec) -> list[list[Any]]:
    """Every row of an agency file, the header first, read the plain way (csv module / calamine)."""
    if spec.fmt == "xlsx":
        return [list(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()]
    text = path.read_bytes().decode(spec.encoding)
    return list(csv.reader(io.StringIO(text), delimiter=spec.delimiter))


def test_chunks_are_whole_districts_in_order_and_add_up() -> None:
    country = region(COUNTRY)
    plan = chunks.plan(country, 20_000_000, chunks.CHUNK_RESIDENTS)
    assert len(plan) > 1
    assert sum(c.residents for c in plan) == 20_000_000
    assert [d for c in plan for d in c.region.districts] == list(country.districts)
    assert [c.first_district for c in plan] == list(np.cumsum([0] + [len(c.region.districts) for c in plan])[:-1])
    assert all(c.residents <= chunks.CHUNK_RESIDENTS * 1.001 or len(c.region.districts) == 1 for c in plan)
    # a region that fits is one chunk: the region itself, drawn as it always was
    assert chunks.plan(region("almaty-2019"), 2_059_200, chunks.CHUNK_RESIDENTS) == [
        chunks.Chunk(0, region("almaty-2019"), 2_059_200)
    ]


def test_every_file_holds_the_manifests_rows_under_one_header(chunked: Path, manifest: dict[str, Any]) -> None:
    assert len(chunks.plan(region("almaty-2019"), RESIDENTS, CHUNK)) >= 3
    truth = pq.read_table(chunked / "truth" / "rows.parquet").to_pydict()
    for s in manifest["sources"]:
        spec = next(x for x in agencies.SOURCES if x.kind == s["kind"])
        header, *data = _file_rows(chunked / s["path"], spec)
        assert [str(h) for h in header] == list(spec.headers.values()), s["kind"]
        assert header not in data, f"{s['kind']}: a header in the middle of the file"
        assert len(data) == s["rows"] > 0, s["kind"]
        numbers = [n for k, n in zip(truth["source"], truth["row_number"], strict=True) if k == s["kind"]]
        assert sorted(numbers) == list(range(2, s["rows"] + 2)), s["kind"]  # record ids unique, contiguous


def test_person_ids_and_iins_are_unique_across_chunks(chunked: Path, manifest: dict[str, Any]) -> None:
    persons = pq.read_table(chunked / "truth" / "persons.parquet").to_pydict()
    assert len(persons["person_id"]) == manifest["registry_rows"]
    assert sorted(persons["person_id"]) == list(range(1, manifest["registry_rows"] + 1))
    assert len(set(persons["iin"])) == len(persons["iin"])
    assert sum(manifest["status_counts"].values()) == manifest["registry_rows"]
    # every chunk's districts are there, under the whole region's codes
    assert set(persons["district"]) == {d.code for d in region("almaty-2019").districts}
    # outsiders (in agency lists, not in the registry) took no registry IIN, nor one another's
    registry_iins = set(persons["iin"])
    truth = pq.read_table(chunked / "truth" / "rows.parquet").to_pydict()
    spec = next(x for x in agencies.SOURCES if x.kind == "contributions")
    _, *data = _file_rows(chunked / "sources" / spec.filename, spec)
    clean = [k for k in agencies.NOISE_KINDS if k.startswith("iin")]
    outsider_iins = [
        data[truth["row_number"][i] - 2][0]
        for i, kind in enumerate(truth["source"])
        if kind == "contributions"
        and truth["noise_outsider"][i]
        and not truth["noise_duplicate"][i]
        and not any(truth[f"noise_{k}"][i] for k in clean)
    ]
    assert outsider_iins
    assert not registry_iins & set(outsider_iins)
    assert len(set(outsider_iins)) == len(outsider_iins)


def test_the_engine_reconciles_a_chunked_region_as_well_as_one_drawn_at_once(chunked: Path, tmp_path: Path) -> None:
    from birtizim.engine import pipeline
    from birtizim.engine.ingest import Source
    from birtizim.eval import evaluate

    whole = tmp_path / "whole"
    synthesize(region="almaty-2019", residents=RESIDENTS, seed=12, out=whole)
    f1 = {}
    for name, folder in (("whole", whole), ("chunked", chunked)):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        run = pipeline.reconcile([Source(s["kind"], folder / s["path"]) for s in manifest["sources"]], tmp_path / name)
        assert run.region == "almaty-2019"
        f1[name] = evaluate(run.folder, folder / "truth")["link_f1"]
    assert f1["chunked"] >= 0.99
    assert abs(f1["chunked"] - f1["whole"]) <= 0.01
