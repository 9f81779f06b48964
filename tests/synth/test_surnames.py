"""Surnames as often as the country's: the commonest at their counted shares, none commoner."""

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

import bench.__main__ as bench_main
from birtizim import synth
from birtizim.engine import names
from birtizim.reference import region
from birtizim.synth import forms, namepools, population


def test_each_group_shares_add_up_and_the_counted_roots_keep_their_count() -> None:
    built = forms.build()
    kazakh_share = region(forms.COUNTRY).kazakh_name_share
    for key, group_share, first in (("kk", kazakh_share, "Ахмет"), ("ru", 1 - kazakh_share, "Иванов")):
        shares = built.surname_shares[key]
        assert shares.sum() == pytest.approx(1.0)
        assert (shares > 0).all()
        entries = forms.kazakh_surname_roots() if key == "kk" else list(namepools.RUSSIAN_SURNAMES)
        counted = namepools.SURNAME_COUNTS_2014[first] / (namepools.COUNTRY_POPULATION_2014 * group_share)
        assert shares[entries.index(first)] == pytest.approx(counted)
    roots = forms.kazakh_surname_roots()
    ahmet = built.surname_shares["kk"][roots.index("Ахмет")]
    # Ахметов: 73,627 of 17,165,200 residents, 0.43% of the country, a larger share of its name group
    assert ahmet == pytest.approx(73_627 / (17_165_200 * kazakh_share))
    # no uncounted surname is commoner than the least common counted one
    counted = [namepools.SURNAME_COUNTS_2014.get(r, 0) for r in roots]
    uncounted = built.surname_shares["kk"][np.array(counted) == 0]
    least_counted = min(c for c in counted if c) / (17_165_200 * kazakh_share)
    assert uncounted.max() < least_counted


def test_the_pool_holds_distinct_surnames_whose_keys_rarely_meet() -> None:
    roots = forms.kazakh_surname_roots()
    assert len(roots) == len(set(roots)) > 1_000
    assert len(namepools.RUSSIAN_SURNAMES) == len(set(namepools.RUSSIAN_SURNAMES)) > 300
    keys = {names.fold_surname(forms._kazakh_surname(r, False)) for r in roots}
    assert len(keys) > 0.95 * len(roots)  # folding merges few roots: the pool's size is real


@pytest.mark.parametrize(
    ("male", "female"),
    [
        ("Иванов", "Иванова"),
        ("Королёв", "Королёва"),
        ("Ильин", "Ильина"),
        ("Покровский", "Покровская"),
        ("Ким", "Ким"),
        ("Шевченко", "Шевченко"),
        ("Шмидт", "Шмидт"),
    ],
)
def test_russian_female_surnames_follow_the_ending(male: str, female: str) -> None:
    assert forms.russian_female_surname(male) == female
    assert names.fold_surname(male) == names.fold_surname(female)


def test_drawn_residents_carry_surnames_at_their_shares() -> None:
    built = forms.build()
    rng = np.random.default_rng(3)
    n = 400_000
    entries = population._pick_surname(built, "kk", n, rng)
    roots = forms.kazakh_surname_roots()
    drawn_share = float((entries == roots.index("Ахмет")).mean())
    expected = built.surname_shares["kk"][roots.index("Ахмет")]
    assert abs(drawn_share - expected) < 4 * np.sqrt(expected / n)
    ru_offset, ru_size = built.surname_groups["ru"]
    drawn_ru = population._pick_surname(built, "ru", 10_000, rng)
    assert ((drawn_ru >= ru_offset) & (drawn_ru < ru_offset + ru_size)).all()


def test_the_bench_draws_again_a_region_of_an_earlier_edition(tmp_path: Path) -> None:
    folder = bench_main.region_for(100, 7, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == synth.GENERATOR
    stamp = (folder / "manifest.json").stat().st_mtime_ns
    assert bench_main.region_for(100, 7, tmp_path) == folder  # current: kept
    assert (folder / "manifest.json").stat().st_mtime_ns == stamp
    manifest["generator"] = synth.GENERATOR - 1
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    bench_main.region_for(100, 7, tmp_path)
    again = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert again["generator"] == synth.GENERATOR
    assert dt.date.fromisoformat(again["as_of"])  # a whole manifest, written anew
