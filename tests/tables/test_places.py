"""Place names: every spelling of a district meets its code, in Python and in DuckDB alike."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from birtizim.reference import regions
from birtizim.tables import places
from birtizim.tables.places import PlaceCount

SPELLINGS = [
    ("Талгарский район", "almaty-2019", "talgar"),
    ("ТАЛГАРСКИЙ Р-Н", "almaty-2019", "talgar"),
    ("Талғар ауданы", "almaty-2019", "talgar"),
    ("Talgar district", "almaty-2019", "talgar"),
    ("Talğar audany", "almaty-2019", "talgar"),
    ("г. Талдыкорган", "almaty-2019", "taldykorgan"),
    ("Талдықорған қ.", "almaty-2019", "taldykorgan"),
    ("Taldykorgan city", "almaty-2019", "taldykorgan"),
    ("Алакольский район", "almaty-2019", "alakol"),
    ("Алакөл", "almaty-2019", "alakol"),
    ("Енбекшиказахского района", "almaty-2019", "enbekshikazakh"),
    ("Jambyl", "almaty-2019", "zhambyl"),
    ("Илийский р-н", "almaty-2019", "ile"),
    ("Іле ауданы", "almaty-2019", "ile"),
    ("Qapshağai qalasy", "almaty-2019", "kapshagay"),
    ("Аль-Фарабийский район", "shymkent", "al-farabi"),
    ("Әл-Фараби ауданы", "shymkent", "al-farabi"),
    ("Turan", "shymkent", "turan"),
    ("Атырауский район", "almaty-2019", None),
    ("район", "almaty-2019", None),
]


@pytest.mark.parametrize(("name", "region", "code"), SPELLINGS)
def test_every_common_spelling_is_recognised(name: str, region: str, code: str | None) -> None:
    assert places.recognise(name, region) == code


def test_python_and_sql_fold_every_name_alike() -> None:
    con = duckdb.connect()
    places.install_sql(con)
    names = [n for n, _, _ in SPELLINGS]
    names += [n for r in regions().values() for d in r.districts for n in (d.name_ru, d.name_kk, d.name_en, d.code)]
    names += ["", "   ", "р-н", "x" * 300, "Șymkent", "Шымкент қаласы, Абай ауданы", "İle", "ЩУЧИНСКИЙ"]
    got = con.execute("SELECT place_key(unnest(?))", [names]).fetchall()
    assert [g[0] for g in got] == [places.place_key(n) for n in names]
    # the alias table the engine joins on is the Python lookup, region by region
    rows = con.execute("SELECT region, key, district FROM place_alias").fetchall()
    assert {(r, k): d for r, k, d in rows} == {(r, k): d for r in regions() for k, d in places.aliases(r).items()}


def test_the_region_whose_districts_cover_most_rows_is_detected() -> None:
    almaty = [PlaceCount("talgar", "Талгарский район", 600), PlaceCount("karasai", "Карасайский район", 300)]
    found = places.detect([*almaty, PlaceCount("atirauskii", "Атырауский", 100)], 1000)
    assert (found.region, found.share, found.best) == ("almaty-2019", 0.9, "almaty-2019")
    # Abay and Turan are Shymkent's, but two places of a city of twelve are a coincidence, not a region.
    other = [PlaceCount(f"place{i}", f"Место {i}", 100) for i in range(10)] + [PlaceCount("abai", "Абай", 100)]
    found = places.detect([*other, PlaceCount("turan", "Туран", 100)], 1200)
    assert found.region is None and found.best == "shymkent" and found.share == pytest.approx(0.1667, abs=1e-4)
    assert places.detect([], 0).region is None


def test_places_of_an_unknown_region_are_kept_as_written() -> None:
    counted = [
        PlaceCount("aleksandrovka", "с. Александровка", 5),
        PlaceCount("zhanaarka", "Жанааркинский район", 50),
        PlaceCount("x" * 60, "x" * 60, 1),
    ]
    region, lookup = places.as_written(counted, as_of=dt.date(2025, 1, 1))
    assert region.code == "" and region.default_as_of == dt.date(2025, 1, 1)
    assert [(d.code, d.name_ru) for d in region.districts] == [
        ("zhanaarka", "Жанааркинский район"),
        ("aleksandrovka", "с. Александровка"),
        (places.slug("x" * 60), "x" * 60),
    ]
    assert lookup["zhanaarka"] == "zhanaarka" and len(places.slug("x" * 60)) <= 48
    assert all(c.replace("-", "").isalnum() and c.isascii() for c in lookup.values())  # URL- and file-safe
