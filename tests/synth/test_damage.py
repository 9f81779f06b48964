"""birtizim synth --damage harsh: every kind of damage is real, recorded per row, and leaves the standard
rows of a seed as they were."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from birtizim.engine import iin, names
from birtizim.synth import agencies, damage, synthesize
from tests.regions import synthetic_region

RESIDENTS = 20_000
FIELDS = ("iin", "full_name", "last_name", "first_name", "patronymic", "birth_date")


@pytest.fixture(scope="module")
def harsh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_region(tmp_path_factory, residents=RESIDENTS, seed=4, damage_mode="harsh", folder="harsh")


@pytest.fixture(scope="module")
def rows(harsh: Path) -> duckdb.DuckDBPyConnection:
    """Every agency row as written in its file, beside its truth (person, noise and damage flags)."""
    con = duckdb.connect()
    iin.install_sql(con)
    names.install_sql(con)
    manifest = json.loads((harsh / "manifest.json").read_text(encoding="utf-8"))
    written = []
    for source in manifest["sources"]:
        spec = next(s for s in agencies.SOURCES if s.kind == source["kind"])
        for number, cells in enumerate(_read(harsh / source["path"], spec), start=1):
            written.append(
                {
                    "source": spec.kind,
                    "ordinal": number,
                    **{f: _text(cells.get(spec.headers[f])) if f in spec.headers else None for f in FIELDS},
                }
            )
    con.execute("CREATE TABLE written AS SELECT * FROM read_json_auto(?)", [_json(harsh, written)])
    truth = harsh / "truth"
    con.execute(
        f"""
        CREATE TABLE rows AS
        SELECT w.*, t.* EXCLUDE (source), p.iin AS true_iin, p.last_name AS true_last, p.district AS true_district
        FROM written w
        JOIN (SELECT *, row_number() OVER (PARTITION BY source ORDER BY row_number) AS ordinal
              FROM '{truth / "rows.parquet"}') t USING (source, ordinal)
        LEFT JOIN '{truth / "persons.parquet"}' p USING (person_id)
        WHERE w.source <> 'registry'
        """
    )
    con.execute(f"CREATE TABLE persons AS SELECT * FROM '{truth / 'persons.parquet'}'")
    return con


def _read(path: Path, spec: agencies.SourceSpec) -> list[dict[str, Any]]:
    if spec.fmt == "xlsx":
        header, *data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        return [dict(zip(map(str, header), row, strict=True)) for row in data]
    import csv
    import io

    text = path.read_bytes().decode(spec.encoding)
    return list(csv.DictReader(io.StringIO(text), delimiter=spec.delimiter))


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _json(folder: Path, rows: list[dict[str, Any]]) -> str:
    path = folder / "written.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, default=str), encoding="utf-8")
    return str(path)


def _flagged(rows: duckdb.DuckDBPyConnection, kind: str, columns: str) -> list[tuple[Any, ...]]:
    return rows.execute(f"SELECT {columns} FROM rows WHERE damage_{kind}").fetchall()


def test_at_least_twenty_kinds_each_hit_rows_and_are_counted(harsh: Path) -> None:
    manifest = json.loads((harsh / "manifest.json").read_text(encoding="utf-8"))
    assert len(damage.KINDS) >= 20
    assert manifest["damage"] == "harsh" and set(manifest["damage_rates"]) == set(damage.KIND_NAMES)
    hit: dict[str, int] = {}
    for source in manifest["sources"]:
        for kind, n in source["damage"].items():
            hit[kind] = hit.get(kind, 0) + n
    assert {k for k, n in hit.items() if n > 0} == set(damage.KIND_NAMES)
    truth = pq.read_table(harsh / "truth" / "rows.parquet").to_pydict()
    for kind in damage.KIND_NAMES:
        assert sum(bool(v) for v in truth[f"damage_{kind}"]) == hit[kind], kind


def test_another_residents_iin_is_a_real_residents_and_a_relatives_shares_the_surname(
    rows: duckdb.DuckDBPyConnection,
) -> None:
    relative = rows.execute(
        """
        SELECT count(*), count(*) FILTER (p.iin IS NOT NULL AND p.iin <> r.true_iin
                                          AND name_fold_surname(p.last_name) = name_fold_surname(r.true_last))
        FROM rows r LEFT JOIN persons p ON p.iin = r.iin WHERE r.damage_relative_iin
        """
    ).fetchone()
    assert relative is not None and relative[0] > 50 and relative[1] == relative[0]
    random = rows.execute(
        """
        SELECT count(*), count(*) FILTER (p.iin IS NOT NULL AND p.iin IS DISTINCT FROM r.true_iin
                                          AND p.registry_status = 'resident')
        FROM rows r LEFT JOIN persons p ON p.iin = r.iin WHERE r.damage_random_iin
        """
    ).fetchone()
    assert random is not None and random[0] > 30 and random[1] == random[0]


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        ("iin_dashes", r"^[0-9]+([\u2013\u2014\u2212-][0-9]+)+$"),
        ("iin_odd_spaces", r"^[0-9]{4}[\u00a0\u2009\u202f][0-9]{4}[\u00a0\u2009\u202f][0-9]{4}$"),
        ("iin_letters", r"^[0-9OoОlI]{12}$"),
        ("iin_scientific_3", r"^[0-9]\.[0-9]{2}E\+[0-9]{2}$"),
    ],
)
def test_iin_damage_is_written_as_flagged_and_cleans_back(
    rows: duckdb.DuckDBPyConnection, kind: str, pattern: str
) -> None:
    # (on rows the standard noise left whole: dashes keep a typo the standard noise made)
    clean = (
        "AND true_iin IS NOT NULL"
        " AND NOT (noise_iin_typo OR noise_iin_swap OR noise_iin_format OR noise_iin_leading_zero_lost)"
    )
    written = _flagged(rows, f"{kind} {clean}", "CAST(iin AS VARCHAR), true_iin")
    assert len(written) > 20
    for text, true_iin in written:
        assert re.fullmatch(pattern, text), (kind, text)
        if kind == "iin_scientific_3":
            span = iin.scientific_range(text)
            assert span is not None and span[0] <= int(true_iin) <= span[1]
        else:
            assert iin.clean(text).iin == true_iin, text


def test_missing_iins_and_swapped_digits(rows: duckdb.DuckDBPyConnection) -> None:
    assert all(v in (None, "") for (v,) in _flagged(rows, "iin_missing", "iin"))
    clean = "AND true_iin IS NOT NULL AND NOT (noise_iin_typo OR noise_iin_swap OR noise_iin_leading_zero_lost)"
    swapped = _flagged(rows, f"iin_digits_swapped {clean}", "CAST(iin AS VARCHAR), true_iin")
    assert swapped and all(
        sorted(a) == sorted(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 2 for a, b in swapped
    )


def test_name_damage_is_written_as_flagged(rows: duckdb.DuckDBPyConnection) -> None:
    def full(row: tuple[Any, ...]) -> str:
        return " ".join(str(v) for v in row if v)

    names_of = "full_name, last_name, first_name, patronymic"
    latin_2018 = [full(r) for r in _flagged(rows, "latin_2018", names_of)]
    assert latin_2018 and all(not re.search("[А-Яа-яЁёӘәІіҢңҒғҮүҰұҚқӨөҺһ]", n) for n in latin_2018)
    assert sum(bool(re.search("[ÁáÓóÚúÝýǴǵŃńı]", n)) for n in latin_2018) > len(latin_2018) / 2
    latin_2021 = [full(r) for r in _flagged(rows, "latin_2021", names_of)]
    assert latin_2021 and sum(bool(re.search("[ÄäÖöÜüŪūŞşÇçĞğÑñİı]", n)) for n in latin_2021) > len(latin_2021) / 3
    passport = [full(r) for r in _flagged(rows, "passport_old", names_of)]
    assert passport and all(n == n.upper() and n.isascii() for n in passport)
    initials = [full(r) for r in _flagged(rows, "initials", names_of)]
    assert initials and all(re.search(r"\b\w\.", n) for n in initials)
    look_alike = [full(r) for r in _flagged(rows, "look_alike_letters", names_of)]
    assert look_alike and all(re.search("[A-Za-z]", n) and re.search("[А-Яа-я]", n) for n in look_alike)


def test_birth_date_damage_is_written_as_flagged(rows: duckdb.DuckDBPyConnection) -> None:
    two_digit = _flagged(rows, "two_digit_year", "CAST(birth_date AS VARCHAR)")
    assert two_digit and all(re.fullmatch(r"\d\d\.\d\d\.\d\d", v) for (v,) in two_digit)
    suffix = _flagged(rows, "year_suffix", "CAST(birth_date AS VARCHAR)")
    assert suffix and all(re.fullmatch(r"\d\d\.\d\d\.\d{4} ?г\.", v) for (v,) in suffix)
    serial = _flagged(rows, "excel_serial", "CAST(birth_date AS VARCHAR)")
    assert serial and all(re.fullmatch(r"\d{4,5}(\.0)?", v) for (v,) in serial)
    missing = _flagged(rows, "no_patronymic_no_birth_date", "birth_date, patronymic")
    assert missing and all(not b and not p for b, p in missing)


def _digest(folder: Path) -> str:
    """The content of every file a region holds (the manifest records its run time; XLSX zips carry
    a timestamp, Parquet its writer's version: their cells and rows are compared instead)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name == "manifest.json":
            continue
        h.update(p.relative_to(folder).as_posix().encode())
        if p.suffix == ".xlsx":
            h.update(repr(CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()).encode())
        elif p.suffix == ".parquet":
            table = pq.read_table(p)
            h.update(repr(table.schema).encode())
            h.update(repr(table.to_pydict()).encode())
        else:
            h.update(p.read_bytes())
    return h.hexdigest()


def test_the_standard_region_of_a_seed_is_unchanged_and_harsh_is_repeatable(tmp_path: Path) -> None:
    synthesize(region="almaty-2019", residents=2_000, seed=5, out=tmp_path / "standard")
    synthesize(region="almaty-2019", residents=2_000, seed=5, out=tmp_path / "harsh", damage_mode="harsh")
    synthesize(region="almaty-2019", residents=2_000, seed=5, out=tmp_path / "again", damage_mode="harsh")
    # the standard files and truth of this seed, as the generator's edition 2 (surnames as often as the
    # country's) writes them; harsh damage must not change them
    assert _digest(tmp_path / "standard") == STANDARD_DIGEST
    assert _digest(tmp_path / "harsh") == _digest(tmp_path / "again") != STANDARD_DIGEST


def test_it_refuses_an_unknown_damage_mode(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="harsh"):
        synthesize(region="almaty-2019", residents=200, seed=1, out=tmp_path, damage_mode="brutal")


# Edition 2 (synth.GENERATOR): every file changed, the surnames being drawn from the larger pool.
STANDARD_DIGEST = "957b28ebf3ecc7bb11fabac97df9cf9bb80669e97d7112e62c0bb300e5edc8f1"
