"""Any registry, any region: a known region detected or named, another region's (or a city's) places
kept as written, no district column at all; and two-digit years read with the row's IIN."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from birtizim.cli import app
from birtizim.engine import iin, pipeline
from birtizim.engine.ingest import Source
from birtizim.engine.sources import SourceError
from birtizim.tables import places

# Akmola region's districts and towns: no known region has them (neither Almaty region nor Shymkent).
AKMOLA = ["Бурабайский район", "Зерендинский р-н", "г. Кокшетау", "Аршалынский район", "Целиноградский район"]


def make_iin(born: dt.date, sex: str, serial: int) -> str:
    """A valid IIN (some serials give no check digit: the next one does)."""
    while (number := iin.make(born, sex, serial)) is None:
        serial += 1
    return number


def registry(path: Path, districts: list[str | None], *, birth: str = "%d.%m.%Y", with_district: bool = True) -> Path:
    lines = ["ИИН;Фамилия;Имя;Дата рождения;Пол" + (";Район" if with_district else "")]
    for i, district in enumerate(districts):
        born = dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
        number = make_iin(born, "M", 1000 + i * 3)
        cells = [number, f"Фамилия{chr(1072 + i % 30)}", "Ерлан", born.strftime(birth), "М"]
        lines.append(";".join(cells + ([district or ""] if with_district else [])))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def report(run: pipeline.Run) -> list[tuple[str, str, int]]:
    con = duckdb.connect(str(run.folder / "run.duckdb"), read_only=True)
    try:
        return con.execute("SELECT district, name, residents FROM district_report ORDER BY district").fetchall()
    finally:
        con.close()


def test_a_registry_of_another_region_keeps_its_places_as_written(tmp_path: Path) -> None:
    names = [AKMOLA[i % 5] for i in range(50)] + ["Бурабай ауданы"] * 5 + [None, "район"]
    path = registry(tmp_path / "registry.csv", names)
    run = pipeline.reconcile([Source("registry", path)], tmp_path / "run", as_of=dt.date(2025, 1, 1))
    assert run.region == ""  # no known region: the registry's own places
    got = report(run)
    assert ("burabai", "Бурабайский район", 15) in got  # "Бурабай ауданы" is the same place
    assert ("kokshetau", "г. Кокшетау", 10) in got and (
        "zerendinskii".removesuffix("skii"),
        "Зерендинский р-н",
        10,
    ) in got
    assert (places.UNPLACED.code, places.UNPLACED.name_ru, 2) in got  # no name, or only "район"
    assert sum(r[2] for r in got) == 57
    assert run.district_names["burabai"] == "Бурабайский район"
    assert any("match no known region" in w for w in run.warnings)
    assert any("2 registry rows name no district" in w for w in run.warnings)
    meta = json.loads((run.folder / "run.json").read_text(encoding="utf-8"))
    assert meta["region"] == "" and meta["warnings"] == run.warnings
    assert sorted(p.name for p in (run.folder / "worklists").iterdir()) == sorted(f"{d}.xlsx" for d, _, _ in got)


def test_a_registry_without_a_district_column_is_one_unplaced_list(tmp_path: Path) -> None:
    path = registry(tmp_path / "registry.csv", [None] * 30, with_district=False)
    pension = tmp_path / "pension.csv"
    pension.write_text("ИИН,ФИО,Район\n" + f"{make_iin(dt.date(1960, 1, 1), 'M', 1000)},Фамилияа Ерлан,Талгар\n")
    run = pipeline.reconcile([Source("registry", path), Source("pension", pension)], tmp_path / "run")
    assert run.region == "" and run.as_of == dt.date.today()
    assert report(run) == [(places.UNPLACED.code, places.UNPLACED.name_ru, 30)]
    assert any("names no district" in w for w in run.warnings)


def test_a_known_region_is_detected_or_named(tmp_path: Path) -> None:
    almaty = ["Талгарский район", "Талғар ауданы", "Karasay district", "г. Талдыкорган"] * 10 + ["Атлантида"] * 2
    path = registry(tmp_path / "registry.csv", almaty)
    run = pipeline.reconcile([Source("registry", path)], tmp_path / "run")
    assert run.region == "almaty-2019" and run.as_of == dt.date(2020, 1, 1)
    got = {d: n for d, _, n in report(run)}
    assert got == {"talgar": 20, "karasay": 10, "taldykorgan": 10, places.UNPLACED.code: 2}
    assert run.warnings == [
        "2 registry rows name a district Almaty region (before the 2022 split) does not have ('Атлантида'); "
        "they are counted under 'District not given or not recognised'"
    ]
    named = pipeline.reconcile([Source("registry", path)], tmp_path / "named", region="shymkent")
    assert named.region == "shymkent" and {d for d, _, _ in report(named)} == {places.UNPLACED.code}
    assert any("only 0% of the registry's rows" in w for w in named.warnings)
    known = "almaty-2019, kazakhstan-2025, shymkent"
    with pytest.raises(SourceError, match=f"unknown region 'atlantis'; known regions: {known}"):
        pipeline.reconcile([Source("registry", path)], tmp_path / "bad", region="atlantis")


def test_the_cli_takes_a_region_and_prints_the_warnings(tmp_path: Path) -> None:
    path = registry(tmp_path / "registry.csv", [AKMOLA[i % 5] for i in range(20)])
    runner = CliRunner()
    result = runner.invoke(app, ["reconcile", "--source", f"registry={path}", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "districts as written" in result.output and "Бурабайский район" in result.output
    assert "Warning:" in result.output and "match no known region" in " ".join(result.output.split())
    bad = runner.invoke(
        app, ["reconcile", "--source", f"registry={path}", "--region", "atlantis", "--out", str(tmp_path / "x")]
    )
    assert bad.exit_code != 0 and "known regions: almaty-2019, kazakhstan-2025, shymkent" in bad.output


def test_two_digit_years_take_the_century_of_the_rows_iin(tmp_path: Path) -> None:
    born_1915, born_1979, born_2006 = dt.date(1915, 3, 1), dt.date(1979, 10, 28), dt.date(2006, 12, 11)
    old, mid, young = (make_iin(d, s, 7) for d, s in ((born_1915, "F"), (born_1979, "M"), (born_2006, "F")))
    other = make_iin(dt.date(1950, 5, 5), "M", 7)
    people = [(old, "Ахметова Айгуль"), (mid, "Ахметов Ерлан"), (young, "Оспанова Айгерім"), (other, "Сериков Берик")]
    path = tmp_path / "registry.csv"
    path.write_text(
        "ИИН;ФИО;Дата рождения;Район\n"
        + "".join(
            f"{n};{name};{d};Талгарский район\n"
            for (n, name), d in zip(people, ["01.03.15", "28/10/79", "11.12.06", "05.05.1950"], strict=True)
        ),
        encoding="utf-8",
    )
    pension = tmp_path / "pension.csv"  # the same people, dates with two-digit years
    pension.write_text(
        "ИИН,ФИО,Дата рождения\n"
        f"{old},Ахметова Айгуль,01.03.15\n"  # the pivot alone (as of 2020) would say 2015
        f"{mid},Ахметов Ерлан,28.10.79\n"
        f"{young},Оспанова Айгерім,11-12-06\n"
        f"{other},Сериков Берик,01.03.15\n",  # the IIN says otherwise: the pivot decides, a true conflict
        encoding="utf-8",
    )
    sources = [Source("registry", path), Source("pension", pension)]
    run = pipeline.reconcile(sources, tmp_path / "run", as_of=dt.date(2020, 1, 1))
    con = duckdb.connect(str(run.folder / "run.duckdb"), read_only=True)
    got = dict(con.execute("SELECT last_name, birth_date FROM statuses").fetchall())
    assert got == {"Ахметова": born_1915, "Ахметов": born_1979, "Оспанова": born_2006, "Сериков": dt.date(1950, 5, 5)}
    agency = dict(con.execute("SELECT last_name, birth_date FROM agency").fetchall())
    assert agency == {**got, "Сериков": dt.date(2015, 3, 1)}
    mismatches = con.execute("SELECT detail FROM conflicts WHERE type = 'iin_birth_date_mismatch'").fetchall()
    assert mismatches == [("IIN says 05.05.1950, row says 01.03.2015",)]  # the one true conflict, no false ones
