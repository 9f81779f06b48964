"""A resident keeps one person_id across runs, whatever the order or content of the registry file."""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

import duckdb
import pytest

from birtizim.engine import SourceError, pipeline
from birtizim.engine.ingest import Source
from tests.regions import synthetic_region
from tests.review_region import REGISTRY


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_region(tmp_path_factory, residents=1_500, seed=31)


def _append(path: Path, row: list[str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(row)


def _sources(region: Path, registry: Path | None = None, extra: Path | None = None) -> list[Source]:
    import json

    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    found = [Source(s["kind"], region / s["path"]) for s in manifest["sources"]]
    if registry is not None:
        found = [Source("registry", registry) if s.kind == "registry" else s for s in found]
    return [*found, *([Source("unemployed", extra)] if extra else [])]


def _reshuffled(region: Path, out: Path, *, drop: int = 0, seed: int = 7) -> tuple[Path, set[str]]:
    """The registry in another row order, without ``drop`` residents; returns the file and the IINs dropped."""
    with (region / REGISTRY).open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    random.Random(seed).shuffle(rows)
    dropped = {r[0] for r in rows[:drop]}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows[drop:])
    return out, dropped


def _ids(folder: Path) -> dict[str, int]:
    with duckdb.connect(str(folder / "run.duckdb"), read_only=True) as con:
        return {str(i): int(p) for i, p in con.execute("SELECT iin, person_id FROM statuses").fetchall()}


def _outsiders(folder: Path) -> dict[str, int]:
    """Persons made of rows outside the registry, by the row's names (not its row number)."""
    with duckdb.connect(str(folder / "run.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT a.last_name || ' ' || a.first_name, l.person_id FROM links l JOIN agency a USING (record_id) "
            "WHERE l.method = 'new' AND a.iin IS NULL"
        ).fetchall()
    return {str(n): int(p) for n, p in rows}


@pytest.fixture(scope="module")
def first(region: Path, tmp_path_factory: pytest.TempPathFactory) -> pipeline.Run:
    return pipeline.reconcile(_sources(region), tmp_path_factory.mktemp("first"))


def test_residents_keep_their_ids_when_the_registry_is_reordered_and_shrinks(
    region: Path, first: pipeline.Run, tmp_path: Path
) -> None:
    registry, dropped = _reshuffled(region, tmp_path / "r" / "registry.csv", drop=40)
    second = pipeline.reconcile(
        _sources(region, registry), tmp_path / "run", identities=first.folder / "identities.parquet"
    )
    before, after = _ids(first.folder), _ids(second.folder)
    assert set(before) - set(after) == dropped and dropped
    assert {i: after[i] for i in after} == {i: before[i] for i in after}  # every remaining resident, same id
    assert second.identities["read"] == len(_read_identities(first.folder)) > 0


def _read_identities(folder: Path) -> list[tuple[int, str]]:
    with duckdb.connect() as con:
        return [(int(p), str(k)) for p, k in con.execute(f"SELECT * FROM '{folder / 'identities.parquet'}'").fetchall()]


def test_without_a_table_the_same_files_in_another_order_give_the_same_ids(
    region: Path, first: pipeline.Run, tmp_path: Path
) -> None:
    registry, _ = _reshuffled(region, tmp_path / "r" / "registry.csv")
    again = pipeline.reconcile(_sources(region, registry), tmp_path / "run")
    assert _ids(again.folder) == _ids(first.folder)


def test_a_resident_who_leaves_and_returns_gets_their_old_id_and_newcomers_get_new_ones(
    region: Path, first: pipeline.Run, tmp_path: Path
) -> None:
    without, dropped = _reshuffled(region, tmp_path / "a" / "registry.csv", drop=5, seed=3)
    gone = pipeline.reconcile(
        _sources(region, without), tmp_path / "gone", identities=first.folder / "identities.parquet"
    )
    assert not dropped & set(_ids(gone.folder))
    back = pipeline.reconcile(_sources(region), tmp_path / "back", identities=gone.folder / "identities.parquet")
    assert _ids(back.folder) == _ids(first.folder)
    # a newcomer: a registry row of its own, with an IIN no run has seen, gets an id above every id given
    shutil.copy(region / REGISTRY, tmp_path / "registry.csv")
    with (tmp_path / "registry.csv").open(encoding="utf-8", newline="") as f:
        header, row, *_ = list(csv.reader(f))
    newcomer = dict(zip(header, row, strict=True)) | {"ИИН": "791028302728", "Дата рождения": "28.10.1979"}
    _append(tmp_path / "registry.csv", [newcomer[h] for h in header])
    grown = pipeline.reconcile(
        _sources(region, tmp_path / "registry.csv"), tmp_path / "grown", identities=back.folder / "identities.parquet"
    )
    largest = max(p for p, _ in _read_identities(back.folder))
    assert _ids(grown.folder)["791028302728"] > largest
    assert {i: p for i, p in _ids(grown.folder).items() if i != "791028302728"} == _ids(first.folder)


def test_a_person_outside_the_registry_keeps_their_id_wherever_their_row_sits(
    region: Path, first: pipeline.Run, tmp_path: Path
) -> None:
    listed = tmp_path / "unemployed.csv"
    rows = [["ИИН", "Фамилия", "Имя", "Отчество", "Дата рождения"], ["", "Несуществующий", "Евлампий", "", ""]]
    rows += [["", f"Небывалов{k}", "Аристарх", "", ""] for k in range(3)]
    with listed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    one = pipeline.reconcile(
        _sources(region, extra=listed), tmp_path / "one", identities=first.folder / "identities.parquet"
    )
    with listed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0], *reversed(rows[1:])])  # the same people, in another order
    two = pipeline.reconcile(
        _sources(region, extra=listed), tmp_path / "two", identities=one.folder / "identities.parquet"
    )
    made = _outsiders(one.folder)
    assert "Несуществующий Евлампий" in made and len(made) >= 4
    assert _outsiders(two.folder) == made
    assert min(made.values()) > max(_ids(first.folder).values())  # never one of a resident's ids


@pytest.mark.parametrize(
    "table,message",
    [
        ("SELECT 1 AS person_id, 'iin:1' AS key UNION ALL SELECT 1, 'iin:2'", "one id"),
        ("SELECT 1 AS id, 'iin:1' AS key", "not an identities table"),
    ],
)
def test_a_broken_identities_table_is_refused(region: Path, tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "identities.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY ({table}) TO '{path}' (FORMAT parquet)")
    with pytest.raises(SourceError, match=message):
        pipeline.reconcile(_sources(region), tmp_path / "run", identities=path)
    with pytest.raises(SourceError, match="no identities file"):
        pipeline.reconcile(_sources(region), tmp_path / "run", identities=tmp_path / "missing.parquet")
