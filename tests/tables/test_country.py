"""The country as one region: every district of Kazakhstan, told apart by name, adding up to each region."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from birtizim.reference import COUNTRY, region, regions
from birtizim.tables import places


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("birtizim.reference").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_every_region_of_the_country_has_districts_that_add_up_to_its_total() -> None:
    country = region(COUNTRY)
    totals = {r["code"]: int(r["population"]) for r in _rows("country_regions.csv")}
    assert len(totals) == 20  # 17 regions and 3 cities of republican significance
    for code, total in totals.items():
        mine = [d for d in country.districts if d.code.startswith(f"{code}-")]
        assert mine, code
        assert abs(sum(d.population for d in mine) - total) <= len(mine)  # rounding only
    assert country.population == sum(totals.values())
    assert all(d.population_is_estimate for d in country.districts)


def test_every_district_of_the_country_has_a_name_no_other_district_folds_to() -> None:
    country = region(COUNTRY)
    codes = [d.code for d in country.districts]
    assert len(set(codes)) == len(codes)
    seen: dict[str, str] = {}
    for d in country.districts:
        for name in (d.code, d.name_ru, d.name_kk, d.name_en):
            key = places.place_key(name)
            assert key is not None
            assert seen.setdefault(key, d.code) == d.code, f"{name!r} folds like {seen[key]}"


def test_the_country_does_not_take_over_the_regions_detection() -> None:
    # every name of a region's districts is recognised as that region's, never as the country's
    for code in regions():
        if code == COUNTRY:
            continue
        counts = [places.PlaceCount(k, k, 1) for k in places.aliases(code)]
        assert places.detect(counts, len(counts)).region == code


def test_a_synthetic_country_is_recognised_and_reconciled(tmp_path: Path) -> None:
    import json

    from birtizim.engine import pipeline
    from birtizim.engine.ingest import Source
    from birtizim.eval import evaluate
    from birtizim.synth import synthesize

    synthesize(region=COUNTRY, residents=5_000, seed=4, out=tmp_path / "country")
    manifest = json.loads((tmp_path / "country/manifest.json").read_text(encoding="utf-8"))
    sources = [Source(s["kind"], tmp_path / "country" / s["path"]) for s in manifest["sources"]]
    run = pipeline.reconcile(sources, tmp_path / "run")
    assert run.region == COUNTRY  # chosen by the registry's district names, not given
    known = {d.code for d in region(COUNTRY).districts}
    assert {d.district for d in run.districts} <= known
    assert len(run.districts) > 150  # 5,000 residents reach most of the 225 places
    metrics = evaluate(run.folder, tmp_path / "country/truth")
    assert metrics["link_f1"] >= 0.99
